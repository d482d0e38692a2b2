package dev.kvrag.gateway.domain.query;

import dev.kvrag.common.events.ChunkId;
import dev.kvrag.engine.compress.FusionPlan;
import dev.kvrag.engine.fusion.FusionModes;
import dev.kvrag.gateway.domain.Problem;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The limits a question must keep, and its defaults. The mode is checked by {@code FusionPlan.parse}, the parser the
 * workers run, so a mode the gateway accepts is one a worker can serve.
 */
public final class QuestionRules {

    /** Sampling temperatures beyond this are noise on any model. */
    static final double MAX_TEMPERATURE = 2.0;

    private final int defaultK;
    private final int maxK;
    private final int maxQuestionChars;
    private final String defaultMode;
    private final int defaultMaxTokens;
    private final int maxMaxTokens;
    private final int maxDocumentIds;

    public QuestionRules(int defaultK, int maxK, int maxQuestionChars, String defaultMode, int defaultMaxTokens,
                         int maxMaxTokens, int maxDocumentIds) {
        if (defaultK < 1 || defaultK > maxK) {
            throw new IllegalArgumentException("default k " + defaultK + " must be between 1 and max k " + maxK);
        }
        if (defaultMaxTokens < 1 || defaultMaxTokens > maxMaxTokens) {
            throw new IllegalArgumentException("default max tokens " + defaultMaxTokens + " must be between 1 and "
                    + maxMaxTokens);
        }
        this.defaultK = defaultK;
        this.maxK = maxK;
        this.maxQuestionChars = maxQuestionChars;
        this.defaultMode = checkedMode(defaultMode, "the configured default mode");
        this.defaultMaxTokens = defaultMaxTokens;
        this.maxMaxTokens = maxMaxTokens;
        this.maxDocumentIds = maxDocumentIds;
    }

    /**
     * Checks a question's fields (null: absent, take the default).
     *
     * @throws Problem 413 for a question that is too long, 400 naming the field for anything else
     */
    public Question check(String text, Integer k, String mode, Integer maxTokens, List<String> documentIds,
                          Double temperature, Long seed, boolean stream) {
        if (text == null || text.isBlank()) {
            throw Problem.invalid("question is missing or blank");
        }
        String question = text.strip();
        if (question.length() > maxQuestionChars) {
            throw Problem.tooLarge("question has " + question.length() + " characters; at most " + maxQuestionChars
                    + " are allowed");
        }
        int hits = k == null ? defaultK : k;
        if (hits < 1 || hits > maxK) {
            throw Problem.invalid("k must be between 1 and " + maxK + ", got " + hits);
        }
        int tokens = maxTokens == null ? defaultMaxTokens : maxTokens;
        if (tokens < 1 || tokens > maxMaxTokens) {
            throw Problem.invalid("maxTokens must be between 1 and " + maxMaxTokens + ", got " + tokens);
        }
        double t = temperature == null ? 0.0 : temperature;
        if (!(t >= 0 && t <= MAX_TEMPERATURE)) {
            throw Problem.invalid("temperature must be between 0 and " + MAX_TEMPERATURE + ", got " + t);
        }
        return new Question(question, hits, mode == null ? defaultMode : checkedMode(mode, "mode"), tokens,
                documentIds(documentIds), t, seed == null ? 0 : seed, stream);
    }

    private List<String> documentIds(List<String> ids) {
        if (ids == null) {
            return List.of();
        }
        if (ids.size() > maxDocumentIds) {
            throw Problem.invalid("documentIds has " + ids.size() + " entries; at most " + maxDocumentIds
                    + " are allowed");
        }
        LinkedHashSet<String> unique = new LinkedHashSet<>();
        for (int i = 0; i < ids.size(); i++) {
            try {
                unique.add(ChunkId.requireDocumentId(ids.get(i)));
            } catch (IllegalArgumentException e) {
                throw Problem.invalid("documentIds[" + i + "]: " + e.getMessage());
            }
        }
        return new ArrayList<>(unique);
    }

    private static String checkedMode(String spec, String what) {
        String s = spec == null ? "" : spec.strip();
        if (s.isEmpty()) {
            throw Problem.invalidMode(what + " is blank; modes: " + String.join(", ", FusionModes.NAMES));
        }
        try {
            FusionPlan.parse(s);
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            throw Problem.invalidMode(what + " '" + s + "': " + message
                    + (message.contains("modes:") ? "" : "; modes: " + String.join(", ", FusionModes.NAMES)));
        }
        return s;
    }
}
