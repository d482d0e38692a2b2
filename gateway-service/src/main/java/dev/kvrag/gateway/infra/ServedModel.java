package dev.kvrag.gateway.infra;

import dev.kvrag.common.events.TokenizerId;
import dev.kvrag.common.model.ModelDirectory;
import dev.kvrag.gateway.GatewayProperties;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The model the workers serve, as every inference request names it: its id and its tokenizer's id. A worker
 * serving another model or tokenizer refuses the request rather than prefilling token ids that mean nothing to it.
 */
public record ServedModel(String id, String tokenizerId, Path dir) {

    static ServedModel load(GatewayProperties.Model model) {
        Path dir = model.dir() != null ? model.dir() : defaultDir(Path.of("").toAbsolutePath());
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("kvrag.gateway.model.dir " + dir.toAbsolutePath() + " is not a directory");
        }
        String name = dir.toAbsolutePath().normalize().getFileName().toString();
        return new ServedModel(model.id() != null ? model.id() : name, TokenizerId.of(dir), dir);
    }

    static Path defaultDir(Path workingDir) {
        return ModelDirectory.nearestTokenizer(workingDir).orElseThrow(() -> new IllegalStateException(
                "no model directory: none of " + ModelDirectory.TOKENIZER_DIRS + " holds a tokenizer in " + workingDir
                        + " or its parents; set kvrag.gateway.model.dir (KVRAG_MODEL_DIR)"));
    }
}
