package dev.kvrag.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The four services as `./kvrag up` runs them: each its own JVM from its Spring Boot jar ({@code <module>/target}),
 * its own application.yml, configured only by the environment variables the launcher sets (ports, Redis, Kafka, the
 * served model, the API keys, the retrieval URL). Logs go to {@code target/e2e-logs/<service>.log}.
 */
final class PlatformProcesses implements AutoCloseable {

    /** The services in start order, with the environment variable of their port. */
    enum Service {
        GATEWAY("gateway-service", "KVRAG_GATEWAY_PORT"),
        RETRIEVAL("retrieval-service", "KVRAG_RETRIEVAL_PORT"),
        CACHE("cache-service", "KVRAG_CACHE_PORT"),
        INFERENCE("inference-service", "KVRAG_INFERENCE_PORT");

        final String module;
        final String portVariable;

        Service(String module, String portVariable) {
            this.module = module;
            this.portVariable = portVariable;
        }
    }

    private static final Duration READY_TIMEOUT = Duration.ofMinutes(4);

    private final Map<Service, Integer> ports = new LinkedHashMap<>();
    private final Map<Service, Process> processes = new LinkedHashMap<>();
    private final Path logs;

    private PlatformProcesses(Path logs) {
        this.logs = logs;
    }

    /**
     * Starts all four and waits until each reports readiness UP.
     *
     * @param root the checkout, whose service modules are packaged
     */
    static PlatformProcesses start(Path root, String redisUrl, String kafkaBootstrap, Path modelDir, String apiKey)
            throws IOException, InterruptedException {
        PlatformProcesses platform = new PlatformProcesses(root.resolve("e2e/target/e2e-logs"));
        Files.createDirectories(platform.logs);
        for (Service s : Service.values()) {
            platform.ports.put(s, freePort());
        }
        try {
            for (Service s : Service.values()) {
                platform.launch(s, root, Map.of("REDIS_URL", redisUrl, "KAFKA_BOOTSTRAP", kafkaBootstrap,
                        "KVRAG_MODEL_DIR", modelDir.toString(), "KVRAG_API_KEYS", apiKey,
                        "KVRAG_RETRIEVAL_URL", "http://127.0.0.1:" + platform.port(Service.RETRIEVAL)));
            }
            platform.awaitReady();
        } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
            platform.close();
            throw e;
        }
        return platform;
    }

    int port(Service s) {
        return ports.get(s);
    }

    String url(Service s) {
        return "http://127.0.0.1:" + port(s);
    }

    /** The last lines of every service's log, for a failure message. */
    String logTails() {
        StringBuilder out = new StringBuilder();
        for (Service s : Service.values()) {
            Path log = logFile(s);
            out.append("\n--- last lines of ").append(log).append('\n');
            try {
                List<String> lines = Files.readAllLines(log);
                lines.subList(Math.max(0, lines.size() - 25), lines.size()).forEach(l -> out.append(l).append('\n'));
            } catch (IOException | UncheckedIOException e) {
                out.append("(unreadable: ").append(e.getMessage()).append(")\n");
            }
        }
        return out.toString();
    }

    private void launch(Service s, Path root, Map<String, String> environment) throws IOException {
        Path jar = serviceJar(root, s.module);
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx512m", "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-jar", jar.toString())
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(logFile(s).toFile());
        builder.environment().putAll(environment);
        builder.environment().put(s.portVariable, Integer.toString(port(s)));
        processes.put(s, builder.start());
    }

    private void awaitReady() throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        List<Service> waiting = new ArrayList<>(List.of(Service.values()));
        while (!waiting.isEmpty()) {
            for (Service s : List.copyOf(waiting)) {
                if (!processes.get(s).isAlive()) {
                    throw new AssertionError(s.module + " exited during start-up (status "
                            + processes.get(s).exitValue() + ")" + logTails());
                }
                if (readinessUp(http, s)) {
                    waiting.remove(s);
                }
            }
            if (!waiting.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("not ready after " + READY_TIMEOUT.toSeconds() + " s: " + waiting
                            + logTails());
                }
                Thread.sleep(500);
            }
        }
    }

    private boolean readinessUp(HttpClient http, Service s) throws InterruptedException {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url(s) + "/actuator/health/readiness"))
                    .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200;
        } catch (IOException notYet) {
            return false;
        }
    }

    private Path logFile(Service s) {
        return logs.resolve(s.name().toLowerCase() + ".log");
    }

    private static Path serviceJar(Path root, String module) throws IOException {
        Path target = root.resolve(module).resolve("target");
        try (Stream<Path> files = Files.exists(target) ? Files.list(target) : Stream.empty()) {
            return files.filter(p -> p.getFileName().toString().matches(module + "-[0-9].*\\.jar")
                            && !p.getFileName().toString().endsWith("-sources.jar"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no Spring Boot jar of " + module + " in " + target
                            + ": package the services first (./mvnw -pl e2e -am verify)"));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** SIGTERM to all (Spring shuts down gracefully), then SIGKILL to what is left after 30 s. */
    @Override
    public void close() {
        processes.values().forEach(Process::destroy);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (Process p : processes.values()) {
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                if (!p.waitFor(left, java.util.concurrent.TimeUnit.NANOSECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }
}
