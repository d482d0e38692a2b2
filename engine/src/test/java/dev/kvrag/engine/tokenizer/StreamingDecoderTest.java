package dev.kvrag.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

class StreamingDecoderTest {

  @ParameterizedTest
  @ValueSource(strings = {"qwen3", "llama3", "llama2"})
  void streamedPiecesConcatenateToTheFullDecoding(String name) throws IOException {
    Tokenizer tokenizer = RealTokenizers.get(name);
    for (String text : referenceStrings()) {
      for (boolean skip : new boolean[] {false, true}) {
        int[] ids = tokenizer.encode(text);
        StreamingDecoder stream = tokenizer.streamingDecoder(skip);
        StringBuilder streamed = new StringBuilder();
        for (int id : ids) {
          streamed.append(stream.push(id));
        }
        streamed.append(stream.finish());
        assertEquals(tokenizer.decode(ids, skip), streamed.toString(), "streaming " + text);
      }
    }
  }

  @Test
  void aCharacterSplitAcrossTokensIsHeldBackUntilComplete() {
    Tokenizer qwen = RealTokenizers.get("qwen3");
    String text = "Math: \uD835\uDD18\uD835\uDD2B\uD835\uDD26 ∀x∈ℝ";
    int[] ids = qwen.encode(text);
    StreamingDecoder stream = qwen.streamingDecoder(false);
    List<String> pieces = new ArrayList<>();
    int heldBack = 0;
    for (int id : ids) {
      String piece = stream.push(id);
      heldBack += piece.isEmpty() ? 1 : 0;
      pieces.add(piece);
    }
    assertTrue(heldBack > 0, "expected some token to end inside a character");
    assertFalse(String.join("", pieces).contains("\uFFFD"));
    assertEquals(text, String.join("", pieces));
  }

  @Test
  void sentencePieceWordsKeepTheirSpaceAfterTheFirst() {
    Tokenizer llama2 = RealTokenizers.get("llama2");
    StreamingDecoder stream = llama2.streamingDecoder(false);
    List<String> pieces = new ArrayList<>();
    for (int id : llama2.encode("Hello big world")) {
      pieces.add(stream.push(id));
    }
    assertEquals(List.of("Hello", " big", " world"), pieces);
  }

  @Test
  void finishHandsOutAnIncompleteCharacterAsAReplacement() {
    Tokenizer llama2 = RealTokenizers.get("llama2");
    StreamingDecoder stream = llama2.streamingDecoder(false);
    assertEquals("Hi", stream.push(llama2.tokenId("\u2581Hi").orElseThrow()));
    assertEquals("", stream.push(llama2.tokenId("<0xE5>").orElseThrow()));
    assertEquals("\uFFFD", stream.finish());
  }

  private static List<String> referenceStrings() throws IOException {
    List<String> strings = new ArrayList<>();
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(
                StreamingDecoderTest.class.getResourceAsStream("/fixtures/tokenizer/strings.jsonl"),
                StandardCharsets.UTF_8))) {
      for (String line; (line = reader.readLine()) != null; ) {
        strings.add(JsonMapper.shared().readTree(line).asString());
      }
    }
    return strings;
  }
}
