package dev.kvrag.service.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import java.time.Duration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;

/**
 * The kv-store's own Lettuce client (binary values, Lua scripts) on the Redis that {@code spring.data.redis.*}
 * names, the one Boot's health check uses: the store cannot share Boot's String-typed connection factory.
 */
public final class KvStoreRedisClient {

    private KvStoreRedisClient() {
    }

    /**
     * @param commandTimeout the service's {@code redis-timeout}
     */
    public static RedisClient create(DataRedisProperties redis, Duration commandTimeout) {
        RedisURI uri;
        if (redis.getUrl() != null) {
            uri = RedisURI.create(redis.getUrl());
        } else {
            RedisURI.Builder b = RedisURI.builder().withHost(redis.getHost()).withPort(redis.getPort())
                    .withDatabase(redis.getDatabase());
            if (redis.getPassword() != null) {
                b = redis.getUsername() != null
                        ? b.withAuthentication(redis.getUsername(), redis.getPassword())
                        : b.withPassword(redis.getPassword().toCharArray());
            }
            uri = b.build();
        }
        uri.setTimeout(commandTimeout);
        RedisClient client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(2)).build()).build());
        return client;
    }
}
