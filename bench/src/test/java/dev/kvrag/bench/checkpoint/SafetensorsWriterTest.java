package dev.kvrag.bench.checkpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SafetensorsWriterTest {

    @TempDir
    Path dir;

    private static DoubleSupplier counting(double start) {
        double[] next = {start};
        return () -> next[0]++;
    }

    @Test
    void tensorsLieBackToBackInRowMajorOrderAfterTheHeader() throws Exception {
        List<TensorSpec> tensors = List.of(
                new TensorSpec("a", List.of(2, 3), 0, 0),
                new TensorSpec("b", List.of(5), 0, 0));
        Path file = dir.resolve("t.safetensors");
        long size = SafetensorsWriter.writeBf16(file, Map.of("format", "pt"), tensors,
                t -> counting(t.name().equals("a") ? 1 : 100));

        SafetensorsReader r = SafetensorsReader.open(file);
        assertEquals(Files.size(file), size);
        assertEquals(List.of("a", "b"), r.tensorNames());
        assertEquals(List.of(2, 3), r.shape("a"));
        assertEquals("BF16", r.header().get("a").get("dtype").asString());
        assertEquals(0, r.begin("a"));
        assertEquals(12, r.end("a"));
        assertEquals(12, r.begin("b"));
        assertEquals(22, r.end("b"));
        assertEquals(8 + r.headerLength() + 22, size);
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, r.bf16Values("a"));
        assertArrayEquals(new float[] {100, 101, 102, 103, 104}, r.bf16Values("b"));
        assertEquals("pt", r.header().get("__metadata__").get("format").asString());
    }

    @Test
    void headerIsPaddedSoTheDataStartsEightByteAligned() {
        for (String name : List.of("x", "xy", "xyz", "a.much.longer.tensor.name")) {
            byte[] header = SafetensorsWriter.header(Map.of(), List.of(new TensorSpec(name, List.of(1), 0, 0)));
            assertEquals(0, (8 + header.length) % 8, name);
            String text = new String(header, StandardCharsets.UTF_8);
            assertEquals("", text.substring(text.lastIndexOf('}') + 1).replace(" ", ""), "padding is spaces only");
        }
    }

    @Test
    void aNameUsedTwiceIsRefused() {
        List<TensorSpec> twice = List.of(new TensorSpec("w", List.of(1), 0, 0), new TensorSpec("w", List.of(2), 0, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SafetensorsWriter.writeBf16(dir.resolve("x"), Map.of(), twice, t -> counting(0)));
        assertEquals("tensor w appears twice", e.getMessage());
    }
}
