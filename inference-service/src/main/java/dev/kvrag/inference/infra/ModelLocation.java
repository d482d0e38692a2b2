package dev.kvrag.inference.infra;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the served model is: {@code kvrag.inference.model-dir}, else the nearest {@code models/demo}. */
final class ModelLocation {

    static final Path DEFAULT = Path.of("models", "demo");

    private ModelLocation() {
    }

    /**
     * @param configured {@code kvrag.inference.model-dir}, or null
     * @param workingDir where the search for {@code models/demo} starts (then each parent)
     * @throws ModelNotFoundException naming the property, when there is no model
     */
    static Path resolve(Path configured, Path workingDir) {
        if (configured != null) {
            if (!Files.isRegularFile(configured.resolve("config.json"))) {
                throw new ModelNotFoundException("kvrag.inference.model-dir " + configured.toAbsolutePath()
                        + " is not a model directory (no config.json)");
            }
            return configured;
        }
        for (Path at = workingDir.toAbsolutePath(); at != null; at = at.getParent()) {
            Path dir = at.resolve(DEFAULT);
            if (Files.isRegularFile(dir.resolve("config.json"))) {
                return dir;
            }
        }
        throw new ModelNotFoundException("no model to serve: kvrag.inference.model-dir (KVRAG_MODEL_DIR) is not set "
                + "and there is no " + DEFAULT + " with a config.json in " + workingDir.toAbsolutePath()
                + " or its parents; set kvrag.inference.model-dir to a model directory (config.json, "
                + "model.safetensors, tokenizer.json)");
    }
}
