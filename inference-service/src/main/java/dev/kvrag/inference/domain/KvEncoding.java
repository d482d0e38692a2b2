package dev.kvrag.inference.domain;

import dev.kvrag.common.kv.KvDtype;
import dev.kvrag.common.kv.KvQuantization;
import java.util.Locale;

/**
 * How this worker stores the chunk KV it computes: {@code f32}, {@code f16}, {@code bf16} or {@code int8} (int8 per
 * channel with f32 scales, as {@code ./kvrag fuse} writes them). Readers take any encoding: the header says which.
 */
public record KvEncoding(KvDtype dtype, KvQuantization quantization) {

    public static KvEncoding parse(String name) {
        String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        return switch (n) {
            case "f32" -> new KvEncoding(KvDtype.F32, KvQuantization.NONE);
            case "f16" -> new KvEncoding(KvDtype.F16, KvQuantization.NONE);
            case "bf16" -> new KvEncoding(KvDtype.BF16, KvQuantization.NONE);
            case "int8" -> new KvEncoding(KvDtype.F32, KvQuantization.INT8_CHANNEL);
            default -> throw new IllegalArgumentException("unknown KV encoding '" + name + "' (known: f32, f16, bf16, "
                    + "int8)");
        };
    }
}
