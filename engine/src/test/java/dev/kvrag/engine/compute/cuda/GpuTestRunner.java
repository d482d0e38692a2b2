package dev.kvrag.engine.compute.cuda;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.PrintWriter;
import java.util.List;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

/**
 * Runs the CUDA tests without Maven, where the GPU is (the GPU machine has a Java runtime carried to it but no build
 * tool): {@code java -cp <test classpath> dev.kvrag.engine.compute.cuda.GpuTestRunner}, from the engine module's folder
 * (the fixtures are read relative to it). One line per test, then JUnit's summary; exit status 1 if any failed, was
 * aborted or was skipped (for want of a GPU). Test class names as arguments run only those (e.g. the demo model's
 * parity after a training run, in the same device call).
 */
public final class GpuTestRunner {

  static final List<String> CLASSES = List.of(
      "dev.kvrag.engine.compute.cuda.CudaBackendOpsTest",
      "dev.kvrag.engine.compute.cuda.CudaKvStorageTest",
      "dev.kvrag.engine.compute.cuda.CudaLlamaShapeTest",
      "dev.kvrag.engine.model.CudaHfExactnessTest",
      "dev.kvrag.engine.cli.CudaFuseFixturesTest",
      "dev.kvrag.engine.compute.cuda.CudaDemoModelTest",
      "dev.kvrag.engine.compute.BackendChoiceTest",
      "dev.kvrag.engine.compute.cuda.KernelSignaturesTest",
      "dev.kvrag.engine.compute.cuda.NvrtcCompileTest");

  private GpuTestRunner() {
  }

  public static void main(String[] args) {
    LauncherDiscoveryRequestBuilder builder = LauncherDiscoveryRequestBuilder.request();
    for (String c : args.length > 0 ? List.of(args) : CLASSES) {
      builder.selectors(selectClass(c));
    }
    LauncherDiscoveryRequest request = builder.build();
    SummaryGeneratingListener summary = new SummaryGeneratingListener();
    int[] skipped = new int[1];
    TestExecutionListener lines = new TestExecutionListener() {
      @Override
      public void executionSkipped(TestIdentifier id, String reason) {
        skipped[0]++;
        System.out.println("SKIPPED " + id.getDisplayName() + ": " + reason);
      }

      @Override
      public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        if (!id.isTest() && result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) {
          return;
        }
        String name = id.getLegacyReportingName();
        System.out.println(result.getStatus() + " " + name + result.getThrowable().map(t -> ": " + t).orElse(""));
        System.out.flush();
      }
    };
    Launcher launcher = LauncherFactory.create();
    launcher.execute(request, summary, lines);
    summary.getSummary().printTo(new PrintWriter(System.out));
    summary.getSummary().printFailuresTo(new PrintWriter(System.out), 20);
    long failed = summary.getSummary().getTotalFailureCount();
    long aborted = summary.getSummary().getTestsAbortedCount();
    boolean passed = failed == 0 && aborted == 0 && skipped[0] == 0;
    System.out.println(passed ? "GPU TESTS PASSED" : "GPU TESTS FAILED (" + failed + " failed, " + aborted
        + " aborted, " + skipped[0] + " skipped)");
    System.exit(passed ? 0 : 1);
  }
}
