package dev.kvrag.engine.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvrag.engine.compute.cpu.CpuBackend;
import dev.kvrag.engine.compute.cuda.CudaBackend;
import dev.kvrag.engine.compute.cuda.CudaProbe;
import org.junit.jupiter.api.Test;

/** {@code kvrag.engine.backend}: auto takes the GPU exactly when the probe finds one, and always says why. */
class BackendChoiceTest {

  @Test
  void autoTakesCudaWhereTheProbeFindsItAndTheCpuOtherwiseWithTheReason() {
    String missing = CudaProbe.unavailable();
    BackendChoice.Opened o = BackendChoice.open("auto", 1);
    try (Backend b = o.backend()) {
      if (missing == null) {
        assertTrue(b instanceof CudaBackend, o.reason());
      } else {
        assertTrue(b instanceof CpuBackend, o.reason());
        assertTrue(o.reason().contains(missing), o.reason());
      }
    }
  }

  @Test
  void cpuIsAlwaysThere() {
    try (Backend b = BackendChoice.open("CPU", 1).backend()) {
      assertTrue(b instanceof CpuBackend);
    }
  }

  @Test
  void cudaWithoutAGpuIsAnErrorSayingWhatIsMissing() {
    String missing = CudaProbe.unavailable();
    if (missing == null) {
      return;  // a GPU machine: nothing missing to report
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BackendChoice.open("cuda", 1));
    assertEquals("kvrag.engine.backend=cuda, but " + missing, e.getMessage());
  }

  @Test
  void anUnknownNameListsTheChoices() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BackendChoice.open("tpu", 1));
    assertTrue(e.getMessage().contains("auto, cpu, cuda"), e.getMessage());
  }

  @Test
  void anExplicitNameWinsOverTheDefault() {
    assertEquals("cpu", BackendChoice.configured("cpu"));
    assertEquals(System.getProperty(BackendChoice.PROPERTY, System.getenv().getOrDefault(BackendChoice.ENV, "auto")),
        BackendChoice.configured(null));
  }
}
