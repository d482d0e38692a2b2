package dev.kvrag.gateway.infra;

import dev.kvrag.common.events.TokenizerId;
import dev.kvrag.gateway.GatewayProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The model the workers serve, as every inference request names it: its id and its tokenizer's id. A worker
 * serving another model or tokenizer refuses the request rather than prefilling token ids that mean nothing to it.
 */
public record ServedModel(String id, String tokenizerId, Path dir) {

    /** Looked for, in this order, in the working directory and then each of its parents (the retrieval-service's). */
    static final List<Path> DEFAULT_DIRS = List.of(Path.of("models", "demo"), Path.of("models", "tokenizers", "qwen3"));

    static ServedModel load(GatewayProperties.Model model) {
        Path dir = model.dir() != null ? model.dir() : defaultDir(Path.of("").toAbsolutePath());
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("kvrag.gateway.model.dir " + dir.toAbsolutePath() + " is not a directory");
        }
        String name = dir.toAbsolutePath().normalize().getFileName().toString();
        return new ServedModel(model.id() != null ? model.id() : name, TokenizerId.of(dir), dir);
    }

    static Path defaultDir(Path workingDir) {
        for (Path at = workingDir; at != null; at = at.getParent()) {
            for (Path candidate : DEFAULT_DIRS) {
                Path dir = at.resolve(candidate);
                if (Files.exists(dir.resolve("tokenizer.json")) || Files.exists(dir.resolve("tokenizer.json.gz"))) {
                    return dir;
                }
            }
        }
        throw new IllegalStateException("no model directory: none of " + DEFAULT_DIRS + " holds a tokenizer in "
                + workingDir + " or its parents; set kvrag.gateway.model.dir (KVRAG_MODEL_DIR)");
    }
}
