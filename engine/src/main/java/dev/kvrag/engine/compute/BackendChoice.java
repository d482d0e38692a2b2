package dev.kvrag.engine.compute;

import dev.kvrag.engine.compute.cpu.CpuBackend;
import dev.kvrag.engine.compute.cuda.CudaBackend;
import dev.kvrag.engine.compute.cuda.CudaProbe;
import java.util.Locale;

/**
 * Which backend computes: {@code kvrag.engine.backend = auto | cpu | cuda}, from a command-line {@code --backend}, else
 * the system property {@code kvrag.engine.backend}, else the environment variable {@code KVRAG_ENGINE_BACKEND}, else
 * {@code auto}. {@code auto} takes the GPU when a CUDA device and the libraries are there and the CPU otherwise;
 * {@code cuda} fails, saying what is missing, where there is no GPU. The choice and its reason are logged.
 */
public final class BackendChoice {

  public static final String PROPERTY = "kvrag.engine.backend";
  public static final String ENV = "KVRAG_ENGINE_BACKEND";

  private static final System.Logger LOG = System.getLogger(BackendChoice.class.getName());

  /** A backend and why it was chosen. */
  public record Opened(Backend backend, String reason) {
  }

  private BackendChoice() {
  }

  /** The configured name: {@code explicit} when given, else the property, else the environment, else auto. */
  public static String configured(String explicit) {
    if (explicit != null && !explicit.isBlank()) {
      return explicit;
    }
    String p = System.getProperty(PROPERTY);
    if (p != null && !p.isBlank()) {
      return p;
    }
    String e = System.getenv(ENV);
    return e != null && !e.isBlank() ? e : "auto";
  }

  /**
   * Opens the backend {@code name} (auto, cpu or cuda; null means {@link #configured}), the CPU one with
   * {@code cpuThreads} threads.
   */
  public static Opened open(String name, int cpuThreads) {
    String choice = configured(name).strip().toLowerCase(Locale.ROOT);
    Opened opened = switch (choice) {
      case "cpu" -> new Opened(new CpuBackend(cpuThreads), PROPERTY + "=cpu");
      case "cuda", "gpu" -> {
        String missing = CudaProbe.unavailable();
        if (missing != null) {
          throw new IllegalArgumentException(PROPERTY + "=cuda, but " + missing);
        }
        yield new Opened(CudaBackend.open(0), PROPERTY + "=cuda");
      }
      case "auto" -> auto(cpuThreads);
      default -> throw new IllegalArgumentException("unknown engine backend '" + name + "' (" + PROPERTY
          + ": auto, cpu, cuda)");
    };
    LOG.log(System.Logger.Level.INFO, "engine backend: {0} ({1})", opened.backend().describe(), opened.reason());
    return opened;
  }

  private static Opened auto(int cpuThreads) {
    String missing = CudaProbe.unavailable();
    if (missing != null) {
      return new Opened(new CpuBackend(cpuThreads), PROPERTY + "=auto and " + missing);
    }
    try {
      return new Opened(CudaBackend.open(0), PROPERTY + "=auto and a CUDA device is present");
    } catch (RuntimeException e) {
      return new Opened(new CpuBackend(cpuThreads), PROPERTY + "=auto, but the CUDA backend did not start: "
          + e.getMessage());
    }
  }
}
