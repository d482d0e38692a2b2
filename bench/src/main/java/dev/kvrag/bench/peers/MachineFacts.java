package dev.kvrag.bench.peers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;

/** What a speed table needs to say about the machine it was measured on. */
public record MachineFacts(String cpuModel, int cores, String jdk, String os, LocalDate date) {

    public static MachineFacts current() {
        return new MachineFacts(
                cpuModel(Path.of("/proc/cpuinfo")),
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.vendor", "?") + " " + Runtime.version(),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                LocalDate.now());
    }

    static String cpuModel(Path cpuinfo) {
        try {
            List<String> lines = Files.readAllLines(cpuinfo);
            for (String line : lines) {
                if (line.startsWith("model name")) {
                    int colon = line.indexOf(':');
                    return colon < 0 ? line : line.substring(colon + 1).strip();
                }
            }
        } catch (IOException e) {
            return "unknown CPU (" + cpuinfo + " unreadable: " + e.getMessage() + ")";
        }
        return "unknown CPU (no model name in " + cpuinfo + ")";
    }

    public String describe() {
        return String.format(Locale.ROOT, "%s, %d cores, %s, %s, %s", cpuModel, cores, jdk, os, date);
    }
}
