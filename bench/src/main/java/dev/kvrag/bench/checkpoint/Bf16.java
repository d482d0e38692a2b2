package dev.kvrag.bench.checkpoint;

/** bfloat16: the upper 16 bits of an IEEE-754 float32. */
public final class Bf16 {

    private Bf16() {
    }

    /**
     * Rounds to the nearest bf16, ties to even, as torch's {@code .to(torch.bfloat16)} does: adding
     * 0x7FFF plus the lowest kept bit before truncating carries exactly when the dropped half is
     * above 0x8000, or equal to it with an odd kept part.
     */
    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x0040); // keep sign, force a quiet NaN
        }
        bits += 0x7FFF + ((bits >>> 16) & 1);
        return (short) (bits >>> 16);
    }

    public static float toFloat(short bf16) {
        return Float.intBitsToFloat((bf16 & 0xFFFF) << 16);
    }
}
