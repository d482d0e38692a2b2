package dev.kvrag.inference.domain;

import dev.kvrag.common.events.InferenceResult;

/**
 * Where a request's results go: its result stream ({@link InferenceResult#streamKey}), token entries as they are
 * decoded, then one {@code done} or {@code error} entry, each marked with the attempt that wrote it. A {@code done}
 * also goes to the audit log. Implemented on Redis Streams and Kafka in {@code infra/}; failures propagate (the
 * request is then redelivered). Token entries may be written in the background: a failed one surfaces at the latest
 * from the request's {@code done} or {@code error}.
 */
public interface Results {

    void token(String requestId, InferenceResult.Token token);

    void done(InferenceResult.Done done);

    void failed(String requestId, InferenceResult.Failure failure);

    /**
     * The attempt ends without a final entry (its claim lapsed and a later attempt answers): its token writes not
     * yet acknowledged are no longer waited for.
     */
    void abandon(String requestId);
}
