package dev.kvrag.bench.peers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MachineFactsTest {

    @TempDir
    Path dir;

    @Test
    void theCpuModelIsTheFirstModelNameOfCpuinfo() throws Exception {
        Path cpuinfo = Files.writeString(dir.resolve("cpuinfo"), """
                processor\t: 0
                vendor_id\t: GenuineIntel
                model name\t: Intel(R) Xeon(R) Processor
                processor\t: 1
                model name\t: Intel(R) Xeon(R) Processor
                """);
        assertEquals("Intel(R) Xeon(R) Processor", MachineFacts.cpuModel(cpuinfo));
    }

    @Test
    void anUnreadableCpuinfoIsSaidNotHidden() {
        assertTrue(MachineFacts.cpuModel(dir.resolve("missing")).startsWith("unknown CPU"));
    }

    @Test
    void theCurrentMachineHasAtLeastOneCoreAndAJdkVersion() {
        MachineFacts now = MachineFacts.current();
        assertTrue(now.cores() >= 1);
        assertTrue(now.jdk().contains(Integer.toString(Runtime.version().feature())), now.jdk());
    }
}
