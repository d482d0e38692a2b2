package dev.kvrag.common.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerIdTest {

    @Test
    void theIdIsOfTheContentSoPlainAndGzippedFilesAgree(@TempDir Path dir) throws IOException {
        byte[] json = "{\"model\":{\"type\":\"BPE\"}}".getBytes(StandardCharsets.UTF_8);
        Path plain = Files.createDirectories(dir.resolve("plain"));
        Files.write(plain.resolve("tokenizer.json"), json);
        Path gzipped = Files.createDirectories(dir.resolve("gz"));
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gzipped.resolve("tokenizer.json.gz")))) {
            out.write(json);
        }
        String id = TokenizerId.of(plain);
        assertTrue(id.matches("sha256:[0-9a-f]{16}"), id);
        assertEquals(id, TokenizerId.of(gzipped));
        Files.write(plain.resolve("tokenizer.json"), "{}".getBytes(StandardCharsets.UTF_8));
        assertNotEquals(id, TokenizerId.of(plain));
    }

    @Test
    void aDirectoryWithoutATokenizerIsNamed(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TokenizerId.of(dir));
        assertTrue(e.getMessage().startsWith("no tokenizer.json or tokenizer.json.gz in "), e.getMessage());
    }
}
