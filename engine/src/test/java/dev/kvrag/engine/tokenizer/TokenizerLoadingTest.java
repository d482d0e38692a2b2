package dev.kvrag.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class TokenizerLoadingTest {

  @TempDir Path dir;

  private static String failure(Path dir) {
    return assertThrows(IllegalArgumentException.class, () -> Tokenizer.load(dir)).getMessage();
  }

  private static TokenizerJsonBuilder tiny() {
    return new TokenizerJsonBuilder().characters("abc ").vocab("ab").merges("a b");
  }

  @Test
  void aMissingDirectoryIsNamed() {
    String message = failure(dir.resolve("nope"));
    assertTrue(message.contains("nope") && message.contains("does not exist"), message);
  }

  @Test
  void aDirectoryWithoutTokenizerJsonNamesBothAcceptedFiles() {
    String message = failure(dir);
    assertTrue(
        message.contains("tokenizer.json") && message.contains("tokenizer.json.gz"), message);
  }

  @Test
  void invalidJsonIsReportedWithTheFile() throws IOException {
    Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {\"vocab\": ");
    String message = failure(dir);
    assertTrue(message.contains("tokenizer.json") && message.contains("not valid JSON"), message);
  }

  @Test
  void unsupportedModelTypesAreRejectedByName() throws IOException {
    for (String type : new String[] {"WordPiece", "Unigram"}) {
      TokenizerJsonBuilder b = tiny();
      ((ObjectNode) b.root().get("model")).put("type", type);
      b.writeTo(dir);
      String message = failure(dir);
      assertTrue(message.contains("'" + type + "'") && message.contains("only BPE"), message);
    }
  }

  @Test
  void unknownPipelineComponentsAreRejectedNamingComponentAndType() throws IOException {
    tiny().section("normalizer", "{\"type\": \"BertNormalizer\"}").writeTo(dir);
    String message = failure(dir);
    assertTrue(message.contains("normalizer") && message.contains("BertNormalizer"), message);

    tiny().section("pre_tokenizer", "{\"type\": \"Whitespace\"}").writeTo(dir);
    message = failure(dir);
    assertTrue(message.contains("pre_tokenizer") && message.contains("Whitespace"), message);

    tiny().section("decoder", "{\"type\": \"WordPiece\"}").writeTo(dir);
    message = failure(dir);
    assertTrue(message.contains("decoder") && message.contains("WordPiece"), message);
  }

  @Test
  void aMergeOfTokensOutsideTheVocabularyIsRejected() throws IOException {
    tiny().merges("b x").writeTo(dir);
    String message = failure(dir);
    assertTrue(message.contains("'x'") && message.contains("not in the vocabulary"), message);
  }

  @Test
  void mergesMayBeStringsOrPairs() throws IOException {
    TokenizerJsonBuilder strings = new TokenizerJsonBuilder().characters("abc").vocab("ab", "abc");
    strings.merges("a b", "ab c");
    Tokenizer fromStrings = strings.load(dir);

    TokenizerJsonBuilder pairs = new TokenizerJsonBuilder().characters("abc").vocab("ab", "abc");
    var merges = (tools.jackson.databind.node.ArrayNode) pairs.root().get("model").get("merges");
    merges.addArray().add("a").add("b");
    merges.addArray().add("ab").add("c");
    Path other = Files.createDirectory(dir.resolve("pairs"));
    Tokenizer fromPairs = pairs.load(other);

    assertArrayEquals(new int[] {strings.id("abc")}, fromStrings.encode("abc"));
    assertArrayEquals(fromStrings.encode("abcab"), fromPairs.encode("abcab"));
  }

  @Test
  void thePlainFileIsPreferredAndTheGzippedOneUsedWhenItIsAbsent() throws IOException {
    TokenizerJsonBuilder merging = tiny();
    try (OutputStream out =
        new GZIPOutputStream(Files.newOutputStream(dir.resolve("tokenizer.json.gz")))) {
      out.write(merging.root().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    assertArrayEquals(new int[] {merging.id("ab")}, Tokenizer.load(dir).encode("ab"));

    new TokenizerJsonBuilder().characters("abc ").vocab("ab").writeTo(dir); // no merges
    assertEquals(2, Tokenizer.load(dir).encode("ab").length);
  }

  @Test
  void specialTokensMayBeObjectsAndEosIdsGatherEveryConfig() throws IOException {
    new TokenizerJsonBuilder()
        .characters("ab")
        .addedToken("<s>", true, false, false, false, false) // id 2
        .addedToken("</s>", true, false, false, false, false) // 3
        .addedToken("<eot>", true, false, false, false, false) // 4
        .writeTo(dir);
    Files.writeString(
        dir.resolve("tokenizer_config.json"),
        """
        {"bos_token": {"content": "<s>", "lstrip": false}, "eos_token": {"content": "</s>"},
         "add_bos_token": true,
         "chat_template": [{"name": "tool_use", "template": "T"}, {"name": "default", "template": "D"}]}
        """);
    Files.writeString(dir.resolve("generation_config.json"), "{\"eos_token_id\": [3, 4]}");
    Files.writeString(dir.resolve("config.json"), "{\"eos_token_id\": 4, \"bos_token_id\": 2}");
    Tokenizer tokenizer = Tokenizer.load(dir);

    assertEquals(new TokenizerConfig("<s>", "</s>", true, "D"), tokenizer.config());
    assertEquals(OptionalInt.of(2), tokenizer.bosId());
    assertArrayEquals(new int[] {3, 4}, tokenizer.eosIds());
    assertArrayEquals(new int[] {2, 0, 1}, tokenizer.encodeWithBos("ab"));
    assertEquals(5, tokenizer.vocabSize());
  }

  @Test
  void withoutConfigFilesNothingIsAddedAndNoEosIsKnown() throws IOException {
    Tokenizer tokenizer = tiny().load(dir);
    assertEquals(new TokenizerConfig(null, null, false, null), tokenizer.config());
    assertTrue(tokenizer.bosId().isEmpty());
    assertEquals(0, tokenizer.eosIds().length);
    assertArrayEquals(tokenizer.encode("abc"), tokenizer.encodeWithBos("abc"));
  }

  @Test
  void aTemplatePostProcessorStartingWithASpecialTokenMeansBosIsAdded() throws IOException {
    new TokenizerJsonBuilder()
        .characters("ab")
        .addedToken("<|begin_of_text|>", true, false, false, false, false)
        .section(
            "post_processor",
            """
            {"type": "Sequence", "processors": [
              {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": false, "use_regex": true},
              {"type": "TemplateProcessing",
               "single": [{"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 0}},
                          {"Sequence": {"id": "A", "type_id": 0}}]}]}
            """)
        .writeTo(dir);
    Files.writeString(
        dir.resolve("tokenizer_config.json"), "{\"bos_token\": \"<|begin_of_text|>\"}");
    assertArrayEquals(new int[] {2, 0, 1}, Tokenizer.load(dir).encodeWithBos("ab"));
  }

  @Test
  void theLegacyMetaspacePreTokenizerEncodesLikeThePrependReplaceNormalizers() throws IOException {
    ObjectNode modern =
        (ObjectNode)
            JsonMapper.shared()
                .readTree(
                    new java.util.zip.GZIPInputStream(
                        Files.newInputStream(
                            RealTokenizers.dir("llama2").resolve("tokenizer.json.gz"))));
    Tokenizer current = RealTokenizers.get("llama2");
    // Text that does not start with a space: Metaspace prepends '▁' only if none is there yet,
    // the Prepend normalizer always does.
    String[] texts = {"Hello world", "two  spaces ", "a\nb\tc", "日本語 text", "x</s>y"};
    for (String legacyForm :
        new String[] {
          "{\"type\": \"Metaspace\", \"replacement\": \"\u2581\", \"add_prefix_space\": true,"
              + " \"split\": false}",
          "{\"type\": \"Metaspace\", \"replacement\": \"\u2581\", \"prepend_scheme\": \"always\","
              + " \"split\": false}"
        }) {
      ObjectNode legacy = modern.deepCopy();
      legacy.putNull("normalizer");
      legacy.set("pre_tokenizer", JsonMapper.shared().readTree(legacyForm));
      legacy.set(
          "decoder",
          JsonMapper.shared()
              .readTree(
                  "{\"type\": \"Sequence\", \"decoders\": [{\"type\": \"Metaspace\","
                      + " \"replacement\": \"\u2581\", \"prepend_scheme\": \"always\", \"split\":"
                      + " false}, {\"type\": \"ByteFallback\"}, {\"type\": \"Fuse\"}]}"));
      Files.writeString(dir.resolve("tokenizer.json"), legacy.toString());
      Tokenizer old = Tokenizer.load(dir);
      for (String text : texts) {
        assertArrayEquals(current.encode(text), old.encode(text), legacyForm + " on " + text);
        if (!text.contains("</s>")) {
          assertEquals(text, old.decode(old.encode(text)));
        }
      }
    }
  }

  @Test
  void metaspaceWithFirstSchemePrependsOnlyAtTheStartOfTheText() throws IOException {
    TokenizerJsonBuilder b =
        new TokenizerJsonBuilder()
            .characters("\u2581ab")
            .addedToken("<s>", true, false, false, false, false)
            .section(
                "pre_tokenizer",
                "{\"type\": \"Metaspace\", \"replacement\": \"\u2581\", \"prepend_scheme\":"
                    + " \"first\", \"split\": true}");
    Tokenizer tokenizer = b.load(dir);
    int meta = b.id("\u2581");
    assertArrayEquals(
        new int[] {meta, b.id("a"), b.id("<s>"), b.id("b")}, tokenizer.encode("a<s>b"));
    assertFalse(tokenizer.encode("a<s> b").length == 4);
  }

  @Test
  void addedTokensGetTheIdsHfGivesThemNotTheListedOnes() throws IOException {
    TokenizerJsonBuilder b = new TokenizerJsonBuilder().characters("ab").vocab("ab");
    var added = (tools.jackson.databind.node.ArrayNode) b.root().get("added_tokens");
    // HF registers added tokens by content: a vocabulary token keeps its id, a new one gets the
    // next id after the vocabulary, whatever the file lists.
    added.addObject().put("id", 7).put("content", "<x>").put("special", true);
    added.addObject().put("id", 9).put("content", "ab").put("special", false);
    added.addObject().put("id", 8).put("content", "<y>").put("special", true);
    Tokenizer tokenizer = b.load(dir);
    assertArrayEquals(new int[] {3, 2, 4}, tokenizer.encode("<x>ab<y>"));
    assertEquals("<y>", tokenizer.tokenText(4));
  }
}
