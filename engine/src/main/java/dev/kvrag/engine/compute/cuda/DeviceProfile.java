package dev.kvrag.engine.compute.cuda;

import static jcuda.driver.JCudaDriver.cuEventElapsedTime;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jcuda.driver.CUevent;

/**
 * Where device time goes, per backend operation: timing events recorded on the compute stream around each operation
 * (the work it queues, not the host's time to queue it), summed by label when read. For a profiling pass of a
 * benchmark; off otherwise. Used under the runtime's lock.
 */
final class DeviceProfile {

  private record Span(String label, CUevent start, CUevent end) {
  }

  private final CudaDevice device;
  private final ArrayDeque<CUevent> pool = new ArrayDeque<>();
  private final List<Span> spans = new ArrayList<>();

  DeviceProfile(CudaDevice device) {
    this.device = device;
  }

  private CUevent event() {
    CUevent e = pool.poll();
    return e != null ? e : device.newTimingEvent();
  }

  /** Marks the start of an operation; {@link #end} closes it. */
  Object begin(String label) {
    Span s = new Span(label, event(), event());
    device.record(s.start, device.compute());
    return s;
  }

  void end(Object span) {
    Span s = (Span) span;
    device.record(s.end, device.compute());
    spans.add(s);
  }

  /** Milliseconds per label since the last read, largest first (waits for the device). */
  Map<String, Double> read() {
    device.synchronizeAll();
    Map<String, Double> totals = new LinkedHashMap<>();
    float[] ms = new float[1];
    for (Span s : spans) {
      cuEventElapsedTime(ms, s.start, s.end);
      totals.merge(s.label, (double) ms[0], Double::sum);
      pool.add(s.start);
      pool.add(s.end);
    }
    spans.clear();
    Map<String, Double> sorted = new LinkedHashMap<>();
    totals.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return sorted;
  }

  /** One line per label: milliseconds and share of the total. */
  static String format(Map<String, Double> totals) {
    double sum = totals.values().stream().mapToDouble(Double::doubleValue).sum();
    StringBuilder b = new StringBuilder();
    totals.forEach((k, v) -> b.append(String.format(Locale.ROOT, "  %-40s %9.2f ms %5.1f%%%n", k, v,
        100 * v / Math.max(1e-9, sum))));
    b.append(String.format(Locale.ROOT, "  %-40s %9.2f ms (device time inside operations)%n", "total", sum));
    return b.toString();
  }
}
