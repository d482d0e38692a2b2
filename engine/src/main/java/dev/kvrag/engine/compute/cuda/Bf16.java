package dev.kvrag.engine.compute.cuda;

import dev.kvrag.engine.model.SafetensorsWriter;

/** bfloat16 on the host: widening is exact (the top half of an fp32), narrowing rounds to nearest even. */
final class Bf16 {

  private Bf16() {
  }

  static float widen(short bits) {
    return Float.intBitsToFloat((bits & 0xffff) << 16);
  }

  static short narrow(float f) {
    return SafetensorsWriter.toBf16(f);
  }
}
