package dev.kvrag.retrieval.infra;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/**
 * Health component {@code index}, part of readiness: UP once this replica's index holds the whole chunk log as it
 * stood at start-up, so a replica that is still rebuilding takes no searches.
 */
@Component
class IndexHealthIndicator extends AbstractHealthIndicator {

    private final ChunkLog chunkLog;

    IndexHealthIndicator(ChunkLog chunkLog) {
        super("Index health check failed");
        this.chunkLog = chunkLog;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        (chunkLog.caughtUpAtStart() ? builder.up() : builder.down())
                .withDetail("caughtUp", chunkLog.caughtUpAtStart())
                .withDetail("chunks", chunkLog.index().size());
    }
}
