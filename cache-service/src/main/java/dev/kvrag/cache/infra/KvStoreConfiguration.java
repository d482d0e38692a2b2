package dev.kvrag.cache.infra;

import dev.kvrag.cache.CacheProperties;
import dev.kvrag.cache.domain.KvEventLog;
import dev.kvrag.cache.domain.KvStoreAdmin;
import dev.kvrag.cache.domain.WorkerResidency;
import dev.kvrag.kvstore.events.KvEventSource;
import dev.kvrag.kvstore.redis.RedisChunkKvStore;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The store's own Lettuce client (binary values, Lua scripts) on the Redis that {@code spring.data.redis.*} names,
 * the one Boot's health check uses; and the domain objects around it.
 */
@Configuration(proxyBeanMethods = false)
class KvStoreConfiguration {

    @Bean(destroyMethod = "shutdown")
    RedisClient kvStoreRedisClient(DataRedisProperties redis, CacheProperties properties) {
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
        uri.setTimeout(properties.redisTimeout());
        RedisClient client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(2)).build()).build());
        return client;
    }

    @Bean(destroyMethod = "close")
    RedisChunkKvStore redisChunkKvStore(RedisClient kvStoreRedisClient, CacheProperties properties) {
        return RedisChunkKvStore.connect(kvStoreRedisClient, properties.keyNamespace());
    }

    @Bean
    KvEventSource kvEventSource(CacheProperties properties) {
        String id = properties.instanceId();
        return new KvEventSource(id.isBlank() ? "cache-service@" + hostName() : id);
    }

    @Bean
    KvStoreAdmin kvStoreAdmin(RedisChunkKvStore store, KvEventSource source, KvEventLog log,
                              CacheProperties properties) {
        return new KvStoreAdmin(store, source, log, properties.storeSettings());
    }

    @Bean
    WorkerResidency workerResidency() {
        return new WorkerResidency();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }
}
