package dev.kvrag.cache.infra;

import dev.kvrag.cache.CacheProperties;
import dev.kvrag.cache.domain.KvEventLog;
import dev.kvrag.cache.domain.KvStoreAdmin;
import dev.kvrag.cache.domain.WorkerResidency;
import dev.kvrag.kvstore.events.KvEventSource;
import dev.kvrag.kvstore.redis.RedisChunkKvStore;
import dev.kvrag.service.redis.KvStoreRedisClient;
import io.lettuce.core.RedisClient;
import java.net.InetAddress;
import java.net.UnknownHostException;
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
        return KvStoreRedisClient.create(redis, properties.redisTimeout());
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
