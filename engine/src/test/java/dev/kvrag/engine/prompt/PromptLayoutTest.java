package dev.kvrag.engine.prompt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvrag.engine.generate.ChatMessage;
import dev.kvrag.engine.generate.ChatTemplateException;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class PromptLayoutTest {

  private static final int BOS = 1;
  private static final int EOS = 2;
  private static final PromptLayout LAYOUT = PromptLayout.DEFAULT;

  private final PieceTokenizer tokenizer = new PieceTokenizer(PieceTokenizer.LLAMA3);
  private final PromptEncoder encoder = new PromptEncoder(tokenizer, OptionalInt.of(BOS), OptionalInt.of(EOS));

  private static final List<String> CHUNKS = List.of(
      "The Orvane team is based in Kelmorth. It was founded in 2011.",
      "It is led by Dara Quell",
      "quarnel-store is currently at version 4.12.3",
      "(see the runbook) The service's dashboards live in the shared workspace!\nIt depends on tarvik-cache.");

  @Test
  void segmentsAreTextWithSeparatorsAtTheirEnd() {
    List<PromptSegment> s = LAYOUT.segments(List.of("  Chunk one.\n", "Chunk two"), "Who leads it?", "Dara");
    assertEquals(List.of(SegmentRole.PREFIX, SegmentRole.CHUNK, SegmentRole.CHUNK, SegmentRole.QUESTION,
        SegmentRole.ANSWER), s.stream().map(PromptSegment::role).toList());
    assertEquals(LAYOUT.systemText() + "\n\n", s.get(0).text());
    assertEquals("Chunk one.\n\n", s.get(1).text());
    assertEquals("Chunk two\n\n", s.get(2).text());
    assertEquals("Question: Who leads it?\nAnswer:", s.get(3).text());
    assertEquals(" Dara", s.get(4).text());
  }

  @Test
  void encodingSegmentBySegmentEqualsEncodingTheWholeText() {
    List<PromptSegment> segments = LAYOUT.segments(CHUNKS, "In which city is the Orvane team based?", "Kelmorth");
    int[] bySegment = encoder.encode(segments).ids();
    String whole = String.join("", segments.stream().map(PromptSegment::text).toList());
    int[] wholeIds = tokenizer.apply(whole);
    assertArrayEquals(wholeIds, Arrays.copyOfRange(bySegment, 1, bySegment.length - 1));
  }

  @Test
  void aSeparatorAtTheStartOfASegmentWouldSplitDifferentlyThanTheWholeText() {
    // Why separators end segments: ".\n\n" is one piece of the whole text, "." + "\n\n" two.
    int[] apart = concat(tokenizer.apply("It was founded in 2011."), tokenizer.apply("\n\nIt is led by Dara."));
    int[] whole = tokenizer.apply("It was founded in 2011.\n\nIt is led by Dara.");
    assertNotEquals(Arrays.toString(whole), Arrays.toString(apart));
  }

  @Test
  void aChunkEncodesToTheSameIdsInEveryPositionAndPrompt() {
    EncodedPrompt first = encoder.encode(LAYOUT.segments(List.of(CHUNKS.get(0), CHUNKS.get(1)), "Q one?"));
    EncodedPrompt second = encoder.encode(LAYOUT.segments(List.of(CHUNKS.get(2), CHUNKS.get(0)), "Q two?"));
    assertArrayEquals(first.segments().get(1).ids(), second.segments().get(2).ids());
    assertNotEquals(first.start(1), second.start(2));
  }

  @Test
  void bosStartsThePrefixAndEosEndsTheAnswer() {
    EncodedPrompt p = encoder.encode(LAYOUT.segments(List.of(CHUNKS.get(0)), "Where?", "Kelmorth"));
    assertEquals(BOS, p.segments().getFirst().ids()[0]);
    int[] answer = p.segments().getLast().ids();
    assertEquals(EOS, answer[answer.length - 1]);
    assertEquals(tokenizer.apply(" Kelmorth").length + 1, answer.length);
    int[] question = p.segments().get(2).ids();
    assertTrue(Arrays.stream(question).noneMatch(id -> id == BOS || id == EOS));
  }

  @Test
  void withoutBosOrEosTheSegmentsAreTheTextIdsAlone() {
    PromptEncoder plain = new PromptEncoder(tokenizer, OptionalInt.empty(), OptionalInt.empty());
    EncodedPrompt p = plain.encode(LAYOUT.segments(List.of(CHUNKS.get(0)), "Where?", "Kelmorth"));
    assertArrayEquals(tokenizer.apply(LAYOUT.prefix().text()), p.segments().getFirst().ids());
    assertArrayEquals(tokenizer.apply(" Kelmorth"), p.segments().getLast().ids());
  }

  @Test
  void segmentStartsAddUpToTheConcatenatedIds() {
    EncodedPrompt p = encoder.encode(LAYOUT.segments(CHUNKS, "Who?", "Dara Quell"));
    int[] all = p.ids();
    for (int i = 0; i < p.segments().size(); i++) {
      int[] seg = p.segments().get(i).ids();
      assertArrayEquals(seg, Arrays.copyOfRange(all, p.start(i), p.start(i) + seg.length));
    }
    assertEquals(all.length, p.length());
  }

  @Test
  void blankTextIsRejectedNamingWhatWasBlank() {
    IllegalArgumentException chunk = assertThrows(IllegalArgumentException.class, () -> LAYOUT.chunk(" \n"));
    assertEquals("the chunk text is blank", chunk.getMessage());
    IllegalArgumentException question = assertThrows(IllegalArgumentException.class, () -> LAYOUT.question(""));
    assertEquals("the question is blank", question.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new PromptLayout("  "));
  }

  @Test
  void theChatTemplateRendersExactlyTheSegmentText() {
    String question = "Who leads the team that owns quarnel-store?";
    LayoutChatTemplate chat = new LayoutChatTemplate(LAYOUT, "<|bos|>", "<|eos|>");
    String rendered = chat.render(List.of(ChatMessage.user(LAYOUT.userMessage(CHUNKS, question))), true);
    String segments = String.join("", LAYOUT.segments(CHUNKS, question).stream().map(PromptSegment::text).toList());
    assertEquals("<|bos|>" + segments, rendered);

    String answered = chat.render(List.of(ChatMessage.user(LAYOUT.userMessage(CHUNKS, question)),
        ChatMessage.assistant("Dara Quell")), false);
    assertEquals("<|bos|>" + segments + LAYOUT.answer("Dara Quell").text() + "<|eos|>", answered);
  }

  @Test
  void aSystemMessageReplacesTheSystemText() {
    LayoutChatTemplate chat = new LayoutChatTemplate(LAYOUT, "<|bos|>", "<|eos|>");
    String rendered = chat.render(List.of(ChatMessage.system("Be brief."), ChatMessage.user("Question: Why?")), true);
    assertEquals("<|bos|>Be brief.\n\nQuestion: Why?\nAnswer:", rendered);
    assertThrows(ChatTemplateException.class, () -> chat.render(List.of(ChatMessage.system("x")), true));
    assertThrows(ChatTemplateException.class,
        () -> chat.render(List.of(ChatMessage.user("a"), ChatMessage.system("b")), true));
  }

  @Test
  void theJinjaTemplateCarriesTheSystemTextBackToTheLayout() {
    PromptLayout odd = new PromptLayout("Say 'it' \\ then\nstop.");
    assertEquals(odd, PromptLayout.fromChatTemplate(odd.chatTemplate()).orElseThrow());
    assertEquals(LAYOUT, PromptLayout.fromChatTemplate(LAYOUT.chatTemplate()).orElseThrow());
    assertTrue(PromptLayout.fromChatTemplate("{{ bos_token }}<|im_start|>").isEmpty());
    assertTrue(LAYOUT.chatTemplate().contains("'\\nAnswer:'"), "Jinja escapes, not raw newlines");
    assertTrue(LAYOUT.chatTemplate().indexOf('\n') < 0);
  }

  private static int[] concat(int[] a, int[] b) {
    int[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
