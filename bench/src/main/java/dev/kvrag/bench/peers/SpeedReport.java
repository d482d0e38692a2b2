package dev.kvrag.bench.peers;

import java.util.Locale;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prefill and decode tokens per second as one benchmark process printed them.
 *
 * <p>Both sides print free text (Jlama's runner and our {@code bench-engine}), so the parser reads the
 * forms a person would write: {@code prefill 74.1 tok/s}, {@code prefill: 256 tokens, 74.1 tokens/s},
 * {@code prefill tok/s: 74.1}, {@code "prefill_tok_s": 74.1}. A line is cut at commas, semicolons and
 * pipes; a piece that names exactly one phase (prefill/prompt or decode/generation) and holds a
 * tokens-per-second figure sets that phase. Warm-up lines are skipped and the last figure wins, so a
 * closing summary overrides per-run lines printed before it.
 */
public record SpeedReport(double prefillTokPerS, double decodeTokPerS) {

    private static final String NUMBER = "([0-9]+(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)";
    private static final String UNIT = "(?:tok(?:en)?s?\\s*/\\s*s(?:ec)?|tok(?:en)?s?[_ ]per[_ ]s(?:ec(?:ond)?)?|tok(?:en)?s?_s|t/s)";
    private static final Pattern NUMBER_THEN_UNIT = Pattern.compile(NUMBER + "\\s*" + UNIT);
    private static final Pattern UNIT_THEN_NUMBER = Pattern.compile(UNIT + "\"?\\s*[:=]\\s*" + NUMBER);

    public static SpeedReport parse(String text) {
        OptionalDouble prefill = OptionalDouble.empty();
        OptionalDouble decode = OptionalDouble.empty();
        for (String line : text.split("\\R")) {
            String lower = line.toLowerCase(Locale.ROOT).strip();
            if (lower.startsWith("warm")) {
                continue;
            }
            for (String piece : lower.split("[,;|]")) {
                boolean isPrefill = piece.contains("prefill") || piece.contains("prompt");
                boolean isDecode = piece.contains("decode") || piece.contains("generat");
                if (isPrefill == isDecode) {
                    continue;
                }
                OptionalDouble rate = rate(piece);
                if (rate.isPresent()) {
                    if (isPrefill) {
                        prefill = rate;
                    } else {
                        decode = rate;
                    }
                }
            }
        }
        if (prefill.isEmpty() || decode.isEmpty()) {
            throw new IllegalArgumentException("no " + (prefill.isEmpty() ? "prefill" : "decode")
                    + " tokens/s figure in the benchmark output");
        }
        return new SpeedReport(prefill.getAsDouble(), decode.getAsDouble());
    }

    private static OptionalDouble rate(String piece) {
        Matcher m = NUMBER_THEN_UNIT.matcher(piece);
        if (m.find()) {
            return OptionalDouble.of(Double.parseDouble(m.group(1)));
        }
        m = UNIT_THEN_NUMBER.matcher(piece);
        if (m.find()) {
            return OptionalDouble.of(Double.parseDouble(m.group(1)));
        }
        return OptionalDouble.empty();
    }
}
