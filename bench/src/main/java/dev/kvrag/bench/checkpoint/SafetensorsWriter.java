package dev.kvrag.bench.checkpoint;

import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.DoubleSupplier;
import java.util.function.Function;

/**
 * Writes a bf16 safetensors file tensor by tensor, so a 1 GB checkpoint never sits in memory: the
 * header is fixed by the shapes alone, then each tensor's values are drawn and written in order.
 *
 * <p>Format: an 8-byte little-endian header length, a JSON header (name → dtype, shape,
 * [begin, end) byte offsets relative to the data start, plus {@code __metadata__}), then the raw
 * little-endian data. The header is padded with spaces to a multiple of 8 bytes, as the Rust
 * safetensors crate does, so every tensor starts 8-byte aligned when mapped.
 */
public final class SafetensorsWriter {

    private static final int BUFFER_BYTES = 1 << 20;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private SafetensorsWriter() {
    }

    /**
     * @param metadata string pairs for the header's {@code __metadata__} (transformers writes format=pt)
     * @param values for each tensor, a supplier of its elements in row-major order
     * @return the file size in bytes
     */
    public static long writeBf16(Path file, Map<String, String> metadata, List<TensorSpec> tensors,
                                 Function<TensorSpec, DoubleSupplier> values) throws IOException {
        byte[] header = header(metadata, tensors);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            buf.putLong(header.length);
            drain(ch, buf);
            writeFully(ch, ByteBuffer.wrap(header));
            for (TensorSpec t : tensors) {
                DoubleSupplier next = values.apply(t);
                for (long i = 0, n = t.elementCount(); i < n; i++) {
                    if (!buf.hasRemaining()) {
                        drain(ch, buf);
                    }
                    buf.putShort(Bf16.fromFloat((float) next.getAsDouble()));
                }
            }
            drain(ch, buf);
            return ch.size();
        }
    }

    static byte[] header(Map<String, String> metadata, List<TensorSpec> tensors) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("__metadata__", new TreeMap<>(metadata));
        Set<String> seen = new HashSet<>();
        long offset = 0;
        for (TensorSpec t : tensors) {
            if (!seen.add(t.name())) {
                throw new IllegalArgumentException("tensor " + t.name() + " appears twice");
            }
            long bytes = t.elementCount() * Short.BYTES;
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", "BF16");
            entry.put("shape", t.shape());
            entry.put("data_offsets", List.of(offset, offset + bytes));
            root.put(t.name(), entry);
            offset += bytes;
        }
        byte[] json = JSON.writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
        byte[] padded = Arrays.copyOf(json, (json.length + 7) / 8 * 8);
        Arrays.fill(padded, json.length, padded.length, (byte) ' ');
        return padded;
    }

    private static void drain(FileChannel ch, ByteBuffer buf) throws IOException {
        buf.flip();
        writeFully(ch, buf);
        buf.clear();
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }
}
