package dev.kvrag.engine.compute.cuda;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A command-line tool the CUDA checks use where the machine has it (nvcc, g++): found on the PATH, run to the end. */
record ExternalTool(Path executable) {

  /** The tool on the PATH, or null. */
  static ExternalTool find(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return new ExternalTool(p);
      }
    }
    return null;
  }

  /** Exit status and the combined output of running the tool with {@code args} in {@code dir}. */
  Result run(Path dir, List<String> args, long timeoutSeconds) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>();
    command.add(executable.toString());
    command.addAll(args);
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return new Result(-1, "timed out after " + timeoutSeconds + " s\n" + new String(out, StandardCharsets.UTF_8));
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  record Result(int status, String output) {
  }
}
