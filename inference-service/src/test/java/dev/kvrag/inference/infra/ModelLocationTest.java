package dev.kvrag.inference.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;

class ModelLocationTest {

    @Test
    void theNearestModelsDemoFromTheWorkingDirectoryUpIsServedByDefault(@TempDir Path root) throws IOException {
        Path demo = Files.createDirectories(root.resolve("models/demo"));
        Files.writeString(demo.resolve("config.json"), "{}");
        Path deep = Files.createDirectories(root.resolve("inference-service/target"));
        assertEquals(demo.toAbsolutePath(), ModelLocation.resolve(null, deep));
    }

    @Test
    void withoutAModelStartUpFailsNamingThePropertyAsTheHeadline(@TempDir Path empty) {
        ModelNotFoundException e = assertThrows(ModelNotFoundException.class, () -> ModelLocation.resolve(null, empty));
        assertTrue(e.getMessage().startsWith("no model to serve: kvrag.inference.model-dir (KVRAG_MODEL_DIR) is not set"
                + " and there is no models/demo with a config.json in " + empty.toAbsolutePath()), e.getMessage());

        FailureAnalysis analysis = new ModelNotFoundFailureAnalyzer()
                .analyze(new BeanCreationException("servedModel", "failed", e));
        assertEquals(e.getMessage(), analysis.getDescription());
        assertTrue(analysis.getAction().startsWith("Set kvrag.inference.model-dir"));
    }

    @Test
    void aConfiguredDirectoryMustHoldAModel(@TempDir Path dir) {
        ModelNotFoundException e = assertThrows(ModelNotFoundException.class, () -> ModelLocation.resolve(dir, dir));
        assertEquals("kvrag.inference.model-dir " + dir.toAbsolutePath() + " is not a model directory (no config.json)",
                e.getMessage());
    }
}
