package dev.kvrag.inference.infra;

import dev.kvrag.common.model.ModelDirectory;
import java.nio.file.Path;

/** Where the served model is: {@code kvrag.inference.model-dir}, else the nearest {@code models/demo}. */
final class ModelLocation {

    static final Path DEFAULT = ModelDirectory.DEMO;

    private ModelLocation() {
    }

    /**
     * @param configured {@code kvrag.inference.model-dir}, or null
     * @param workingDir where the search for {@code models/demo} starts (then each parent)
     * @throws ModelNotFoundException naming the property, when there is no model
     */
    static Path resolve(Path configured, Path workingDir) {
        if (configured != null) {
            if (!ModelDirectory.holdsModel(configured)) {
                throw new ModelNotFoundException("kvrag.inference.model-dir " + configured.toAbsolutePath()
                        + " is not a model directory (no config.json)");
            }
            return configured;
        }
        return ModelDirectory.nearestModel(workingDir).orElseThrow(() -> new ModelNotFoundException(
                "no model to serve: kvrag.inference.model-dir (KVRAG_MODEL_DIR) is not set and there is no " + DEFAULT
                        + " with a config.json in " + workingDir.toAbsolutePath() + " or its parents; set "
                        + "kvrag.inference.model-dir to a model directory (config.json, model.safetensors, "
                        + "tokenizer.json)"));
    }
}
