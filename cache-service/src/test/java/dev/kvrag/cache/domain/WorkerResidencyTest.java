package dev.kvrag.cache.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.kvrag.common.events.KvEvent;
import dev.kvrag.common.events.KvEventType;
import dev.kvrag.common.events.KvRemovalReason;
import dev.kvrag.common.events.KvTier;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkerResidencyTest {

    private static final Instant T0 = Instant.parse("2026-11-23T12:00:00Z");
    private static final String A = "a".repeat(64);
    private static final String B = "b".repeat(64);

    private static KvEvent local(KvEventType type, String worker, String chunkKey, long bytes) {
        return new KvEvent(worker + type + chunkKey, worker, 0, T0, type,
                type == KvEventType.DROPPED_FROM_WORKER ? KvRemovalReason.BUDGET : null, "demo", chunkKey,
                List.of("doc"), KvTier.LOCAL, bytes, 16, worker);
    }

    @Test
    void residentAndDroppedEventsTrackWhoHoldsWhat() {
        WorkerResidency r = new WorkerResidency();
        r.apply(local(KvEventType.RESIDENT_ON_WORKER, "w1", A, 100), T0);
        r.apply(local(KvEventType.RESIDENT_ON_WORKER, "w1", B, 50), T0);
        r.apply(local(KvEventType.RESIDENT_ON_WORKER, "w2", A, 100), T0);
        assertThat(r.holders("demo", A)).containsExactly("w1", "w2");
        assertThat(r.bytes()).isEqualTo(250);
        assertThat(r.entries()).isEqualTo(3);

        r.apply(local(KvEventType.DROPPED_FROM_WORKER, "w1", A, 100), T0.plusSeconds(1));
        assertThat(r.holders("demo", A)).containsExactly("w2");
        assertThat(r.workers()).extracting(WorkerResidency.Worker::workerId, WorkerResidency.Worker::bytes)
                .containsExactly(tuple("w1", 50L), tuple("w2", 100L));
    }

    @Test
    void aResidentReportRepeatedIsCountedOnce() {
        WorkerResidency r = new WorkerResidency();
        r.apply(local(KvEventType.RESIDENT_ON_WORKER, "w1", A, 100), T0);
        r.apply(local(KvEventType.RESIDENT_ON_WORKER, "w1", A, 100), T0.plusSeconds(60));
        assertThat(r.entries()).isEqualTo(1);
        assertThat(r.bytes()).isEqualTo(100);
    }

    @Test
    void eventsAboutTheRedisTierChangeNothing() {
        WorkerResidency r = new WorkerResidency();
        KvEvent stored = new KvEvent("e", "cache-service", 0, T0, KvEventType.STORED, null, "demo", A,
                List.of("doc"), KvTier.REDIS, 100, 16, null);
        assertThat(r.apply(stored, T0)).isFalse();
        assertThat(r.workers()).isEmpty();
    }

    @Test
    void aWorkerSilentPastTheCutoffIsForgotten() {
        WorkerResidency r = new WorkerResidency();
        r.apply(local(KvEventType.RESIDENT_ON_WORKER, "old", A, 100), T0);
        r.apply(local(KvEventType.RESIDENT_ON_WORKER, "live", B, 100), T0.plusSeconds(600));
        assertThat(r.forgetSilentSince(T0.plusSeconds(300))).containsExactly("old");
        assertThat(r.holders("demo", A)).isEmpty();
        assertThat(r.holders("demo", B)).containsExactly("live");
    }
}
