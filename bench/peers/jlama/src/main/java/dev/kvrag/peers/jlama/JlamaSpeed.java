package dev.kvrag.peers.jlama;

import com.github.tjake.jlama.model.AbstractModel;
import com.github.tjake.jlama.model.ModelSupport;
import com.github.tjake.jlama.safetensors.DType;
import com.github.tjake.jlama.tensor.AbstractTensor;
import com.github.tjake.jlama.tensor.KvBufferCache;
import com.github.tjake.jlama.tensor.operations.TensorOperationsProvider;
import com.github.tjake.jlama.util.PhysicalCoreExecutor;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * Prefill and decode speed of Jlama on a Hugging Face checkpoint directory, for the same prompt ids
 * our engine's {@code bench-engine} gets.
 *
 * <p>The timed path is the one {@code AbstractModel.generate} takes, minus tokenization and text
 * decoding: {@code batchForward} over the whole prompt, then one {@code forward} + greedy
 * {@code sample} per generated token, on a KV buffer from Jlama's own {@link KvBufferCache}.
 * Prefill time includes sampling the first token from the last prompt position (time to first
 * token); decode time covers {@code gen-tokens} single-token steps.
 *
 * <p>Fairness settings: the model is loaded with no model quantization ({@code Optional.empty()}),
 * so a bf16 checkpoint is computed from its bf16 weights. Jlama then keeps activations in F32 and,
 * for a BF16 model, forces its "quantized memory type" to BF16: activations are rounded to bf16
 * before each projection, which runs as BF16 x BF16 dot products with F32 accumulation. It widens
 * the (tied) embedding matrix to F32 once at load and uses that for the output head. A BF16
 * working dtype is no option in 0.8.4: its logits come out NaN. With {@code jlama-native} on the
 * class path Jlama uses its C kernels; {@code -Djlama.force_panama_tensor_operations=true} selects
 * its Vector API code instead. Threads: {@code ModelSupport.loadModel}'s thread count sizes the
 * {@link PhysicalCoreExecutor} pool all of Jlama's parallel loops run in; the script also sets the
 * common pool's parallelism for the few parallel streams Jlama starts outside that pool.
 */
public final class JlamaSpeed {

    private JlamaSpeed() {
    }

    public static void main(String[] args) {
        try {
            run(Options.parse(args));
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("jlama-speed: " + e.getMessage());
            System.exit(2);
        } catch (RuntimeException e) {
            if (System.getenv("KVRAG_DEBUG") != null) {
                e.printStackTrace();
            }
            System.err.println("jlama-speed: Jlama failed: " + e);
            System.exit(1);
        }
    }

    private static void run(Options o) throws IOException {
        int[] ids = readIds(o.idsFile(), o.promptTokens());

        long loadStart = System.nanoTime();
        AbstractModel model = ModelSupport.loadModel(
                o.model().toFile(), null, DType.F32, DType.F32, Optional.empty(), Optional.of(o.threads()));
        double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
        int vocab = model.getConfig().vocabularySize;
        for (int id : ids) {
            if (id < 0 || id >= vocab) {
                throw new IllegalArgumentException("prompt id " + id + " is outside the vocabulary [0, " + vocab + ")");
            }
        }

        System.out.printf(Locale.ROOT,
                "jlama %s: operations=%s, model dtype=%s, working dtype=%s, model quantization=none, threads=%d, load %.1f s%n",
                jlamaVersion(), TensorOperationsProvider.get().name(), model.getWeights().getModelDType(),
                model.getWorkingDType(), PhysicalCoreExecutor.instance.get().getCoreCount(), loadSeconds);
        String sample = "Retrieval-augmented generation reuses the KV cache of each chunk.";
        long[] encoded = model.getTokenizer().encode(sample);
        System.out.printf(Locale.ROOT, "jlama tokenizer: %d ids for a %d-char sample, round trip %s%n",
                encoded.length, sample.length(), model.getTokenizer().decode(encoded).equals(sample) ? "ok" : "DIFFERS");

        KvBufferCache kvCache = new KvBufferCache(model);
        for (int w = 0; w < o.warmup(); w++) {
            Timing t = timeOnce(model, kvCache, ids, o.genTokens());
            System.out.printf(Locale.ROOT, "warm-up %d: prefill %.1f tok/s, decode %.1f tok/s%n",
                    w + 1, t.prefillTokPerS(), t.decodeTokPerS());
        }
        List<Timing> runs = new ArrayList<>();
        for (int r = 0; r < o.runs(); r++) {
            Timing t = timeOnce(model, kvCache, ids, o.genTokens());
            runs.add(t);
            System.out.printf(Locale.ROOT, "run %d: prefill %.1f tok/s, decode %.1f tok/s (first token %d)%n",
                    r + 1, t.prefillTokPerS(), t.decodeTokPerS(), t.firstToken());
        }
        System.out.printf(Locale.ROOT, "prefill tok/s: %.2f (median of %d runs, %d prompt tokens)%n",
                median(runs.stream().mapToDouble(Timing::prefillTokPerS).toArray()), runs.size(), ids.length);
        System.out.printf(Locale.ROOT, "decode tok/s: %.2f (median of %d runs, %d generated tokens)%n",
                median(runs.stream().mapToDouble(Timing::decodeTokPerS).toArray()), runs.size(), o.genTokens());
        System.out.printf(Locale.ROOT, "peak heap MiB: %.0f%n", peakHeapBytes() / (1024.0 * 1024.0));
        kvCache.close();
        model.close();
        System.exit(0); // do not wait for pool threads Jlama may leave behind
    }

    private static Timing timeOnce(AbstractModel model, KvBufferCache kvCache, int[] ids, int genTokens) {
        UUID session = UUID.randomUUID();
        try (KvBufferCache.KvBuffer kv = kvCache.getKvBuffer(session);
             AbstractTensor logits = model.makeDenseTensor(model.getConfig().vocabularySize)) {
            long start = System.nanoTime();
            AbstractTensor last = model.batchForward(ids, 0, kv);
            int next = checked(model.sample(last.slice(last.shape().first() - 1), 0.0f, 0.0f, logits), model);
            last.close();
            long prefillEnd = System.nanoTime();
            int first = next;
            for (int i = 0; i < genTokens; i++) {
                AbstractTensor out = model.forward(next, ids.length + i, kv, Optional.empty());
                next = checked(model.sample(out, 0.0f, 0.0f, logits), model);
                out.close();
                kv.incrementContextPosition();
            }
            long decodeEnd = System.nanoTime();
            return new Timing(ids.length / ((prefillEnd - start) / 1e9),
                    genTokens / ((decodeEnd - prefillEnd) / 1e9), first);
        }
    }

    /** Jlama's greedy sample returns Integer.MIN_VALUE when every logit is NaN; a wrong model must not pass as a fast one. */
    private static int checked(int token, AbstractModel model) {
        if (token < 0 || token >= model.getConfig().vocabularySize) {
            throw new IllegalStateException("Jlama sampled token id " + token + ", outside the vocabulary: its logits are not finite");
        }
        return token;
    }

    private static int[] readIds(Path file, int expected) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("ids file not found: " + file);
        }
        String text = Files.readString(file).trim();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("ids file is empty: " + file);
        }
        int[] ids;
        try {
            ids = Arrays.stream(text.split("[,\\s]+")).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("ids file " + file + " holds a non-integer: " + e.getMessage());
        }
        if (expected > 0 && ids.length != expected) {
            throw new IllegalArgumentException(
                    "ids file " + file + " holds " + ids.length + " ids, --prompt-tokens says " + expected);
        }
        return ids;
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    private static long peakHeapBytes() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    private static String jlamaVersion() {
        String v = AbstractModel.class.getPackage().getImplementationVersion();
        return v != null ? v : System.getProperty("jlama.version", "0.8.4");
    }

    private record Timing(double prefillTokPerS, double decodeTokPerS, int firstToken) {
    }

    private record Options(Path model, Path idsFile, int promptTokens, int genTokens, int threads, int warmup, int runs) {

        static Options parse(String[] args) {
            Path model = null;
            Path ids = null;
            int prompt = 0;
            int gen = 64;
            int threads = 2;
            int warmup = 1;
            int runs = 2;
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value after " + flag);
                }
                String v = args[++i];
                switch (flag) {
                    case "--model" -> model = Path.of(v);
                    case "--ids-file" -> ids = Path.of(v);
                    case "--prompt-tokens" -> prompt = positive(flag, v);
                    case "--gen-tokens" -> gen = positive(flag, v);
                    case "--threads" -> threads = positive(flag, v);
                    case "--warmup" -> warmup = nonNegative(flag, v);
                    case "--runs" -> runs = positive(flag, v);
                    default -> throw new IllegalArgumentException("unknown option " + flag
                            + " (expected --model, --ids-file, --prompt-tokens, --gen-tokens, --threads, --warmup, --runs)");
                }
            }
            if (model == null || !new File(model.toFile(), "config.json").isFile()) {
                throw new IllegalArgumentException("--model must name a checkpoint directory with config.json, got " + model);
            }
            if (ids == null) {
                throw new IllegalArgumentException("--ids-file is required");
            }
            return new Options(model, ids, prompt, gen, threads, warmup, runs);
        }

        private static int positive(String flag, String v) {
            int n = nonNegative(flag, v);
            if (n == 0) {
                throw new IllegalArgumentException(flag + " must be positive, got " + v);
            }
            return n;
        }

        private static int nonNegative(String flag, String v) {
            try {
                int n = Integer.parseInt(v);
                if (n < 0) {
                    throw new IllegalArgumentException(flag + " must not be negative, got " + v);
                }
                return n;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + " needs an integer, got " + v);
            }
        }
    }
}
