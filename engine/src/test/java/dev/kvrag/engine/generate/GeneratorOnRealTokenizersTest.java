package dev.kvrag.engine.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvrag.engine.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The loop and the chat glue over the committed Qwen3, Llama-3 and Llama-2 tokenizers, with a scripted model. */
class GeneratorOnRealTokenizersTest {

  private static Tokenizer qwen3;
  private static Tokenizer llama3;
  private static Tokenizer llama2;

  @BeforeAll
  static void loadTokenizers() {
    var dir = ChatTemplatesTest.repositoryRoot().resolve("models/tokenizers");
    qwen3 = Tokenizer.load(dir.resolve("qwen3"));
    llama3 = Tokenizer.load(dir.resolve("llama3"));
    llama2 = Tokenizer.load(dir.resolve("llama2"));
  }

  private static int[] concat(int[] a, int... b) {
    return IntStream.concat(Arrays.stream(a), Arrays.stream(b)).toArray();
  }

  private static int id(Tokenizer tok, String token) {
    return tok.tokenId(token).orElseThrow();
  }

  @Test
  void aQwen3ChatReplyStreamsWholeCharactersAndEndsAtImEnd() {
    ChatTemplate chat = ChatTemplates.forTokenizer(qwen3);
    assertEquals("ChatML (Qwen3)", chat.name());
    int[] prompt = qwen3.encode(chat.render(List.of(ChatMessage.user("Say something.")), true));
    assertEquals(id(qwen3, "<|im_start|>"), prompt[0], "special tokens in the rendered text encode as themselves");

    String reply = "Ein Café für dich: 🍕🍕, 東京 und ✓.";
    int[] replyIds = qwen3.encode(reply);
    int imEnd = id(qwen3, "<|im_end|>");
    TableModel model = TableModel.scripted(qwen3.vocabSize(), prompt.length, concat(replyIds, imEnd, replyIds[0]));
    List<String> streamed = new ArrayList<>();
    GenerationResult r = Generator.generate(model, qwen3, prompt, SamplingParams.greedy(200),
        ChatTemplates.stopTokenIds(qwen3, chat), streamed::add);

    assertEquals(FinishReason.EOS, r.finishReason());
    assertEquals(reply, r.text());
    assertEquals(reply, String.join("", streamed));
    assertArrayEquals(concat(replyIds, imEnd), r.tokenIds());
    assertTrue(streamed.stream().noneMatch(piece -> piece.isEmpty() || piece.contains("\uFFFD")), streamed.toString());
  }

  @Test
  void aStopStringIsFoundAcrossRealTokenBoundaries() {
    String text = "Answer: 42 apples\n\nQuestion: and pears?";
    int[] ids = qwen3.encode(text);
    int[] prompt = qwen3.encode("Question: how many?");
    List<String> streamed = new ArrayList<>();
    GenerationResult r = Generator.generate(TableModel.scripted(qwen3.vocabSize(), prompt.length, ids), qwen3,
        prompt, SamplingParams.greedy(100).withStopStrings(List.of("\n\nQuestion:")), streamed::add);
    assertEquals(FinishReason.STOP_STRING, r.finishReason());
    assertEquals("Answer: 42 apples", r.text());
    assertEquals(r.text(), String.join("", streamed));
    assertTrue(r.tokenIds().length < ids.length, "generation ended at the stop string, before the script did");
  }

  @Test
  void maxTokensThatCutACharacterInHalfEndWithAReplacementCharacter() {
    int[] bytes = llama3.encode("\u1F00\u1F01\u1F02"); // Greek extended: rare, so split into byte tokens
    assertTrue(bytes.length > 3, "expected byte-level pieces, got " + Arrays.toString(bytes));
    int[] prompt = llama3.encodeWithBos("Hi");
    List<String> streamed = new ArrayList<>();
    GenerationResult r = Generator.generate(TableModel.scripted(llama3.vocabSize(), prompt.length, bytes), llama3,
        prompt, SamplingParams.greedy(1), streamed::add);
    String decodedAlone = llama3.decode(new int[] {bytes[0]});
    assertEquals(FinishReason.MAX_TOKENS, r.finishReason());
    assertEquals(decodedAlone, r.text(), "the end shows what decoding the ids shows");
    assertTrue(r.text().endsWith("\uFFFD"), r.text());
    assertEquals(r.text(), String.join("", streamed));
  }

  @Test
  void llama3ChatStopsOnEotEvenThoughItsEosIsEndOfText() {
    ChatTemplate chat = ChatTemplates.forTokenizer(llama3);
    int[] stops = ChatTemplates.stopTokenIds(llama3, chat);
    assertTrue(Arrays.stream(stops).anyMatch(s -> s == id(llama3, "<|eot_id|>")), Arrays.toString(stops));
    assertTrue(Arrays.stream(stops).anyMatch(s -> s == id(llama3, "<|end_of_text|>")), Arrays.toString(stops));

    int[] prompt = llama3.encode(chat.render(List.of(ChatMessage.user("Hi")), true));
    assertEquals(id(llama3, "<|begin_of_text|>"), prompt[0]);
    assertEquals(1, Arrays.stream(prompt).filter(t -> t == id(llama3, "<|begin_of_text|>")).count(), "one BOS, from the template");
    int[] reply = llama3.encode("Hello there!");
    GenerationResult r = Generator.generate(
        TableModel.scripted(llama3.vocabSize(), prompt.length, concat(reply, id(llama3, "<|eot_id|>"), reply[0])),
        llama3, prompt, SamplingParams.greedy(50), stops, s -> {});
    assertEquals(FinishReason.EOS, r.finishReason());
    assertEquals("Hello there!", r.text());
  }

  @Test
  void llama2WithoutATemplateGetsTheInstFormatAndItsSpecialTokensStayOutOfTheText() {
    ChatTemplate chat = ChatTemplates.forTokenizer(llama2);
    assertEquals("Llama-2 [INST] <<SYS>>", chat.name());
    int[] prompt = llama2.encode(chat.render(List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hi")), true));
    assertEquals(id(llama2, "<s>"), prompt[0]);
    int[] reply = llama2.encode("Hello");
    int[] script = concat(concat(reply, id(llama2, "<s>")), llama2.encode(" again"));
    GenerationResult r = Generator.generate(TableModel.scripted(llama2.vocabSize(), prompt.length, script), llama2,
        prompt, SamplingParams.greedy(script.length), s -> {});
    assertEquals(FinishReason.MAX_TOKENS, r.finishReason());
    assertFalse(r.text().contains("<s>"), r.text());
    assertEquals(llama2.decode(script, true), r.text());
  }
}
