package dev.kvrag.cache.domain;

import dev.kvrag.common.events.KvEvent;
import dev.kvrag.common.events.KvEventType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who holds what in the workers' local tiers, from their resident-on-worker and dropped-from-worker events. The
 * events of one chunk share a partition (keyed by chunk key), so a worker's resident and dropped of one chunk
 * arrive in order. A worker that goes silent (it died without dropping anything) is forgotten after an idle
 * timeout; live workers re-announce what they hold more often than that.
 */
public final class WorkerResidency {

    /** One chunk in one worker's local tier. */
    public record Held(String modelId, String chunkKey, long bytes, int tokens, List<String> documentIds) {
    }

    /** One worker's local tier in totals. */
    public record Worker(String workerId, long entries, long bytes, Instant lastHeardFrom) {
    }

    private record Tier(Map<String, Held> held, Instant lastHeardFrom) {
    }

    private final Map<String, Tier> workers = new ConcurrentHashMap<>();

    /** Applies a worker-tier event; false for events about other tiers, which change nothing here. */
    public boolean apply(KvEvent event, Instant receivedAt) {
        if (event.workerId() == null) {
            return false;
        }
        String member = event.modelId() + ":" + event.chunkKey();
        workers.compute(event.workerId(), (id, tier) -> {
            Map<String, Held> held = tier == null ? new ConcurrentHashMap<>() : tier.held();
            if (event.type() == KvEventType.RESIDENT_ON_WORKER) {
                held.put(member, new Held(event.modelId(), event.chunkKey(), event.bytes(), event.tokens(),
                        event.documentIds()));
            } else if (event.type() == KvEventType.DROPPED_FROM_WORKER) {
                held.remove(member);
            }
            return new Tier(held, receivedAt);
        });
        return true;
    }

    public List<Worker> workers() {
        List<Worker> out = new ArrayList<>();
        workers.forEach((id, tier) -> out.add(new Worker(id, tier.held().size(),
                tier.held().values().stream().mapToLong(Held::bytes).sum(), tier.lastHeardFrom())));
        out.sort(Comparator.comparing(Worker::workerId));
        return out;
    }

    /** The workers holding the chunk, by id. */
    public List<String> holders(String modelId, String chunkKey) {
        String member = modelId + ":" + chunkKey;
        return workers.entrySet().stream().filter(e -> e.getValue().held().containsKey(member)).map(Map.Entry::getKey)
                .sorted().toList();
    }

    public long bytes() {
        return workers().stream().mapToLong(Worker::bytes).sum();
    }

    public long entries() {
        return workers().stream().mapToLong(Worker::entries).sum();
    }

    /** Forgets workers not heard from since {@code cutoff}; returns their ids. */
    public List<String> forgetSilentSince(Instant cutoff) {
        List<String> forgotten = new ArrayList<>();
        workers.forEach((id, tier) -> {
            if (tier.lastHeardFrom().isBefore(cutoff) && workers.remove(id, tier)) {
                forgotten.add(id);
            }
        });
        return forgotten;
    }
}
