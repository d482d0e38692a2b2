package dev.kvrag.bench.checkpoint;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads a bf16 safetensors file back, independently of the writer: the tests' view of a checkpoint. */
record SafetensorsReader(long headerLength, JsonNode header, ByteBuffer data) {

    static SafetensorsReader open(Path file) throws IOException {
        ByteBuffer all = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        long n = all.getLong(0);
        byte[] json = new byte[(int) n];
        all.get(8, json);
        JsonNode header = JsonMapper.builder().build().readTree(json);
        ByteBuffer data = all.slice(8 + (int) n, all.capacity() - 8 - (int) n).order(ByteOrder.LITTLE_ENDIAN);
        return new SafetensorsReader(n, header, data);
    }

    List<String> tensorNames() {
        List<String> names = new ArrayList<>();
        for (String name : header.propertyNames()) {
            if (!name.equals("__metadata__")) {
                names.add(name);
            }
        }
        return names;
    }

    List<Integer> shape(String name) {
        List<Integer> shape = new ArrayList<>();
        header.get(name).get("shape").forEach(d -> shape.add(d.asInt()));
        return shape;
    }

    long begin(String name) {
        return header.get(name).get("data_offsets").get(0).asLong();
    }

    long end(String name) {
        return header.get(name).get("data_offsets").get(1).asLong();
    }

    float[] bf16Values(String name) {
        int b = (int) begin(name);
        int count = (int) (end(name) - b) / 2;
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            out[i] = Float.intBitsToFloat((data.getShort(b + 2 * i) & 0xFFFF) << 16); // bf16 = upper half of fp32
        }
        return out;
    }
}
