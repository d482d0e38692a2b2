package dev.kvrag.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvrag.engine.compute.DType;
import dev.kvrag.engine.compute.cpu.CpuBackend;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class CheckpointTest {

  @TempDir
  Path dir;

  static String message(Runnable r) {
    return assertThrows(ModelFormatException.class, r::run).getMessage();
  }

  /** Rewrites model.safetensors with tensor {@code name} dropped (shape null) or replaced by zeros of {@code shape}. */
  void rewrite(Path model, String name, DType dtype, long[] shape) {
    try (Checkpoint ckpt = Checkpoint.open(model)) {
      SafetensorsWriter w = new SafetensorsWriter();
      for (Map.Entry<String, Tensor> e : ckpt.tensors().entrySet()) {
        Tensor t = e.getValue();
        if (e.getKey().equals(name)) {
          if (shape != null) {
            long n = 1;
            for (long d : shape) {
              n *= d;
            }
            w.add(name, dtype, shape, new float[(int) n]);
          }
          continue;
        }
        float[] values = new float[(int) t.elements()];
        for (int i = 0; i < values.length; i++) {
          values[i] = t.dtype() == DType.F32
              ? t.data().getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, i)
              : Float.intBitsToFloat(t.data().getAtIndex(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, i) << 16);
        }
        w.add(e.getKey(), t.dtype(), t.shape(), values);
      }
      Path tmp = model.resolve("tmp.safetensors");
      w.write(tmp);
      Files.move(tmp, model.resolve("model.safetensors"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void truncatedFileNamesTheFileAndTheTensorCutOff() throws IOException {
    Path model = TestModels.write(dir, "qwen3");
    Path file = model.resolve("model.safetensors");
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(f.length() - 100);
    }
    String m = message(() -> Transformer.load(model, null).close());
    assertTrue(m.contains("truncated") && m.contains(file.toString()) && m.contains("lm_head.weight"), m);
  }

  @Test
  void fileShorterThanItsHeaderIsTruncated() throws IOException {
    Path model = TestModels.write(dir, "qwen3");
    Path file = model.resolve("model.safetensors");
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(40);
    }
    String m = message(() -> Checkpoint.open(model).close());
    assertTrue(m.contains("truncated") && m.contains("header"), m);
  }

  @Test
  void notASafetensorsFileIsSaid() throws IOException {
    Path model = TestModels.write(dir, "qwen3");
    Files.writeString(model.resolve("model.safetensors"), "<html>not a checkpoint</html>");
    String m = message(() -> Checkpoint.open(model).close());
    assertTrue(m.contains("not a safetensors file"), m);
  }

  @Test
  void missingTensorIsNamed() {
    Path model = TestModels.write(dir, "llama");
    rewrite(model, "model.layers.1.mlp.up_proj.weight", null, null);
    String m = message(() -> Transformer.load(model, null).close());
    assertTrue(m.contains("missing tensor model.layers.1.mlp.up_proj.weight"), m);
  }

  @Test
  void wrongShapeIsNamedWithBothShapes() {
    Path model = TestModels.write(dir, "qwen3");
    rewrite(model, "model.layers.0.self_attn.k_proj.weight", DType.BF16, new long[] {16, 32});
    String m = message(() -> Transformer.load(model, null).close());
    assertTrue(m.contains("model.layers.0.self_attn.k_proj.weight") && m.contains("[16, 32]")
        && m.contains("expected [32, 32]"), m);
  }

  @Test
  void unsupportedTensorDtypeIsNamed() throws IOException {
    Path model = TestModels.write(dir, "qwen3");
    Path file = model.resolve("model.safetensors");
    byte[] bytes = Files.readAllBytes(file);
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    int headerLen = (int) b.getLong(0);
    ObjectNode header = (ObjectNode) JsonMapper.builder().build().readTree(new String(bytes, 8, headerLen,
        java.nio.charset.StandardCharsets.UTF_8));
    // Same width, other type: sizes still agree, so only the dtype check can object.
    ((ObjectNode) header.get("model.norm.weight")).put("dtype", "I16");
    byte[] json = header.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] padded = java.util.Arrays.copyOf(json, (json.length + 7) / 8 * 8);
    java.util.Arrays.fill(padded, json.length, padded.length, (byte) ' ');
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.write(java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(padded.length).array());
    out.write(padded);
    out.write(bytes, 8 + headerLen, bytes.length - 8 - headerLen);
    Files.write(file, out.toByteArray());
    String m = message(() -> Transformer.load(model, null).close());
    assertTrue(m.contains("model.norm.weight") && m.contains("dtype I16"), m);
  }

  @Test
  void missingCheckpointFileIsNamed() {
    String m = message(() -> Checkpoint.open(dir).close());
    assertTrue(m.contains("missing file") && m.contains("model.safetensors"), m);
  }

  @Test
  void shardedCheckpointLoadsLikeTheSingleFile() throws IOException {
    Path single = TestModels.write(dir, "qwen2");
    Path sharded = dir.resolve("sharded");
    Files.createDirectories(sharded);
    Files.copy(single.resolve("config.json"), sharded.resolve("config.json"));
    ObjectNode index = JsonMapper.builder().build().createObjectNode();
    ObjectNode map = index.putObject("weight_map");
    try (Checkpoint ckpt = Checkpoint.open(single)) {
      List<String> names = new ArrayList<>(ckpt.tensors().keySet());
      SafetensorsWriter[] shards = {new SafetensorsWriter(), new SafetensorsWriter()};
      for (int i = 0; i < names.size(); i++) {
        Tensor t = ckpt.tensor(names.get(i));
        float[] v = new float[(int) t.elements()];
        for (int j = 0; j < v.length; j++) {
          v[j] = t.data().getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, j);
        }
        shards[i % 2].add(names.get(i), DType.F32, t.shape(), v);
        map.put(names.get(i), "model-0000" + (i % 2 + 1) + "-of-00002.safetensors");
      }
      shards[0].write(sharded.resolve("model-00001-of-00002.safetensors"));
      shards[1].write(sharded.resolve("model-00002-of-00002.safetensors"));
    }
    Files.writeString(sharded.resolve("model.safetensors.index.json"), index.toString());
    try (CpuBackend backend = new CpuBackend(1);
         Transformer a = Transformer.load(single, backend);
         Transformer b = Transformer.load(sharded, backend)) {
      int[] ids = {1, 5, 9, 33};
      assertArrayEquals(new ModelSession(a).feed(ids), new ModelSession(b).feed(ids));
    }
    Files.delete(sharded.resolve("model-00002-of-00002.safetensors"));
    String m = message(() -> Checkpoint.open(sharded).close());
    assertTrue(m.contains("missing file") && m.contains("model-00002-of-00002.safetensors"), m);
  }

  @Test
  void bf16IsRoundedToNearestEven() {
    assertEquals((short) 0x3F80, SafetensorsWriter.toBf16(1.0f));
    // 1 + 2^-8 lies exactly halfway between two bf16 values: ties go to the even mantissa (1.0).
    assertEquals((short) 0x3F80, SafetensorsWriter.toBf16(Float.intBitsToFloat(0x3F808000)));
    assertEquals((short) 0x3F82, SafetensorsWriter.toBf16(Float.intBitsToFloat(0x3F818000)));
    assertEquals((short) 0x3F81, SafetensorsWriter.toBf16(Float.intBitsToFloat(0x3F808001)));
    assertTrue(Float.isNaN(Float.intBitsToFloat(SafetensorsWriter.toBf16(Float.NaN) << 16)));
  }
}
