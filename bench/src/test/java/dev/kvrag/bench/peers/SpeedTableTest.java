package dev.kvrag.bench.peers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpeedTableTest {

    @TempDir
    Path dir;

    private static final SpeedTable.Settings SETTINGS = new SpeedTable.Settings("models/random/qwen2.5-0.5b", 256, 64, 2);
    private static final MachineFacts MACHINE = new MachineFacts("Test CPU", 2, "JDK 25", "Linux", LocalDate.of(2026, 11, 23));

    private static SpeedTable.Side side(String name, SpeedReport... rounds) {
        return new SpeedTable.Side(name, List.of(rounds), Optional.empty());
    }

    @Test
    void ratiosAreOursOverJlamaOfTheMediansOfTheRounds() {
        SpeedTable.Side jlama = side("Jlama 0.8.4", new SpeedReport(70, 14), new SpeedReport(80, 15), new SpeedReport(74, 100));
        SpeedTable.Side ours = side("kvrag engine", new SpeedReport(148, 21), new SpeedReport(150, 30), new SpeedReport(500, 29));
        String table = SpeedTable.render(SETTINGS, MACHINE, List.of(jlama), ours, List.of(), "0.10", "2.05", List.of());

        assertTrue(table.contains("| Jlama 0.8.4 | 74.0 [70.0–80.0] | 15.0 [14.0–100] | 2.03x | 1.93x |"), table);
        assertTrue(table.contains("| kvrag engine | 150 [148–500] | 29.0 [21.0–30.0] | 2.03x | 1.93x |"), table);
        assertTrue(table.contains("a prompt of 256 seeded token ids, 64 decode steps"), table);
        assertTrue(table.contains("2 threads"), table);
        assertTrue(table.contains("Test CPU, 2 cores, JDK 25, Linux, 2026-11-23"), table);
        assertTrue(table.contains("0.10 before, 2.05 after"), table);
    }

    @Test
    void ourRowIsComparedWithTheFastestJlamaConfigurationOfEachPhase() {
        SpeedTable.Side nativeOps = side("Jlama, native ops", new SpeedReport(55, 8.5));
        SpeedTable.Side panamaOps = side("Jlama, Panama ops", new SpeedReport(38, 10.5));
        SpeedTable.Side ours = side("kvrag engine", new SpeedReport(220, 21));
        String table = SpeedTable.render(SETTINGS, MACHINE, List.of(nativeOps, panamaOps), ours, List.of(), null, null,
                List.of());

        assertTrue(table.contains("| Jlama, native ops | 55.0 | 8.5 | 4.00x | 2.47x |"), table);
        assertTrue(table.contains("| Jlama, Panama ops | 38.0 | 10.5 | 5.79x | 2.00x |"), table);
        assertTrue(table.contains("| kvrag engine | 220 | 21.0 | 4.00x | 2.00x |"), table);
        assertTrue(table.contains("ours over the fastest Jlama row"), table);
    }

    @Test
    void aSideThatDidNotRunSaysWhyAndLeavesNoRatio() {
        SpeedTable.Side jlama = side("Jlama 0.8.4", new SpeedReport(74, 14.4));
        SpeedTable.Side ours = new SpeedTable.Side("kvrag engine", List.of(), Optional.of("the ./kvrag launcher is not there"));
        String table = SpeedTable.render(SETTINGS, MACHINE, List.of(jlama), ours, List.of("jlama 0.8.4: operations=X"),
                null, null, List.of("a note"));

        assertTrue(table.contains("| kvrag engine | not measured: the ./kvrag launcher is not there | | | |"), table);
        assertTrue(table.contains("| Jlama 0.8.4 | 74.0 | 14.4 | n/a | n/a |"), table);
        assertTrue(table.contains("Jlama setup: jlama 0.8.4: operations=X"), table);
        assertTrue(table.contains("Note: a note"), table);
    }

    @Test
    void roundsAreReadFromTheOutputFilesAndAnUnreadableOneFailsTheSide() throws Exception {
        Path good = Files.writeString(dir.resolve("engine-1.out"), "prefill 120 tok/s\ndecode 20 tok/s\n");
        Path bad = Files.writeString(dir.resolve("engine-2.out"), "Exception in thread main\n");

        SpeedTable.Side ok = SpeedTable.Side.read("kvrag engine", List.of(good), null);
        assertEquals(List.of(new SpeedReport(120, 20)), ok.rounds());

        SpeedTable.Side failed = SpeedTable.Side.read("kvrag engine", List.of(good, bad), null);
        assertEquals(Optional.of("engine-2.out: no prefill tokens/s figure in the benchmark output"), failed.failure());
    }

    @Test
    void theJlamaSetupLineIsFoundInItsOutput() throws Exception {
        Path out = Files.writeString(dir.resolve("jlama-1.out"), "jlama 0.8.4: operations=Native SIMD Operations, threads=2\nprefill 1 tok/s\n");
        assertEquals(Optional.of("jlama 0.8.4: operations=Native SIMD Operations, threads=2"),
                SpeedTable.jlamaSetup(List.of(out)));
    }
}
