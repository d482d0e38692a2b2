package dev.kvrag.inference.infra;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a missing model into Boot's "APPLICATION FAILED TO START" report (description and action) instead of a
 * bean-creation stack trace. Registered in {@code META-INF/spring.factories}.
 */
final class ModelNotFoundFailureAnalyzer extends AbstractFailureAnalyzer<ModelNotFoundException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, ModelNotFoundException cause) {
        return new FailureAnalysis(cause.getMessage(), "Set kvrag.inference.model-dir (environment KVRAG_MODEL_DIR) to "
                + "a model directory: config.json, model.safetensors and tokenizer.json.", cause);
    }
}
