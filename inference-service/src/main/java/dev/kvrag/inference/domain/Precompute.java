package dev.kvrag.inference.domain;

import dev.kvrag.common.events.ChunkEvent;
import dev.kvrag.common.events.EventFormatException;
import dev.kvrag.kvstore.ChunkKvId;
import dev.kvrag.kvstore.Removal;
import java.util.List;
import java.util.Locale;

/**
 * Follows the {@code chunks} topic so that the first question over a freshly ingested document already hits: each
 * chunk of the served model is encoded after the prefix and stored (local tier and Redis, announced as kv-events),
 * unless Redis already holds it; a tombstone removes the chunk's KV from every tier. Chunks cut for another model or
 * tokenizer are not this worker's to encode and are skipped.
 */
public final class Precompute {

    /** What one record led to. */
    public enum Result {
        /** Encoded and stored. */
        STORED,
        /** Redis already held it; only its chunk id was filed. */
        PRESENT,
        /** A tombstone; the chunk's KV was removed. */
        REMOVED,
        /** A tombstone for a chunk whose KV was not stored. */
        ABSENT,
        /** Cut for another model or tokenizer. */
        FOREIGN,
        /** Unreadable, or ids the model cannot read. */
        REJECTED,
        /** The store refused or failed; the chunk is computed when a request first needs it. */
        FAILED;

        /** Lower case, for metric labels. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** @param detail why, for REJECTED, FAILED and FOREIGN; else empty */
    public record Outcome(String chunkId, Result result, KvTraffic traffic, String detail) {
    }

    private final ServedModel model;
    private final StoredChunks stored;

    public Precompute(ServedModel model, StoredChunks stored) {
        this.model = model;
        this.stored = stored;
    }

    /**
     * Applies one record of the chunks topic.
     *
     * @param chunkId the record key
     * @param value the record value; null for a tombstone
     */
    public Outcome apply(String chunkId, byte[] value) {
        if (value == null) {
            return tombstone(chunkId);
        }
        ChunkEvent chunk;
        try {
            chunk = ChunkEvent.fromJson(value);
        } catch (EventFormatException e) {
            return new Outcome(chunkId, Result.REJECTED, KvTraffic.NONE, e.getMessage());
        }
        if (!chunk.modelId().equals(model.id()) || !chunk.tokenizerId().equals(model.tokenizerId())) {
            return new Outcome(chunk.chunkId(), Result.FOREIGN, KvTraffic.NONE, "model '" + chunk.modelId()
                    + "', tokenizer " + chunk.tokenizerId() + "; this worker serves '" + model.id() + "', tokenizer "
                    + model.tokenizerId());
        }
        int[] tokens = chunk.tokenIds();
        for (int t : tokens) {
            if (t >= model.vocabSize()) {
                return new Outcome(chunk.chunkId(), Result.REJECTED, KvTraffic.NONE, "token id " + t
                        + " is outside the vocabulary [0, " + model.vocabSize() + ")");
            }
        }
        ChunkKvId id = model.chunkKvId(tokens);
        try {
            if (stored.inSharedTier(id)) {
                stored.file(chunk.chunkId(), id);
                return new Outcome(chunk.chunkId(), Result.PRESENT, KvTraffic.NONE, "");
            }
            byte[] blob = model.encodeChunk(id, tokens);
            StoredChunks.Stored s = stored.store(chunk.chunkId(), chunk.documentId(), id, blob);
            return new Outcome(chunk.chunkId(), Result.STORED, s.traffic(), "");
        } catch (RuntimeException e) {
            return new Outcome(chunk.chunkId(), Result.FAILED, KvTraffic.NONE, e.getClass().getSimpleName() + ": "
                    + e.getMessage());
        }
    }

    private Outcome tombstone(String chunkId) {
        try {
            List<Removal> removed = stored.remove(chunkId);
            return new Outcome(chunkId, removed.isEmpty() ? Result.ABSENT : Result.REMOVED, KvTraffic.NONE, "");
        } catch (RuntimeException e) {
            return new Outcome(chunkId, Result.FAILED, KvTraffic.NONE, e.getClass().getSimpleName() + ": "
                    + e.getMessage());
        }
    }
}
