package dev.kvrag.retrieval.domain.index;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reciprocal rank fusion (Cormack, Clarke and Büttcher, SIGIR 2009): score(d) = Σ_r 1 / (K + rank_r(d)), rank
 * counted from 1, a ranking that misses d adding nothing. It needs no score calibration between BM25 and cosine,
 * whose scales have nothing in common. K = 60 is the paper's constant: large enough that the top few ranks of
 * one list do not drown agreement between lists. Ties go to the better single rank, then to the smaller id, so the
 * order is deterministic.
 */
public final class ReciprocalRankFusion {

    public static final int K = 60;

    /** A fused entry: its id, score and best rank in any list. */
    public record Fused(String id, double score, int bestRank) {
    }

    private ReciprocalRankFusion() {
    }

    /** @param rankings ids, best first; an id appears at most once per ranking */
    public static List<Fused> fuse(List<List<String>> rankings) {
        Map<String, double[]> acc = new HashMap<>(); // id -> {score, best rank}
        for (List<String> ranking : rankings) {
            for (int i = 0; i < ranking.size(); i++) {
                int rank = i + 1;
                double[] a = acc.computeIfAbsent(ranking.get(i), id -> new double[] {0, Integer.MAX_VALUE});
                a[0] += 1.0 / (K + rank);
                a[1] = Math.min(a[1], rank);
            }
        }
        List<Fused> fused = new ArrayList<>(acc.size());
        acc.forEach((id, a) -> fused.add(new Fused(id, a[0], (int) a[1])));
        fused.sort(Comparator.comparingDouble(Fused::score).reversed()
                .thenComparingInt(Fused::bestRank)
                .thenComparing(Fused::id));
        return fused;
    }
}
