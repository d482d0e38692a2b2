package dev.kvrag.bench.checkpoint;

import dev.kvrag.engine.compute.DType;
import dev.kvrag.engine.model.SafetensorsWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;

/**
 * Writes the peer benchmark's Hugging Face checkpoint directory: seeded random bf16 weights at a Qwen2 shape
 * (config.json, model.safetensors, tokenizer.json, tokenizer_config.json): the common input of the
 * CPU speed benchmark against Jlama. The weights are meaningless; only their shapes, dtype and
 * layout matter for speed. The file itself is written by the engine's streaming
 * {@link SafetensorsWriter}, so a 1 GB checkpoint never sits in memory.
 *
 * <p>{@code PeerCheckpoint [--out DIR] [--seed N] [--tokenizer DIR] [--force]}
 */
public final class PeerCheckpoint {

    public static final Path DEFAULT_OUT = Path.of("models/random/qwen2.5-0.5b");
    public static final Path DEFAULT_TOKENIZER = Path.of("models/tokenizers/qwen3");
    public static final long DEFAULT_SEED = 1234;

    private PeerCheckpoint() {
    }

    public static void main(String[] args) {
        Path out = DEFAULT_OUT;
        Path tokenizer = DEFAULT_TOKENIZER;
        long seed = DEFAULT_SEED;
        boolean force = false;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--out" -> out = Path.of(value(args, ++i, "--out"));
                    case "--tokenizer" -> tokenizer = Path.of(value(args, ++i, "--tokenizer"));
                    case "--seed" -> seed = parseSeed(value(args, ++i, "--seed"));
                    case "--force" -> force = true;
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + " (usage: PeerCheckpoint [--out DIR] [--seed N] [--tokenizer DIR] [--force])");
                }
            }
            if (Files.exists(out.resolve("model.safetensors")) && !force) {
                throw new IllegalArgumentException(out.resolve("model.safetensors") + " exists; pass --force to overwrite it");
            }
            long start = System.nanoTime();
            Qwen2Shape shape = Qwen2Shape.qwen25HalfB();
            long bytes = write(out, shape, seed, tokenizer);
            System.err.printf(Locale.ROOT, "wrote %s: Qwen2.5-0.5B shape, %,d parameters, %.2f GB bf16, seed %d, %.1f s%n",
                    out, Qwen2Layout.parameterCount(shape), bytes / 1e9, seed, (System.nanoTime() - start) / 1e9);
        } catch (IllegalArgumentException | IOException | UncheckedIOException e) {
            System.err.println("random-checkpoint: " + e.getMessage());
            System.exit(2);
        }
    }

    /**
     * Writes the checkpoint into {@code dir} (created if missing). model.safetensors is written under a
     * temporary name and moved into place last, so an interrupted run never leaves a truncated file
     * that looks complete.
     *
     * @return the size of model.safetensors in bytes
     */
    public static long write(Path dir, Qwen2Shape shape, long seed, Path tokenizerDir) throws IOException {
        Files.createDirectories(dir);
        TokenizerFiles.copy(tokenizerDir, dir);
        Qwen2ConfigJson.write(dir.resolve("config.json"), shape);
        SafetensorsWriter writer = new SafetensorsWriter();
        for (TensorSpec t : Qwen2Layout.tensors(shape)) {
            DoubleSupplier values = normal(t, seed);
            // The writer asks for elements 0..n-1 once each, in order, so a sequential draw serves the index.
            writer.add(t.name(), DType.BF16, t.shape().stream().mapToLong(Integer::longValue).toArray(),
                    index -> (float) values.getAsDouble());
        }
        Path part = dir.resolve("model.safetensors.part");
        writer.write(part);
        Path target = dir.resolve("model.safetensors");
        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return Files.size(target);
    }

    /**
     * Each tensor draws from its own generator, seeded from the run's seed and the tensor's name, so
     * a tensor's values do not depend on which tensors come before it.
     */
    static DoubleSupplier normal(TensorSpec t, long seed) {
        long nameHash = 1125899906842597L;
        for (byte b : t.name().getBytes(StandardCharsets.UTF_8)) {
            nameHash = 31 * nameHash + b;
        }
        SplittableRandom rnd = new SplittableRandom(seed ^ nameHash * 0x9E3779B97F4A7C15L);
        double mean = t.mean();
        double std = t.std();
        return () -> mean + std * rnd.nextGaussian();
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException("missing value after " + flag);
        }
        return args[i];
    }

    private static long parseSeed(String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--seed needs an integer, got " + v);
        }
    }
}
