package dev.kvrag.engine.model;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The tensors of a Hugging Face checkpoint directory: {@code model.safetensors}, or the shards listed in
 * {@code model.safetensors.index.json} ({@code weight_map}: tensor name → shard file). All files are
 * memory-mapped in one shared arena that lives until {@link #close()}.
 */
public final class Checkpoint implements AutoCloseable {

  private final Path dir;
  private final Arena arena;
  private final Map<String, Tensor> tensors;
  private boolean closed;

  private Checkpoint(Path dir, Arena arena, Map<String, Tensor> tensors) {
    this.dir = dir;
    this.arena = arena;
    this.tensors = Collections.unmodifiableMap(tensors);
  }

  public static Checkpoint open(Path dir) {
    Path single = dir.resolve("model.safetensors");
    Path index = dir.resolve("model.safetensors.index.json");
    Arena arena = Arena.ofShared();
    try {
      Map<String, Tensor> tensors = new LinkedHashMap<>();
      if (Files.exists(index)) {
        for (String shard : shards(index)) {
          tensors.putAll(SafetensorsFile.open(dir.resolve(shard), arena).tensors());
        }
        checkIndexComplete(index, tensors);
      } else if (Files.exists(single)) {
        tensors.putAll(SafetensorsFile.open(single, arena).tensors());
      } else {
        throw new ModelFormatException("missing file " + single + " (nor " + index.getFileName() + ")");
      }
      return new Checkpoint(dir, arena, tensors);
    } catch (RuntimeException e) {
      arena.close();
      throw e;
    }
  }

  private static JsonNode readIndex(Path index) {
    try {
      return JsonMapper.builder().build().readTree(Files.readString(index));
    } catch (NoSuchFileException e) {
      throw new ModelFormatException("missing file " + index);
    } catch (IOException e) {
      throw new ModelFormatException("cannot read " + index + ": " + e.getMessage(), e);
    } catch (JacksonException e) {
      throw new ModelFormatException(index + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static TreeSet<String> shards(Path index) {
    JsonNode map = readIndex(index).path("weight_map");
    if (!map.isObject()) {
      throw new ModelFormatException(index + ": missing \"weight_map\"");
    }
    TreeSet<String> files = new TreeSet<>();
    for (String name : map.propertyNames()) {
      String file = map.get(name).asString("");
      if (file.isEmpty() || file.contains("/") || file.contains("\\")) {
        throw new ModelFormatException(index + ": bad shard file name for tensor " + name);
      }
      files.add(file);
    }
    return files;
  }

  private static void checkIndexComplete(Path index, Map<String, Tensor> tensors) {
    JsonNode map = readIndex(index).path("weight_map");
    for (String name : map.propertyNames()) {
      Tensor t = tensors.get(name);
      String file = map.get(name).asString();
      if (t == null || !t.file().getFileName().toString().equals(file)) {
        throw new ModelFormatException("missing tensor " + name + " in shard " + file + " (listed in " + index + ")");
      }
    }
  }

  public Path dir() {
    return dir;
  }

  public boolean has(String name) {
    return tensors.containsKey(name);
  }

  public Tensor tensor(String name) {
    Tensor t = tensors.get(name);
    if (t == null) {
      throw new ModelFormatException("missing tensor " + name + " in checkpoint " + dir);
    }
    return t;
  }

  public Map<String, Tensor> tensors() {
    return tensors;
  }

  /** Unmaps every file (later calls do nothing); weights taken from this checkpoint must not be used afterwards. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      arena.close();
    }
  }
}
