package dev.kvrag.bench.peers;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * The prompt both engines prefill in a speed comparison: a seeded sequence of ordinary token ids,
 * written once to a file that each side reads, so neither side's tokenizer or sampler picks its own.
 *
 * <p>Ids are drawn uniformly below the first special token (config.json's {@code bos_token_id} when it
 * lies inside the vocabulary: 151643 {@code <|endoftext|>} for Qwen2, 128000 for Llama-3), so the
 * prompt holds no control tokens. Speed does not depend on which ids they are, but "same prompt"
 * should still mean the same ids.
 *
 * <p>{@code PromptIds --model DIR --count N [--seed S] --out FILE}
 */
public final class PromptIds {

    public static final long DEFAULT_SEED = 42;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private PromptIds() {
    }

    public static int[] draw(int count, long seed, int bound) {
        if (count <= 0) {
            throw new IllegalArgumentException("prompt length must be positive, got " + count);
        }
        if (bound <= 0) {
            throw new IllegalArgumentException("id bound must be positive, got " + bound);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        return rnd.ints(count, 0, bound).toArray();
    }

    /** The exclusive upper bound for ordinary ids of the checkpoint in {@code modelDir}. */
    public static int ordinaryIdBound(Path modelDir) throws IOException {
        Path config = modelDir.resolve("config.json");
        if (!Files.isRegularFile(config)) {
            throw new IllegalArgumentException("no config.json in " + modelDir);
        }
        JsonNode c = JSON.readTree(config.toFile());
        JsonNode vocab = c.get("vocab_size");
        if (vocab == null || !vocab.canConvertToInt() || vocab.asInt() <= 0) {
            throw new IllegalArgumentException(config + " has no positive integer vocab_size");
        }
        JsonNode bos = c.get("bos_token_id");
        if (bos != null && bos.canConvertToInt() && bos.asInt() > 0 && bos.asInt() < vocab.asInt()) {
            return bos.asInt();
        }
        return vocab.asInt();
    }

    public static String format(int[] ids) {
        return Arrays.stream(ids).mapToObj(Integer::toString).collect(Collectors.joining(" ")) + "\n";
    }

    public static void main(String[] args) {
        Path model = null;
        Path out = null;
        Integer count = null;
        long seed = DEFAULT_SEED;
        try {
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value after " + flag);
                }
                String v = args[++i];
                switch (flag) {
                    case "--model" -> model = Path.of(v);
                    case "--out" -> out = Path.of(v);
                    case "--count" -> count = parseInt(flag, v);
                    case "--seed" -> seed = Long.parseLong(v);
                    default -> throw new IllegalArgumentException(
                            "unknown option " + flag + " (usage: PromptIds --model DIR --count N [--seed S] --out FILE)");
                }
            }
            if (model == null || out == null || count == null) {
                throw new IllegalArgumentException("--model, --count and --out are required");
            }
            Files.writeString(out, format(draw(count, seed, ordinaryIdBound(model))));
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("prompt-ids: " + e.getMessage());
            System.exit(2);
        }
    }

    private static int parseInt(String flag, String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " needs an integer, got " + v);
        }
    }
}
