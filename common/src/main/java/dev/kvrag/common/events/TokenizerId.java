package dev.kvrag.common.events;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;

/**
 * The one tokenizer-id function: {@code sha256:} and the first 16 hex digits of SHA-256 over the content of a model
 * directory's {@code tokenizer.json} (decompressed when only {@code tokenizer.json.gz} is there, the engine's
 * rule). Token ids mean something only under the tokenizer that made them; a {@link ChunkEvent} carries this id
 * so that a consumer serving another tokenizer never uses them.
 */
public final class TokenizerId {

    private TokenizerId() {
    }

    public static String of(Path modelDir) {
        Path plain = modelDir.resolve("tokenizer.json");
        Path gzipped = modelDir.resolve("tokenizer.json.gz");
        Path file = Files.exists(plain) ? plain : gzipped;
        if (!Files.exists(file)) {
            throw new IllegalArgumentException("no tokenizer.json or tokenizer.json.gz in " + modelDir.toAbsolutePath());
        }
        MessageDigest sha = sha256();
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = new DigestInputStream(file == gzipped ? new GZIPInputStream(raw, 1 << 16) : raw, sha)) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return "sha256:" + HexFormat.of().formatHex(sha.digest(), 0, 8);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }
}
