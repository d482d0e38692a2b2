package dev.kvrag.bench.peers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PromptIdsTest {

    @TempDir
    Path dir;

    @Test
    void theSameSeedGivesTheSameIdsOnEveryRun() {
        assertArrayEquals(PromptIds.draw(256, 42, 151643), PromptIds.draw(256, 42, 151643));
        assertFalse(Arrays.equals(PromptIds.draw(256, 42, 151643), PromptIds.draw(256, 43, 151643)));
    }

    @Test
    void idsStayBelowTheFirstSpecialToken() throws Exception {
        Files.writeString(dir.resolve("config.json"), "{\"vocab_size\": 151936, \"bos_token_id\": 151643}");
        int bound = PromptIds.ordinaryIdBound(dir);
        assertEquals(151643, bound);
        int[] ids = PromptIds.draw(10_000, 1, bound);
        assertTrue(Arrays.stream(ids).allMatch(id -> id >= 0 && id < 151643));
        assertTrue(Arrays.stream(ids).distinct().count() > 9_000, "spread over the vocabulary");
    }

    @Test
    void withoutABosIdTheWholeVocabularyIsUsed() throws Exception {
        Files.writeString(dir.resolve("config.json"), "{\"vocab_size\": 32000, \"bos_token_id\": null}");
        assertEquals(32000, PromptIds.ordinaryIdBound(dir));
    }

    @Test
    void theFileHoldsWhitespaceSeparatedIdsAsTheIdsFileOptionsRead() {
        assertEquals("5 17 42\n", PromptIds.format(new int[] {5, 17, 42}));
    }

    @Test
    void aDirectoryWithoutConfigIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PromptIds.ordinaryIdBound(dir));
        assertEquals("no config.json in " + dir, e.getMessage());
    }
}
