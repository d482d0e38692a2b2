package dev.kvrag.engine.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvrag.engine.compute.DType;
import dev.kvrag.engine.compute.cpu.CpuBackend;
import dev.kvrag.engine.model.Architecture;
import dev.kvrag.engine.model.ModelConfig;
import dev.kvrag.engine.model.ModelSession;
import dev.kvrag.engine.model.NpyReader;
import dev.kvrag.engine.model.RandomCheckpoint;
import dev.kvrag.engine.model.Rope;
import dev.kvrag.engine.model.Transformer;
import dev.kvrag.engine.tokenizer.Tokenizer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI contract of issue 3, run in-process: exact output formats, exit codes and one-line errors. */
class EngineCliTest {

  static final Path FIXTURES = Path.of("src/test/resources/fixtures/models");

  @TempDir
  Path tmp;

  record Result(int status, String out, String err) {
  }

  static Result run(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = EngineCli.run(args, new Terminal(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
    return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static Path tokenizerDir(String name) {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("models/tokenizers/" + name))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("models/tokenizers/" + name + " not found above the working directory");
    }
    return dir.resolve("models/tokenizers/" + name);
  }

  /** Bad input: status 2, exactly one line on stderr, no stack trace, the line mentions {@code fragment}. */
  static void assertOneLineError(Result r, String fragment) {
    assertEquals(2, r.status(), r.err());
    String[] lines = r.err().strip().split("\\R");
    assertEquals(1, lines.length, r.err());
    assertTrue(lines[0].contains(fragment), lines[0]);
    assertTrue(!r.err().contains("\tat "), r.err());
  }

  Path copyFixture(String arch) throws IOException {
    Path dir = tmp.resolve(arch);
    Files.createDirectories(dir);
    try (Stream<Path> files = Files.list(FIXTURES.resolve(arch))) {
      for (Path f : files.toList()) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
    }
    return dir;
  }

  @Test
  void tokenizePrintsOneJsonArrayWithoutSpecialTokensAdded() {
    Result r = run("Hello world", "tokenize", "--model", tokenizerDir("qwen3").toString());
    assertEquals(0, r.status(), r.err());
    assertEquals("[9707,1879]\n", r.out());
  }

  @Test
  void tokenizeJsonlPrintsOneArrayPerLineInOrder() {
    Tokenizer tok = Tokenizer.load(tokenizerDir("llama3"));
    String[] texts = {"Hello world", "line\nbreak and\ttab", "<|begin_of_text|>x", ""};
    StringBuilder in = new StringBuilder();
    StringBuilder expected = new StringBuilder();
    for (String t : texts) {
      in.append(tools.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(t)).append('\n');
      expected.append(TokenIds.json(tok.encode(t))).append('\n');
    }
    Result r = run(in.toString(), "tokenize", "--model", tokenizerDir("llama3").toString(), "--jsonl");
    assertEquals(0, r.status(), r.err());
    assertEquals(expected.toString(), r.out());
    assertOneLineError(run("\"ok\"\nnot json\n", "tokenize", "--model", tokenizerDir("llama3").toString(), "--jsonl"),
        "line 2");
  }

  @Test
  void logitsWritesAnNpyOfEveryPositionMatchingHf() throws IOException {
    Path out = tmp.resolve("short.npy");
    Path ids = tmp.resolve("ids.txt");
    Files.writeString(ids, "1, 168 80\n205,27 40 277 51 190\n301, 32,262\n");
    Result r = run("", "logits", "--model", FIXTURES.resolve("qwen3").toString(), "--ids-file", ids.toString(),
        "--out", out.toString(), "--threads", "2");
    assertEquals(0, r.status(), r.err());
    NpyReader ours = NpyReader.read(out);
    NpyReader hf = NpyReader.read(FIXTURES.resolve("qwen3/short.npy"));
    assertArrayEquals(hf.shape(), ours.shape());
    for (int i = 0; i < hf.data().length; i++) {
      assertEquals(hf.data()[i], ours.data()[i], 1e-3, "element " + i);
    }
    byte[] raw = Files.readAllBytes(out);
    assertEquals(0, (raw.length - 4L * hf.data().length) % 64, "data starts on a 64-byte boundary");
  }

  @Test
  void logitsRejectsIdsOutsideTheVocabulary() {
    assertOneLineError(run("", "logits", "--model", FIXTURES.resolve("llama").toString(), "--ids", "5,17,320",
        "--out", tmp.resolve("x.npy").toString()), "token id 320 is outside the vocabulary [0, 320)");
    assertOneLineError(run("", "logits", "--model", FIXTURES.resolve("llama").toString(), "--ids", "5,x",
        "--out", tmp.resolve("x.npy").toString()), "'x' is not a token id");
  }

  @Test
  void badCheckpointsAreOneLineErrorsNamingTheProblem() throws IOException {
    Path arch = copyFixture("llama");
    Files.writeString(arch.resolve("config.json"),
        Files.readString(arch.resolve("config.json")).replace("LlamaForCausalLM", "FalconForCausalLM"));
    assertOneLineError(run("", "logits", "--model", arch.toString(), "--ids", "1,2", "--out",
        tmp.resolve("a.npy").toString()), "unsupported architecture FalconForCausalLM");

    Path truncated = copyFixture("qwen3");
    try (RandomAccessFile f = new RandomAccessFile(truncated.resolve("model.safetensors").toFile(), "rw")) {
      f.setLength(f.length() / 2);
    }
    assertOneLineError(run("", "logits", "--model", truncated.toString(), "--ids", "1,2", "--out",
        tmp.resolve("b.npy").toString()), "is truncated");

    Path shapes = copyFixture("mistral");
    Files.writeString(shapes.resolve("config.json"),
        Files.readString(shapes.resolve("config.json"))
            .replace("\"intermediate_size\": 160", "\"intermediate_size\": 128"));
    assertOneLineError(run("", "logits", "--model", shapes.toString(), "--ids", "1,2", "--out",
        tmp.resolve("c.npy").toString()), "expected [128, 64]");

    assertOneLineError(run("", "logits", "--model", tmp.resolve("nowhere").toString(), "--ids", "1", "--out",
        tmp.resolve("d.npy").toString()), "no such directory");
    Path noWeights = tmp.resolve("config-only");
    Files.createDirectories(noWeights);
    Files.copy(FIXTURES.resolve("qwen3/config.json"), noWeights.resolve("config.json"));
    assertOneLineError(run("", "logits", "--model", noWeights.toString(), "--ids", "1", "--out",
        tmp.resolve("e.npy").toString()), "missing file");
    assertOneLineError(run("", "logits", "--model", FIXTURES.resolve("qwen3").toString(), "--ids-file",
        tmp.resolve("absent.txt").toString(), "--out", tmp.resolve("f.npy").toString()), "does not exist");
  }

  @Test
  void unknownCommandsAndOptionsAreUsageErrors() {
    assertOneLineError(run("", "tokenise"), "unknown command 'tokenise'");
    assertOneLineError(run("", "logits", "--model", "x", "--idz", "1"), "unknown option --idz");
    assertOneLineError(run("", "generate", "--model", FIXTURES.resolve("qwen3").toString(), "--prompt", "hi",
        "--max-tokens", "ten"), "--max-tokens needs an integer");
    Result help = run("", "bench-engine", "--help");
    assertEquals(0, help.status());
    assertTrue(help.out().contains("--ids-file"), help.out());
  }

  /** A random Qwen3-architecture checkpoint with the real Qwen3 tokenizer beside it. */
  Path tinyChatModel() throws IOException {
    Path dir = tmp.resolve("tiny-qwen3");
    Tokenizer tok = Tokenizer.load(tokenizerDir("qwen3"));
    ModelConfig c = new ModelConfig(Architecture.QWEN3, 32, 48, 2, 4, 2, 8, tok.vocabSize(), 1e-6f,
        Rope.plain(1000000), true, false, false, DType.BF16, new int[2], OptionalInt.empty(), new int[0]);
    RandomCheckpoint.write(dir, c, DType.BF16, 3);
    for (Path f : List.of(Path.of("tokenizer.json.gz"), Path.of("tokenizer_config.json"))) {
      Files.copy(tokenizerDir("qwen3").resolve(f), dir.resolve(f));
    }
    return dir;
  }

  @Test
  void generateStreamsTheGreedyContinuation() throws IOException {
    Path dir = tinyChatModel();
    Tokenizer tok = Tokenizer.load(dir);
    int[] prompt = tok.encodeWithBos("The cache holds");
    List<Integer> greedy = new ArrayList<>();
    try (CpuBackend backend = new CpuBackend(2); Transformer m = Transformer.load(dir, backend)) {
      ModelSession s = new ModelSession(m);
      float[] logits = s.feed(prompt);
      for (int i = 0; i < 6; i++) {
        int best = 0;
        for (int v = 1; v < logits.length; v++) {
          best = logits[v] > logits[best] ? v : best;
        }
        greedy.add(best);
        logits = s.feed(new int[] {best});
      }
    }
    String expected = tok.decode(greedy.stream().mapToInt(Integer::intValue).toArray(), true);
    Result r = run("", "generate", "--model", dir.toString(), "--prompt", "The cache holds", "--max-tokens", "6");
    assertEquals(0, r.status(), r.err());
    assertEquals(expected, r.out());

    Result chat = run("", "generate", "--model", dir.toString(), "--prompt", "Hi", "--max-tokens", "3", "--chat",
        "--temperature", "0.8", "--seed", "1");
    assertEquals(0, chat.status(), chat.err());
  }

  @Test
  void benchEnginePrintsPrefillAndDecodeRatesAndPeakHeap() {
    Result r = run("", "bench-engine", "--model", FIXTURES.resolve("qwen2").toString(), "--prompt-tokens", "40",
        "--gen-tokens", "5", "--threads", "2", "--profile");
    assertEquals(0, r.status(), r.err());
    Matcher prefill = Pattern.compile("(?m)^prefill ([0-9.]+) tok/s \\(40 tokens").matcher(r.out());
    Matcher decode = Pattern.compile("(?m)^decode ([0-9.]+) tok/s \\(5 tokens").matcher(r.out());
    assertTrue(prefill.find() && Double.parseDouble(prefill.group(1)) > 0, r.out());
    assertTrue(decode.find() && Double.parseDouble(decode.group(1)) > 0, r.out());
    assertTrue(r.out().contains("peak heap: "), r.out());
    assertTrue(r.out().contains("where decode time goes:"), r.out());
  }

  @Test
  void randomModelWritesALoadableCheckpointForAGivenConfig() {
    Path out = tmp.resolve("random-llama");
    Result r = run("", "random-model", "--config", FIXTURES.resolve("llama/config.json").toString(), "--out",
        out.toString(), "--dtype", "f16");
    assertEquals(0, r.status(), r.err());
    Result logits = run("", "logits", "--model", out.toString(), "--ids", "1 2 3", "--out",
        tmp.resolve("r.npy").toString());
    assertEquals(0, logits.status(), logits.err());
  }
}
