package dev.kvrag.inference;

import dev.kvrag.engine.compute.DType;
import dev.kvrag.engine.compute.cpu.CpuBackend;
import dev.kvrag.engine.model.Architecture;
import dev.kvrag.engine.model.ModelConfig;
import dev.kvrag.engine.model.RandomCheckpoint;
import dev.kvrag.engine.model.Rope;
import dev.kvrag.inference.domain.KvEncoding;
import dev.kvrag.inference.domain.ServedModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.OptionalInt;
import java.util.stream.Stream;

/**
 * The model the tests serve: a small random Llama (3 layers of 32, so every path runs in milliseconds) with the real
 * Qwen3 tokenizer, written once per JVM. Its answers are noise, but every path is the real one.
 */
public final class TestModel {

    static final Path QWEN3 = Path.of("../models/tokenizers/qwen3");
    /** Qwen's {@code <|im_end|>}. */
    public static final int EOS = 151_645;

    private static Path dir;
    private static ServedModel served;

    private TestModel() {
    }

    public static synchronized Path dir() {
        if (dir == null) {
            try {
                Path d = Files.createTempDirectory("kvrag-inference-test-model");
                ModelConfig c = new ModelConfig(Architecture.LLAMA, 32, 64, 3, 4, 2, 8, 151_936, 1e-5f,
                        Rope.plain(10000), true, false, false, DType.BF16, new int[3], OptionalInt.empty(),
                        new int[] {EOS});
                RandomCheckpoint.write(d, c, DType.BF16, 3);
                Files.copy(QWEN3.resolve("tokenizer.json.gz"), d.resolve("tokenizer.json.gz"));
                Files.copy(QWEN3.resolve("tokenizer_config.json"), d.resolve("tokenizer_config.json"));
                Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> delete(d)));
                dir = d;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return dir;
    }

    /** The test model served as a worker serves it (2 threads, KV stored as f16), loaded once per JVM. */
    public static synchronized ServedModel served() {
        if (served == null) {
            served = ServedModel.load(dir(), "test-model", new CpuBackend(2), KvEncoding.parse("f16"));
        }
        return served;
    }

    /** A chunk's ids as the retrieval-service cuts them: the prompt segment of its text. */
    public static int[] chunkIds(ServedModel model, String text) {
        return model.promptEncoder().encode(model.layout().chunk(text)).ids();
    }

    private static void delete(Path d) {
        try (Stream<Path> files = Files.walk(d)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp dir; the OS cleans it eventually
        }
    }
}
