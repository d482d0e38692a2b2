package dev.kvrag.inference.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvrag.inference.domain.RequestLedger;
import dev.kvrag.inference.domain.RequestLedgerContract;
import dev.kvrag.testsupport.RealInfra;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ledger's rules on real Redis, where time is the keys' TTLs: a short lease, and real waiting. Plus what only
 * Redis can show: the keys as the contract names them, and a renewal that is a compare-and-set on the owner token.
 */
class RedisRequestLedgerIT extends RequestLedgerContract {

    static final Duration LEASE = Duration.ofMillis(1500);

    static RedisClient client;
    static StatefulRedisConnection<String, String> connection;

    final RedisRequestLedger ledger = new RedisRequestLedger(connection.sync(), LEASE);

    @BeforeAll
    static void connect() {
        client = RedisClient.create(RealInfra.redisUrl());
        connection = client.connect();
    }

    @AfterAll
    static void disconnect() {
        connection.close();
        client.shutdown();
    }

    @Override
    protected RequestLedger ledger() {
        return ledger;
    }

    @Override
    protected void pass(Duration time) {
        try {
            Thread.sleep(time);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @Test
    void theClaimIsTheOwnersTokenWithTheLeaseAsItsTtlThenDoneForTenMinutes() {
        RedisCommands<String, String> redis = connection.sync();
        String id = "r-" + UUID.randomUUID();
        RequestLedger.Claim claim = ledger.claim(id).orElseThrow();
        assertEquals(claim.owner(), redis.get("kvrag:request:" + id));
        long ttl = redis.pttl("kvrag:request:" + id);
        assertTrue(ttl > 0 && ttl <= LEASE.toMillis(), "ttl " + ttl);
        assertEquals("1", redis.get("kvrag:request:" + id + ":attempts"));
        assertTrue(ledger.complete(claim));
        assertEquals("done", redis.get("kvrag:request:" + id));
        assertTrue(redis.ttl("kvrag:request:" + id) > 500, "an answered request stays marked");
    }

    @Test
    void renewalIsACompareAndSetOnTheOwnerToken() {
        RedisCommands<String, String> redis = connection.sync();
        String id = "r-" + UUID.randomUUID();
        RequestLedger.Claim mine = ledger.claim(id).orElseThrow();
        // Another worker's claim in its place, as if mine had lapsed a moment ago and it took the request over.
        redis.set("kvrag:request:" + id, "someone-else", SetArgs.Builder.px(60_000));
        assertFalse(ledger.renew(mine));
        assertTrue(redis.pttl("kvrag:request:" + id) > LEASE.toMillis(), "the other claim's TTL is untouched");
        assertFalse(ledger.complete(mine));
        assertFalse(ledger.release(mine));
        assertEquals("someone-else", redis.get("kvrag:request:" + id));
    }

    @Test
    void aDoneMarkFromTheOldProtocolIsRespected() {
        String id = "r-" + UUID.randomUUID();
        // What a worker of the previous release leaves: SET … done EX 600, no attempts key.
        connection.sync().set("kvrag:request:" + id, "done", SetArgs.Builder.ex(600));
        assertTrue(ledger.claim(id).isEmpty());
    }
}
