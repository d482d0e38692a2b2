package dev.kvrag.bench.peers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * Prints the side-by-side CPU speed table of {@code bench/cpu-vs-jlama.sh} from the outputs of its
 * rounds: per engine configuration the median prefill and decode tokens/s over the rounds with their
 * range, and ours/Jlama ratios of the medians, under the settings and machine facts that make the
 * figures reproducible. Markdown, so it pastes into docs/BENCHMARKS.md as it is.
 *
 * <p>Jlama may run in several configurations (its native C kernels, its Vector API code); each is a
 * row whose ratio cells say how many times faster ours is than that row. Our row compares against the
 * fastest Jlama row per phase, so the headline never flatters us.
 *
 * <p>{@code SpeedTable --model DIR --prompt-tokens N --gen-tokens N --threads N
 * --jlama LABEL=F1,F2.. [--jlama LABEL=..]... --engine F1,F2,.. [--jlama-error LABEL=TEXT]...
 * [--engine-error TEXT] [--load-before X] [--load-after X] [--note TEXT]...}
 */
public final class SpeedTable {

    /** One engine configuration's rounds, or why it has none. */
    public record Side(String name, List<SpeedReport> rounds, Optional<String> failure) {

        public Side {
            rounds = List.copyOf(rounds);
        }

        static Side read(String name, List<Path> outputs, String error) {
            if (error != null && !error.isBlank()) {
                return new Side(name, List.of(), Optional.of(error));
            }
            if (outputs.isEmpty()) {
                return new Side(name, List.of(), Optional.of("no rounds were run"));
            }
            List<SpeedReport> rounds = new ArrayList<>();
            for (Path p : outputs) {
                try {
                    rounds.add(SpeedReport.parse(Files.readString(p)));
                } catch (IOException | IllegalArgumentException e) {
                    return new Side(name, List.of(), Optional.of(p.getFileName() + ": " + e.getMessage()));
                }
            }
            return new Side(name, rounds, Optional.empty());
        }

        boolean measured() {
            return failure.isEmpty() && !rounds.isEmpty();
        }

        double median(ToDoubleFunction<SpeedReport> metric) {
            double[] xs = rounds.stream().mapToDouble(metric).sorted().toArray();
            int n = xs.length;
            return n % 2 == 1 ? xs[n / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2;
        }

        String cell(ToDoubleFunction<SpeedReport> metric) {
            double[] xs = rounds.stream().mapToDouble(metric).sorted().toArray();
            if (fmt(xs[0]).equals(fmt(xs[xs.length - 1]))) {
                return fmt(xs[0]);
            }
            return fmt(median(metric)) + " [" + fmt(xs[0]) + "–" + fmt(xs[xs.length - 1]) + "]";
        }
    }

    /** The settings every engine ran under. */
    public record Settings(String model, int promptTokens, int genTokens, int threads) {
    }

    private SpeedTable() {
    }

    public static String render(Settings s, MachineFacts machine, List<Side> jlamas, Side ours,
                                List<String> jlamaSetups, String loadBefore, String loadAfter, List<String> notes) {
        int rounds = ours.rounds().size();
        for (Side j : jlamas) {
            rounds = Math.max(rounds, j.rounds().size());
        }
        StringBuilder out = new StringBuilder();
        out.append("## CPU speed: kvrag engine vs Jlama\n\n");
        out.append(String.format(Locale.ROOT,
                "Checkpoint `%s` (bf16); a prompt of %d seeded token ids, %d decode steps, %d threads; "
                        + "%d round%s, the engines alternating, each round a fresh JVM; median of rounds [min–max].%n",
                s.model(), s.promptTokens(), s.genTokens(), s.threads(), rounds, rounds == 1 ? "" : "s"));
        out.append("Machine: ").append(machine.describe()).append('\n');
        if (loadBefore != null || loadAfter != null) {
            out.append("Load average (1 min): ").append(loadBefore == null ? "?" : loadBefore).append(" before, ")
                    .append(loadAfter == null ? "?" : loadAfter).append(" after.\n");
        }
        out.append('\n');
        out.append("| engine | prefill tok/s | decode tok/s | prefill ours/Jlama | decode ours/Jlama |\n");
        out.append("|---|--:|--:|--:|--:|\n");
        for (Side j : jlamas) {
            out.append(row(j, ratio(ours, List.of(j), SpeedReport::prefillTokPerS),
                    ratio(ours, List.of(j), SpeedReport::decodeTokPerS)));
        }
        out.append(row(ours, ratio(ours, jlamas, SpeedReport::prefillTokPerS),
                ratio(ours, jlamas, SpeedReport::decodeTokPerS)));
        out.append('\n');
        if (jlamas.size() > 1) {
            out.append("Ratios in a Jlama row: ours over that row. Ratios in our row: ours over the fastest Jlama row"
                    + " of that phase.\n");
        }
        for (String setup : jlamaSetups) {
            out.append("Jlama setup: ").append(setup.strip()).append('\n');
        }
        for (String note : notes) {
            out.append("Note: ").append(note).append('\n');
        }
        return out.toString();
    }

    private static String row(Side side, String prefillRatio, String decodeRatio) {
        if (!side.measured()) {
            return "| " + side.name() + " | not measured: " + side.failure().orElse("?").replace('|', '/') + " | | | |\n";
        }
        return "| " + side.name() + " | " + side.cell(SpeedReport::prefillTokPerS) + " | "
                + side.cell(SpeedReport::decodeTokPerS) + " | " + prefillRatio + " | " + decodeRatio + " |\n";
    }

    /** Ours over the fastest of {@code jlamas} that were measured, by medians; n/a when either side has none. */
    private static String ratio(Side ours, List<Side> jlamas, ToDoubleFunction<SpeedReport> metric) {
        double best = jlamas.stream().filter(Side::measured).mapToDouble(j -> j.median(metric)).max().orElse(Double.NaN);
        if (!ours.measured() || Double.isNaN(best)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.2fx", ours.median(metric) / best);
    }

    private static String fmt(double x) {
        return String.format(Locale.ROOT, x >= 100 ? "%.0f" : "%.1f", x);
    }

    /** The line Jlama's runner prints about its operations, dtypes and threads, if the outputs have one. */
    static Optional<String> jlamaSetup(List<Path> outputs) {
        for (Path p : outputs) {
            try {
                for (String line : Files.readAllLines(p)) {
                    if (line.startsWith("jlama ") && line.contains("operations=")) {
                        return Optional.of(line);
                    }
                }
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    public static void main(String[] args) {
        try {
            String model = null;
            int prompt = 0;
            int gen = 0;
            int threads = 0;
            Map<String, List<Path>> jlamaOut = new LinkedHashMap<>();
            Map<String, String> jlamaError = new LinkedHashMap<>();
            List<Path> engineOut = List.of();
            String engineError = null;
            String loadBefore = null;
            String loadAfter = null;
            List<String> notes = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value after " + flag);
                }
                String v = args[++i];
                switch (flag) {
                    case "--model" -> model = v;
                    case "--prompt-tokens" -> prompt = Integer.parseInt(v);
                    case "--gen-tokens" -> gen = Integer.parseInt(v);
                    case "--threads" -> threads = Integer.parseInt(v);
                    case "--jlama" -> jlamaOut.put(label(flag, v), paths(v.substring(v.indexOf('=') + 1)));
                    case "--jlama-error" -> jlamaError.put(label(flag, v), v.substring(v.indexOf('=') + 1));
                    case "--engine" -> engineOut = paths(v);
                    case "--engine-error" -> engineError = v;
                    case "--load-before" -> loadBefore = v;
                    case "--load-after" -> loadAfter = v;
                    case "--note" -> notes.add(v);
                    default -> throw new IllegalArgumentException("unknown option " + flag);
                }
            }
            if (model == null || prompt <= 0 || gen <= 0 || threads <= 0 || jlamaOut.isEmpty()) {
                throw new IllegalArgumentException(
                        "--model, --prompt-tokens, --gen-tokens, --threads and at least one --jlama are required");
            }
            List<Side> jlamas = new ArrayList<>();
            List<String> setups = new ArrayList<>();
            for (var e : jlamaOut.entrySet()) {
                jlamas.add(Side.read(e.getKey(), e.getValue(), jlamaError.get(e.getKey())));
                jlamaSetup(e.getValue()).ifPresent(setups::add);
            }
            Side ours = Side.read("kvrag engine", engineOut, engineError);
            System.out.print(render(new Settings(model, prompt, gen, threads), MachineFacts.current(), jlamas, ours,
                    setups, loadBefore, loadAfter, notes));
            System.exit(ours.measured() && jlamas.stream().anyMatch(Side::measured) ? 0 : 1);
        } catch (IllegalArgumentException e) {
            System.err.println("speed-table: " + e.getMessage());
            System.exit(2);
        }
    }

    private static String label(String flag, String labelled) {
        int eq = labelled.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException(flag + " takes LABEL=VALUE, got " + labelled);
        }
        return labelled.substring(0, eq);
    }

    private static List<Path> paths(String commaSeparated) {
        return commaSeparated.isBlank() ? List.of()
                : Arrays.stream(commaSeparated.split(",")).map(String::strip).map(Path::of).toList();
    }
}
