package dev.kvrag.kvstore.events;

import dev.kvrag.common.events.KvEvent;
import dev.kvrag.common.events.KvEventType;
import dev.kvrag.common.events.KvRemovalReason;
import dev.kvrag.common.events.KvTier;
import dev.kvrag.kvstore.EntryMetadata;
import dev.kvrag.kvstore.PutOutcome;
import dev.kvrag.kvstore.Removal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The kv-events of one publishing process: each gets a fresh event id, this source's next sequence number and the
 * time. Events about the local tier name this source as the worker, since a worker reports only its own tier.
 *
 * <p>Which type a store outcome becomes: a put is {@code stored} (Redis) or {@code resident-on-worker} (local); a
 * removal from the local tier is {@code dropped-from-worker}; one from Redis is {@code removed} when someone asked
 * for it (explicit, document deleted), so workers drop their copies too, else {@code evicted}.
 */
public final class KvEventSource {

    private final String source;
    private final Clock clock;
    private final AtomicLong sequence = new AtomicLong();

    public KvEventSource(String source, Clock clock) {
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException("a kv-event source needs a name (a worker id, the service instance)");
        }
        this.source = source;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public KvEventSource(String source) {
        this(source, Clock.systemUTC());
    }

    public String source() {
        return source;
    }

    /** The events of one put: where it is now stored, then what was evicted for it. */
    public List<KvEvent> of(PutOutcome put) {
        List<KvEvent> events = new ArrayList<>(put.storedIn().size() + put.evicted().size());
        for (KvTier tier : put.storedIn()) {
            KvEventType type = tier == KvTier.LOCAL ? KvEventType.RESIDENT_ON_WORKER : KvEventType.STORED;
            events.add(event(type, null, put.id().modelId(), put.id().chunkKey().hex(), put.documentIds(), tier,
                    put.bytes(), put.tokens()));
        }
        events.addAll(of(put.evicted()));
        return events;
    }

    public List<KvEvent> of(List<Removal> removals) {
        List<KvEvent> events = new ArrayList<>(removals.size());
        for (Removal r : removals) {
            events.add(of(r));
        }
        return events;
    }

    public KvEvent of(Removal r) {
        KvEventType type;
        if (r.tier() == KvTier.LOCAL) {
            type = KvEventType.DROPPED_FROM_WORKER;
        } else if (r.reason() == KvRemovalReason.EXPLICIT || r.reason() == KvRemovalReason.DOCUMENT_DELETED) {
            type = KvEventType.REMOVED;
        } else {
            type = KvEventType.EVICTED;
        }
        return event(type, r.reason(), r.id().modelId(), r.id().chunkKey().hex(), r.documentIds(), r.tier(),
                r.bytes(), r.tokens());
    }

    /** A worker's report that its local tier holds the entry (on start-up or on request, not only on a put). */
    public KvEvent resident(EntryMetadata held) {
        return event(KvEventType.RESIDENT_ON_WORKER, null, held.id().modelId(), held.id().chunkKey().hex(),
                held.documentIds(), KvTier.LOCAL, held.bytes(), held.tokens());
    }

    /** Tells every tier of every worker to drop what it holds of a deleted document. */
    public KvEvent documentRemoved(String documentId) {
        return event(KvEventType.REMOVED, KvRemovalReason.DOCUMENT_DELETED, null, null, List.of(documentId), null, 0,
                0);
    }

    private KvEvent event(KvEventType type, KvRemovalReason reason, String modelId, String chunkKey,
                          List<String> documentIds, KvTier tier, long bytes, int tokens) {
        return new KvEvent(UUID.randomUUID().toString(), source, sequence.getAndIncrement(), clock.instant(), type,
                reason, modelId, chunkKey, documentIds, tier, bytes, tokens, tier == KvTier.LOCAL ? source : null);
    }
}
