package dev.kvrag.inference.infra;

import dev.kvrag.inference.domain.ChunkKeys;
import dev.kvrag.kvstore.ChunkKvId;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.Optional;

/**
 * {@code <ns>kvchunk:<modelId>:<chunkId>} → the entry ({@code <modelId>:<chunkKey>}) that holds the chunk id's
 * current KV under the served model, beside the kv-store's own keys. Per model: workers of two models file the same
 * chunk id under different keys. {@code SET … GET} and {@code GETDEL} (Redis 6.2+) read and change it in one step.
 */
final class RedisChunkKeys implements ChunkKeys {

    private final RedisCommands<String, String> redis;
    private final String prefix;

    RedisChunkKeys(RedisCommands<String, String> redis, String namespace, String modelId) {
        this.redis = redis;
        this.prefix = namespace + "kvchunk:" + modelId + ":";
    }

    @Override
    public Optional<ChunkKvId> put(String chunkId, ChunkKvId id) {
        return member(redis.setGet(prefix + chunkId, id.member()));
    }

    @Override
    public Optional<ChunkKvId> remove(String chunkId) {
        return member(redis.getdel(prefix + chunkId));
    }

    private static Optional<ChunkKvId> member(String value) {
        return value == null ? Optional.empty() : Optional.of(ChunkKvId.ofMember(value));
    }
}
