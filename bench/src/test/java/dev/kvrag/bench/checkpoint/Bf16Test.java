package dev.kvrag.bench.checkpoint;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Bf16Test {

    @Test
    void valuesWithEightSignificantBitsSurviveExactly() {
        for (float f : new float[] {0f, -0f, 1f, -2.5f, 0.015625f, 65280f, Float.POSITIVE_INFINITY}) {
            assertEquals(f, Bf16.toFloat(Bf16.fromFloat(f)));
        }
    }

    @Test
    void roundsToTheNearestBf16() {
        // 1 + 2^-8 + 2^-10 lies above the midpoint between 1 and 1 + 2^-7: it rounds up.
        assertEquals(1f + 0x1p-7f, Bf16.toFloat(Bf16.fromFloat(1f + 0x1p-8f + 0x1p-10f)));
        // 1 + 2^-9 lies below the midpoint: it rounds down.
        assertEquals(1f, Bf16.toFloat(Bf16.fromFloat(1f + 0x1p-9f)));
    }

    @Test
    void tiesGoToTheEvenNeighbour() {
        // 1 + 2^-8 is halfway between 1 (even mantissa) and 1 + 2^-7 (odd): goes down to 1.
        assertEquals(1f, Bf16.toFloat(Bf16.fromFloat(1f + 0x1p-8f)));
        // 1 + 3*2^-8 is halfway between 1 + 2^-7 (odd) and 1 + 2^-6 (even): goes up.
        assertEquals(1f + 0x1p-6f, Bf16.toFloat(Bf16.fromFloat(1f + 3 * 0x1p-8f)));
    }

    @Test
    void nanStaysNanInsteadOfRoundingIntoInfinity() {
        assertTrue(Float.isNaN(Bf16.toFloat(Bf16.fromFloat(Float.NaN))));
        assertTrue(Float.isNaN(Bf16.toFloat(Bf16.fromFloat(Float.intBitsToFloat(0x7F800001)))));
    }
}
