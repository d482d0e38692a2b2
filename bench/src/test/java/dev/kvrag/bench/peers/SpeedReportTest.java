package dev.kvrag.bench.peers;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SpeedReportTest {

    @Test
    void readsTheJlamaRunnersSummaryOverItsWarmUpAndPerRunLines() {
        String out = """
                jlama 0.8.4: operations=Native SIMD Operations, model dtype=BF16, working dtype=F32, model quantization=none, threads=2, load 1.8 s
                jlama tokenizer: 16 ids for a 65-char sample, round trip ok
                warm-up 1: prefill 35.4 tok/s, decode 5.6 tok/s
                run 1: prefill 41.8 tok/s, decode 4.9 tok/s (first token 106659)
                run 2: prefill 29.7 tok/s, decode 4.5 tok/s (first token 106659)
                prefill tok/s: 35.75 (median of 2 runs, 256 prompt tokens)
                decode tok/s: 4.70 (median of 2 runs, 64 generated tokens)
                peak heap MiB: 621
                """;
        assertEquals(new SpeedReport(35.75, 4.70), SpeedReport.parse(out));
    }

    @Test
    void readsTheFormsAnEngineCliMightPrint() {
        assertEquals(new SpeedReport(212.5, 23.1), SpeedReport.parse("""
                prefill: 256 tokens in 1.205 s (212.5 tokens/s)
                decode: 64 tokens in 2.771 s (23.1 tokens/s)
                peak heap: 312 MiB
                """));
        assertEquals(new SpeedReport(150.0, 20.0), SpeedReport.parse("prefill 150 tok/s | decode 20 tok/s | peak heap 300 MB"));
        assertEquals(new SpeedReport(1.5e2, 21.25), SpeedReport.parse("{\"prefill_tok_s\": 1.5e2, \"decode_tok_s\": 21.25}"));
        assertEquals(new SpeedReport(99.0, 9.5), SpeedReport.parse("Prompt processing: 99 tok/sec\nGeneration: 9.5 tokens per second"));
    }

    @Test
    void aFigureWithoutATokensPerSecondUnitIsNotARate() {
        assertThrows(IllegalArgumentException.class,
                () -> SpeedReport.parse("prefill 256 tokens in 1.2 s\ndecode 64 tokens in 3 s"));
    }

    @Test
    void aMissingPhaseIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SpeedReport.parse("prefill 120 tok/s\npeak heap 1 GB"));
        assertEquals("no decode tokens/s figure in the benchmark output", e.getMessage());
    }
}
