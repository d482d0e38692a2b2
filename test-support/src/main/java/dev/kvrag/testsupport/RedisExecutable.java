package dev.kvrag.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds {@code redis-server}; where it is missing and we are root on Debian, installs Debian's package
 * (the same thing {@code ./kvrag test} and {@code ./kvrag infra up} do), else says what to install.
 */
final class RedisExecutable {

    private RedisExecutable() {
    }

    static Path findOrInstall() {
        return find().orElseGet(() -> {
            install();
            return find().orElseThrow(() -> new IllegalStateException(
                    "redis-server is still not on PATH after installing Debian's redis-server package"));
        });
    }

    static Optional<Path> find() {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of("/usr/bin", "/usr/sbin", "/usr/local/bin"));
        return dirs.stream()
                .filter(d -> !d.isBlank())
                .map(d -> Path.of(d, "redis-server"))
                .filter(Files::isExecutable)
                .findFirst();
    }

    private static void install() {
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root || !Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
            throw new IllegalStateException("redis-server not found: install it (Debian/Ubuntu: "
                    + "sudo apt-get install redis-server) or point the tests at a running Redis with REDIS_URL");
        }
        run("apt-get", "update", "-qq");
        // Another apt run (a colleague's, unattended upgrades) may hold the dpkg lock for a while: wait for it.
        run("apt-get", "install", "-y", "-qq", "-o", "DPkg::Lock::Timeout=120", "--no-install-recommends", "redis-server");
    }

    private static void run(String... command) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
            pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
            int rc = pb.start().waitFor();
            if (rc != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed with exit code " + rc
                        + "; install redis-server by hand or set REDIS_URL");
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while installing redis-server", e);
        }
    }
}
