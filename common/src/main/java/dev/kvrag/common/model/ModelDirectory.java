package dev.kvrag.common.model;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Where a service finds the served model when {@code KVRAG_MODEL_DIR} (its {@code kvrag.*.model-dir}) is unset:
 * the first candidate that holds what the service needs, in the working directory and then each of its parents,
 * so that a service started anywhere inside a checkout finds the checkout's {@code models/}.
 */
public final class ModelDirectory {

    public static final Path DEMO = Path.of("models", "demo");
    public static final Path QWEN3_TOKENIZER = Path.of("models", "tokenizers", "qwen3");
    /** Where a service that only tokenizes looks: the demo model's tokenizer, else the bare Qwen3 one. */
    public static final List<Path> TOKENIZER_DIRS = List.of(DEMO, QWEN3_TOKENIZER);

    private ModelDirectory() {
    }

    /**
     * @param candidates relative directories, tried in this order at each level before moving to the parent
     * @param holds whether a directory is good enough (has a tokenizer, a config.json)
     */
    public static Optional<Path> nearest(Path workingDir, List<Path> candidates, Predicate<Path> holds) {
        for (Path at = workingDir.toAbsolutePath(); at != null; at = at.getParent()) {
            for (Path candidate : candidates) {
                Path dir = at.resolve(candidate);
                if (holds.test(dir)) {
                    return Optional.of(dir);
                }
            }
        }
        return Optional.empty();
    }

    /** The nearest of {@link #TOKENIZER_DIRS} with a {@code tokenizer.json} (or {@code .gz}). */
    public static Optional<Path> nearestTokenizer(Path workingDir) {
        return nearest(workingDir, TOKENIZER_DIRS, ModelDirectory::holdsTokenizer);
    }

    /** The nearest {@link #DEMO} with a {@code config.json}: a whole model, not only its tokenizer. */
    public static Optional<Path> nearestModel(Path workingDir) {
        return nearest(workingDir, List.of(DEMO), ModelDirectory::holdsModel);
    }

    public static boolean holdsTokenizer(Path dir) {
        return Files.exists(dir.resolve("tokenizer.json")) || Files.exists(dir.resolve("tokenizer.json.gz"));
    }

    public static boolean holdsModel(Path dir) {
        return Files.isRegularFile(dir.resolve("config.json"));
    }
}
