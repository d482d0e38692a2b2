package dev.kvrag.gateway.infra.documents;

import dev.kvrag.gateway.domain.Problem;
import dev.kvrag.gateway.domain.documents.PendingDocuments;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Pending documents as Redis keys {@code kvrag:gateway:pending:<documentId>} with a TTL, shared by every gateway
 * replica. Losing a mark (Redis down at ingest) only means the document reads as unknown until it is indexed, so
 * that is logged, not failed; a read that cannot ask Redis is a 503, not a wrong 404.
 */
public final class RedisPendingDocuments implements PendingDocuments {

    static final String PREFIX = "kvrag:gateway:pending:";

    private static final Logger log = LoggerFactory.getLogger(RedisPendingDocuments.class);

    private final StringRedisTemplate redis;
    private final Duration ttl;

    public RedisPendingDocuments(StringRedisTemplate redis, Duration ttl) {
        this.redis = redis;
        this.ttl = ttl;
    }

    @Override
    public void add(String documentId) {
        try {
            redis.opsForValue().set(PREFIX + documentId, "1", ttl);
        } catch (DataAccessException e) {
            log.warn("document {} accepted but not marked pending (Redis: {}); it reads as unknown until indexed",
                    documentId, e.getMessage());
        }
    }

    @Override
    public boolean contains(String documentId) {
        try {
            return Boolean.TRUE.equals(redis.hasKey(PREFIX + documentId));
        } catch (DataAccessException e) {
            throw Problem.unavailable("redis-unavailable", "Document state unavailable", "the gateway cannot tell "
                    + "whether document '" + documentId + "' is pending: Redis did not answer (" + e.getMessage()
                    + ")", Duration.ofSeconds(2));
        }
    }

    @Override
    public void remove(String documentId) {
        try {
            redis.delete(PREFIX + documentId);
        } catch (DataAccessException e) {
            log.warn("document {}: pending mark not removed (Redis: {}); it expires in {}", documentId,
                    e.getMessage(), ttl);
        }
    }
}
