package dev.kvrag.inference.infra;

/** No model to serve: start-up stops, and {@link ModelNotFoundFailureAnalyzer} says so as the headline. */
final class ModelNotFoundException extends IllegalStateException {

    ModelNotFoundException(String message) {
        super(message);
    }
}
