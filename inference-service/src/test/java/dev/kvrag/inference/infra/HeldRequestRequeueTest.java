package dev.kvrag.inference.infra;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvrag.inference.domain.Outcome;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HeldRequestRequeueTest {

    private static final byte[] VALUE = "{\"requestId\":\"r-1\"}".getBytes(StandardCharsets.UTF_8);

    record Published(String requestId, byte[] value) {
    }

    @Test
    void aHeldDeliveryComesBackOnceTheLeaseAndTheMarginHavePassed() throws InterruptedException {
        List<Published> published = new CopyOnWriteArrayList<>();
        try (HeldRequestRequeue requeue = new HeldRequestRequeue(publishInto(published), System::currentTimeMillis)) {
            long start = System.currentTimeMillis();
            Duration lease = Duration.ofMillis(50);
            assertTrue(requeue.later(new Outcome.Held("r-1", lease, start + 60_000), VALUE));
            Thread.sleep(lease.toMillis() + HeldRequestRequeue.MARGIN_MS / 2);
            assertTrue(published.isEmpty(), "not before the margin has passed too");
            long waited = waitFor(published, 1, 10_000);
            assertEquals(1, published.size());
            assertEquals("r-1", published.getFirst().requestId());
            assertArrayEquals(VALUE, published.getFirst().value());
            assertTrue(waited - start >= lease.toMillis() + HeldRequestRequeue.MARGIN_MS, "came back too soon");
        }
    }

    @Test
    void nothingComesBackWhenTheDeadlineComesFirst() throws InterruptedException {
        List<Published> published = new CopyOnWriteArrayList<>();
        AtomicLong clock = new AtomicLong(1_000_000);
        try (HeldRequestRequeue requeue = new HeldRequestRequeue(publishInto(published), clock::get)) {
            Duration lease = Duration.ofSeconds(30);
            long deadline = clock.get() + lease.toMillis();  // before lease + margin
            assertFalse(requeue.later(new Outcome.Held("r-1", lease, deadline), VALUE));
            // scheduled in time, but the deadline passes while it waits
            Duration shortLease = Duration.ofMillis(10);
            assertTrue(requeue.later(new Outcome.Held("r-2", shortLease, clock.get() + 5_000), VALUE));
            clock.addAndGet(10_000);
            Thread.sleep(shortLease.toMillis() + HeldRequestRequeue.MARGIN_MS + 500);
            assertTrue(published.isEmpty(), published::toString);
        }
    }

    private static HeldRequestRequeue.Publisher publishInto(List<Published> published) {
        return (id, v) -> {
            published.add(new Published(id, v));
            return CompletableFuture.completedFuture(null);
        };
    }

    private static long waitFor(List<Published> published, int count, long timeoutMs) throws InterruptedException {
        long until = System.currentTimeMillis() + timeoutMs;
        while (published.size() < count && System.currentTimeMillis() < until) {
            Thread.sleep(10);
        }
        return System.currentTimeMillis();
    }
}
