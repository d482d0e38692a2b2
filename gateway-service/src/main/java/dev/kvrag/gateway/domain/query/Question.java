package dev.kvrag.gateway.domain.query;

import java.util.List;

/**
 * A question as checked by {@link QuestionRules}: every field within its limits, defaults filled in.
 *
 * @param mode a fusion plan spec that {@code FusionPlan.parse} accepts, e.g. {@code cacheblend:ratio=0.15}
 * @param documentIds when not empty, retrieval ranks only chunks of these documents
 * @param stream whether the worker writes each token to the result stream as it is generated
 */
public record Question(String text, int k, String mode, int maxTokens, List<String> documentIds, double temperature,
                       long seed, boolean stream) {

    public Question {
        documentIds = List.copyOf(documentIds);
    }

    /** The mode's name without parameters or SnapKV ({@code cacheblend}): few values, fit for a metric tag. */
    public String modeName() {
        int end = mode.length();
        for (char c : new char[] {':', '+'}) {
            int at = mode.indexOf(c);
            if (at >= 0) {
                end = Math.min(end, at);
            }
        }
        return mode.substring(0, end).strip();
    }
}
