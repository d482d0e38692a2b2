package dev.kvrag.gateway.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServedModelTest {

    @TempDir
    Path root;

    @Test
    void theNearestTokenizerWinsAndTheDemoModelBeforeTheBareTokenizer() throws IOException {
        tokenizer(root.resolve("models/demo"));
        tokenizer(root.resolve("a/models/tokenizers/qwen3"));
        Path deep = Files.createDirectories(root.resolve("a/b/c"));
        assertThat(ServedModel.defaultDir(deep)).isEqualTo(root.resolve("a/models/tokenizers/qwen3"));

        tokenizer(root.resolve("a/models/demo"));
        assertThat(ServedModel.defaultDir(deep)).isEqualTo(root.resolve("a/models/demo"));
    }

    @Test
    void aDirectoryWithoutATokenizerIsPassedOver() throws IOException {
        Files.createDirectories(root.resolve("a/models/demo"));
        Files.writeString(Files.createDirectories(root.resolve("models/demo")).resolve("tokenizer.json.gz"), "");
        assertThat(ServedModel.defaultDir(Files.createDirectories(root.resolve("a/b"))))
                .isEqualTo(root.resolve("models/demo"));
    }

    @Test
    void noTokenizerAnywhereNamesThePropertyToSet() throws IOException {
        Path empty = Files.createDirectories(root.resolve("empty"));
        assertThatThrownBy(() -> ServedModel.defaultDir(empty)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("set kvrag.gateway.model.dir (KVRAG_MODEL_DIR)");
    }

    private static void tokenizer(Path dir) throws IOException {
        Files.writeString(Files.createDirectories(dir).resolve("tokenizer.json"), "{}");
    }
}
