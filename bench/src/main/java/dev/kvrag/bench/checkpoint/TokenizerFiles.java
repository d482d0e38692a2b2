package dev.kvrag.bench.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.GZIPInputStream;

/**
 * Puts real tokenizer files into a checkpoint directory: tokenizer.json (decompressed when the source
 * keeps only tokenizer.json.gz, as models/tokenizers/ does) and tokenizer_config.json. Qwen2.5 and
 * Qwen3 share the byte-level BPE vocabulary of 151,643 tokens; Qwen3 adds four added tokens
 * (151,665-151,668), all inside the 151,936-row embedding.
 */
public final class TokenizerFiles {

    private TokenizerFiles() {
    }

    public static void copy(Path sourceDir, Path checkpointDir) throws IOException {
        Path json = sourceDir.resolve("tokenizer.json");
        Path gz = sourceDir.resolve("tokenizer.json.gz");
        Path config = sourceDir.resolve("tokenizer_config.json");
        Path target = checkpointDir.resolve("tokenizer.json");
        if (Files.isRegularFile(json)) {
            Files.copy(json, target, StandardCopyOption.REPLACE_EXISTING);
        } else if (Files.isRegularFile(gz)) {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } else {
            throw new IllegalArgumentException("no tokenizer.json or tokenizer.json.gz in " + sourceDir);
        }
        if (!Files.isRegularFile(config)) {
            throw new IllegalArgumentException("no tokenizer_config.json in " + sourceDir);
        }
        Files.copy(config, checkpointDir.resolve("tokenizer_config.json"), StandardCopyOption.REPLACE_EXISTING);
    }
}
