package dev.kvrag.common.events;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One change in where a chunk's KV lives, published on {@link Topics#KV_EVENTS} keyed by {@link #key()}: the
 * chunk key, so every event of one chunk lands on one partition in order; a document-wide removal (no chunk
 * key) is keyed by its document id.
 *
 * <p>{@code (source, sequence)} orders one publisher's events and identifies a duplicate on replay;
 * {@code eventId} is unique on its own. A document-wide removal has neither model id nor chunk key nor tier: it
 * tells every tier of every worker to drop whatever it holds of that document, including copies the shared
 * store had already evicted.
 *
 * @param source the publishing process (a worker id, {@code cache-service@host})
 * @param sequence per-source counter, strictly increasing
 * @param reason why a copy went away; present exactly for {@link KvEventType#isRemoval() removals}
 * @param documentIds the documents the chunk belongs to (identical chunks of two documents share one entry)
 * @param tier the tier the event is about; {@code null} only for a document-wide removal
 * @param bytes the blob's size
 * @param tokens the chunk's token count
 * @param workerId the worker whose local tier the event is about; present exactly when {@code tier} is LOCAL
 */
public record KvEvent(
        String eventId,
        String source,
        long sequence,
        Instant timestamp,
        KvEventType type,
        KvRemovalReason reason,
        String modelId,
        String chunkKey,
        List<String> documentIds,
        KvTier tier,
        long bytes,
        int tokens,
        String workerId) {

    public KvEvent {
        requireText(eventId, "event id");
        requireText(source, "source");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(type, "type");
        documentIds = List.copyOf(Objects.requireNonNull(documentIds, "document ids"));
        if (sequence < 0 || bytes < 0 || tokens < 0) {
            throw new IllegalArgumentException("KV event with a negative sequence, bytes or tokens: " + sequence
                    + ", " + bytes + ", " + tokens);
        }
        if (type.isRemoval() != (reason != null)) {
            throw new IllegalArgumentException(type.isRemoval()
                    ? "a " + type.wireName() + " event needs a reason"
                    : "a " + type.wireName() + " event has no reason, got " + reason.wireName());
        }
        if (modelId == null && chunkKey == null) {
            if (type != KvEventType.REMOVED || reason != KvRemovalReason.DOCUMENT_DELETED || documentIds.size() != 1
                    || tier != null || workerId != null) {
                throw new IllegalArgumentException("only a removal for a deleted document, naming that one document "
                        + "and no tier or worker, may leave out the model id and chunk key");
            }
        } else {
            requireText(modelId, "model id");
            requireText(chunkKey, "chunk key");
            Objects.requireNonNull(tier, "tier");
            if ((tier == KvTier.LOCAL) != (workerId != null)) {
                throw new IllegalArgumentException("a worker id is given exactly for events about a worker's local "
                        + "tier; tier " + tier.wireName() + ", worker id " + workerId);
            }
            if ((type == KvEventType.RESIDENT_ON_WORKER || type == KvEventType.DROPPED_FROM_WORKER)
                    && tier != KvTier.LOCAL) {
                throw new IllegalArgumentException("a " + type.wireName() + " event is about the local tier, not "
                        + tier.wireName());
            }
        }
    }

    /** A removal of everything held for one document, in every tier. */
    public boolean isDocumentWide() {
        return chunkKey == null;
    }

    /** The Kafka record key: the chunk key, or the document id of a document-wide removal. */
    public String key() {
        return isDocumentWide() ? documentIds.getFirst() : chunkKey;
    }

    private static void requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("KV event without a " + what);
        }
    }
}
