package dev.kvrag.engine.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class GeneratorTest {

  /** Token texts of the fake vocabulary; id 0 is EOS, id 9 an incomplete UTF-8 byte (no text yet). */
  private static final String[] PIECES = {
      "<eos>", "Hello", " world", " <", "/", "s>", "!", " more", "<", "", "\n", "User", ":", " a", "b"};
  private static final int EOS = 0;
  private static final int[] EOS_IDS = {EOS};
  private static final int[] PROMPT = {1, 2};

  /** Table lookup; id 9 stands for a byte that opens a character no later token completes. */
  private static Detokenizer detokenizer() {
    int[] pendingBytes = {0};
    return new Detokenizer(id -> {
      pendingBytes[0] = id == 9 ? pendingBytes[0] + 1 : 0;
      return PIECES[id];
    }, () -> pendingBytes[0] > 0 ? "\uFFFD" : "");
  }

  private record Run(GenerationResult result, List<String> streamed) {
    String streamedText() {
      return String.join("", streamed);
    }
  }

  private static Run run(TokenModel model, SamplingParams p) {
    List<String> streamed = new ArrayList<>();
    GenerationResult r = Generator.generate(model, detokenizer(), PROMPT, p, EOS_IDS, streamed::add);
    return new Run(r, streamed);
  }

  private static List<Integer> concat(int[] prompt, int[] generated, int keep) {
    return IntStream.concat(Arrays.stream(prompt), Arrays.stream(generated, 0, keep)).boxed().toList();
  }

  @Test
  void stopsAtAnEosIdWithoutDecodingIt() {
    TableModel model = TableModel.scripted(PIECES.length, PROMPT.length, 1, 2, 6, EOS, 7);
    Run run = run(model, SamplingParams.greedy(50));
    assertArrayEquals(new int[] {1, 2, 6, EOS}, run.result().tokenIds());
    assertEquals("Hello world!", run.result().text());
    assertEquals(FinishReason.EOS, run.result().finishReason());
    assertEquals(List.of("Hello", " world", "!"), run.streamed());
    assertEquals(concat(PROMPT, run.result().tokenIds(), 3), model.fed(), "the EOS is not fed back");
  }

  @Test
  void aStopStringSpreadOverSeveralTokensEndsGenerationAndIsNeverStreamed() {
    TableModel model = TableModel.scripted(PIECES.length, PROMPT.length, 1, 3, 4, 5, 7, 7);
    Run run = run(model, SamplingParams.greedy(50).withStopStrings(List.of("</s>")));
    assertArrayEquals(new int[] {1, 3, 4, 5}, run.result().tokenIds());
    assertEquals(FinishReason.STOP_STRING, run.result().finishReason());
    assertEquals("Hello ", run.result().text());
    assertEquals(List.of("Hello", " "), run.streamed());
    assertEquals(concat(PROMPT, run.result().tokenIds(), 3), model.fed());
  }

  @Test
  void maxTokensEndsGenerationAndTheLastTokenIsNotFed() {
    TableModel model = TableModel.scripted(PIECES.length, PROMPT.length, 1, 7, 7, 7, 7);
    Run run = run(model, SamplingParams.greedy(3));
    assertArrayEquals(new int[] {1, 7, 7}, run.result().tokenIds());
    assertEquals(FinishReason.MAX_TOKENS, run.result().finishReason());
    assertEquals("Hello more more", run.result().text());
    assertEquals(concat(PROMPT, run.result().tokenIds(), 2), model.fed());
  }

  @Test
  void aHeldBackStopPrefixIsStreamedAtTheEndWhenNoStopCompletes() {
    TableModel model = TableModel.scripted(PIECES.length, PROMPT.length, 1, 10, 11, EOS);
    Run run = run(model, SamplingParams.greedy(10).withStopStrings(List.of("\nUser:")));
    assertEquals(FinishReason.EOS, run.result().finishReason());
    assertEquals("Hello\nUser", run.result().text());
    assertEquals(List.of("Hello", "\nUser"), run.streamed());
  }

  @Test
  void theChatTurnMarkerStopsGenerationLikeAStopString() {
    TableModel model = TableModel.scripted(PIECES.length, PROMPT.length, 1, 10, 11, 12, 13);
    Run run = run(model, SamplingParams.greedy(10).withStopStrings(List.of("\nUser:")));
    assertEquals(FinishReason.STOP_STRING, run.result().finishReason());
    assertEquals("Hello", run.result().text());
  }

  @Test
  void tokensWithoutCompleteTextAreNotStreamedAsEmptyPieces() {
    TableModel model = TableModel.scripted(PIECES.length, PROMPT.length, 9, 1, 9, 9, 2, EOS);
    Run run = run(model, SamplingParams.greedy(10));
    assertEquals(List.of("Hello", " world"), run.streamed());
    assertEquals(6, run.result().tokenIds().length);
  }

  @Test
  void aCharacterCutOffByMaxTokensIsStreamedAsAReplacementCharacter() {
    TableModel model = TableModel.scripted(PIECES.length, PROMPT.length, 1, 9);
    Run run = run(model, SamplingParams.greedy(2));
    assertEquals(FinishReason.MAX_TOKENS, run.result().finishReason());
    assertEquals(List.of("Hello", "\uFFFD"), run.streamed());
    assertEquals("Hello\uFFFD", run.result().text());
  }

  @Test
  void theSameSeedGivesTheSameTokensAndAnotherSeedOthers() {
    SamplingParams p = SamplingParams.sampled(1.0, 7, 40);
    GenerationResult a = run(TableModel.bigram(PIECES.length, 3), p).result();
    GenerationResult b = run(TableModel.bigram(PIECES.length, 3), p).result();
    GenerationResult c = run(TableModel.bigram(PIECES.length, 3), p.withSeed(8)).result();
    assertArrayEquals(a.tokenIds(), b.tokenIds());
    assertEquals(a.text(), b.text());
    assertFalse(Arrays.equals(a.tokenIds(), c.tokenIds()));
  }

  @Test
  void topKOfOneGeneratesTheGreedyContinuation() {
    GenerationResult greedy = run(TableModel.bigram(PIECES.length, 5), SamplingParams.greedy(30)).result();
    for (long seed = 0; seed < 5; seed++) {
      GenerationResult topOne = run(TableModel.bigram(PIECES.length, 5), SamplingParams.sampled(3.0, seed, 30).withTopK(1)).result();
      assertArrayEquals(greedy.tokenIds(), topOne.tokenIds());
    }
  }

  @Test
  void sampledGenerationStaysInsideTheNucleus() {
    TableModel model = TableModel.bigram(PIECES.length, 11);
    SamplingParams p = SamplingParams.sampled(0.7, 3, 60).withTopK(4).withTopP(0.8);
    GenerationResult r = run(model, p).result();
    // Re-derive the allowed set at every step from the same table rows the model served.
    List<Integer> fed = model.fed();
    for (int step = 0; step < r.tokenIds().length; step++) {
      int last = fed.get(PROMPT.length - 1 + step);
      float[] logits = TableModel.bigram(PIECES.length, 11).feed(new int[] {last});
      int[] kept = new Sampler(p).keptIds(logits);
      int token = r.tokenIds()[step];
      assertTrue(Arrays.stream(kept).anyMatch(k -> k == token), "step " + step + ": " + token + " not in " + Arrays.toString(kept));
    }
  }

  @Test
  void theStreamConcatenatesToTheFinalTextAndNeverShowsAStopString() {
    List<String> stops = List.of("</s>", "b a", "!!");
    int stoppedRuns = 0;
    for (long seed = 0; seed < 200; seed++) {
      Run run = run(TableModel.bigram(PIECES.length, seed % 7), SamplingParams.sampled(1.5, seed, 25).withStopStrings(stops));
      assertEquals(run.result().text(), run.streamedText(), "seed " + seed);
      assertTrue(run.streamed().stream().noneMatch(String::isEmpty));
      for (String stop : stops) {
        assertFalse(run.result().text().contains(stop), "seed " + seed + ": " + run.result().text());
      }
      int[] textTokens = Arrays.stream(run.result().tokenIds()).filter(id -> id != EOS).toArray();
      String full = Arrays.stream(textTokens).mapToObj(id -> PIECES[id]).reduce("", String::concat)
          + (textTokens.length > 0 && textTokens[textTokens.length - 1] == 9 ? "\uFFFD" : "");
      assertTrue(full.startsWith(run.result().text()));
      if (run.result().finishReason() == FinishReason.STOP_STRING) {
        stoppedRuns++;
        String rest = full.substring(run.result().text().length());
        assertTrue(stops.stream().anyMatch(rest::startsWith), "the text ends right where a stop string starts");
      } else {
        assertEquals(full, run.result().text());
      }
    }
    assertTrue(stoppedRuns > 10, "the random walk should hit a stop string often: " + stoppedRuns);
  }

  @Test
  void timeToFirstTokenAndDecodeTimeAreRecorded() {
    GenerationResult r = run(TableModel.scripted(PIECES.length, PROMPT.length, 1, 7, 7, 7), SamplingParams.greedy(4)).result();
    assertTrue(r.promptNanos() > 0, r.toString());
    assertTrue(r.decodeNanos() > 0, r.toString());
  }

  @Test
  void anEmptyPromptIsRejected() {
    var e = assertThrows(IllegalArgumentException.class, () -> Generator.generate(TableModel.bigram(3, 0),
        detokenizer(), new int[0], SamplingParams.greedy(1), EOS_IDS, s -> {}));
    assertTrue(e.getMessage().contains("prompt is empty"), e.getMessage());
  }

  @Test
  void logitsOfTheWrongLengthAreReported() {
    TokenModel broken = new TokenModel() {
      @Override
      public int vocabSize() {
        return 10;
      }

      @Override
      public float[] feed(int[] tokenIds) {
        return new float[7];
      }
    };
    var e = assertThrows(IllegalStateException.class, () -> run(broken, SamplingParams.greedy(2)));
    assertTrue(e.getMessage().contains("7 logits for a vocabulary of 10"), e.getMessage());
  }
}
