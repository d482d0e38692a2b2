package dev.kvrag.testsupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RedisRoundTripIT {

    private static RedisClient client;

    @BeforeAll
    static void connect() {
        client = RedisClient.create(RealInfra.redisUrl());
    }

    @AfterAll
    static void disconnect() {
        client.shutdown();
    }

    @Test
    void aBinaryValueWrittenUnderAKeyIsReadBackByteForByte() {
        // KV blobs are raw bytes: every byte value, including 0x00 and invalid UTF-8, must survive.
        byte[] blob = new byte[64 * 1024];
        new Random(7).nextBytes(blob);
        byte[] key = ("kvrag:test:" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        try (StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE)) {
            var redis = connection.sync();
            assertEquals("OK", redis.set(key, blob, SetArgs.Builder.ex(60)));
            try {
                assertArrayEquals(blob, redis.get(key));
                long ttl = redis.ttl(key);
                assertTrue(ttl > 0 && ttl <= 60, "expiry set with the value, got ttl " + ttl);
            } finally {
                redis.del(key);
            }
            assertNull(redis.get(key));
        }
    }

    @Test
    void aHashFieldIsWrittenAndReadBack() {
        String key = "kvrag:test:meta:" + UUID.randomUUID();
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            var redis = connection.sync();
            try {
                redis.hset(key, "tokens", "256");
                assertEquals("256", redis.hget(key, "tokens"));
                assertEquals(1L, redis.hincrby(key, "hits", 1));
                assertEquals(2L, redis.hincrby(key, "hits", 1));
            } finally {
                redis.del(key);
            }
        }
    }
}
