package dev.kvrag.retrieval.infra;

import dev.kvrag.common.events.TokenizerId;
import dev.kvrag.common.model.ModelDirectory;
import dev.kvrag.engine.tokenizer.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The model whose tokenizer cuts chunks: its directory, its id, its tokenizer and that tokenizer's id.
 *
 * @param id what chunk events name as their model
 */
public record ServedModel(Path dir, String id, Tokenizer tokenizer, String tokenizerId) {

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
        return ModelDirectory.nearestTokenizer(workingDir).orElseThrow(() -> new IllegalStateException(
                "no model directory: none of " + ModelDirectory.TOKENIZER_DIRS + " holds a tokenizer in " + workingDir
                        + " or its parents; set kvrag.retrieval.model.dir (KVRAG_MODEL_DIR)"));
    }
}
