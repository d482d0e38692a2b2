package dev.kvrag.retrieval.infra;

import dev.kvrag.common.events.TokenizerId;
import dev.kvrag.engine.tokenizer.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The model whose tokenizer cuts chunks: its directory, its id, its tokenizer and that tokenizer's id.
 *
 * @param id what chunk events name as their model
 */
public record ServedModel(Path dir, String id, Tokenizer tokenizer, String tokenizerId) {

    /** Looked for, in this order, in the working directory and then each of its parents. */
    static final List<Path> DEFAULT_DIRS = List.of(Path.of("models", "demo"), Path.of("models", "tokenizers", "qwen3"));

    /**
     * @param dir the configured directory, or null for the default search
     * @param id the configured id, or null for the directory's name
     */
    static ServedModel load(Path dir, String id) {
        Path resolved = dir != null ? dir : defaultDir(Path.of("").toAbsolutePath());
        if (!Files.isDirectory(resolved)) {
            throw new IllegalStateException("kvrag.retrieval.model.dir " + resolved.toAbsolutePath()
                    + " is not a directory");
        }
        Tokenizer tokenizer = Tokenizer.load(resolved);
        String name = resolved.toAbsolutePath().normalize().getFileName().toString();
        return new ServedModel(resolved, id != null ? id : name, tokenizer, TokenizerId.of(resolved));
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
                + workingDir + " or its parents; set kvrag.retrieval.model.dir (KVRAG_MODEL_DIR)");
    }
}
