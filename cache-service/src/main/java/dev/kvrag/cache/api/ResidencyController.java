package dev.kvrag.cache.api;

import dev.kvrag.cache.domain.WorkerResidency;
import dev.kvrag.kvstore.ChunkKvId;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /v1/cache/residency}: what the workers' local tiers hold, from their kv-events (for affinity routing). */
@RestController
@RequestMapping("/v1/cache/residency")
class ResidencyController {

    record ResidencyView(long bytes, long entries, List<WorkerResidency.Worker> workers) {
    }

    record HoldersView(String modelId, String chunkKey, List<String> workers) {
    }

    private final WorkerResidency residency;

    ResidencyController(WorkerResidency residency) {
        this.residency = residency;
    }

    @GetMapping
    ResidencyView all() {
        List<WorkerResidency.Worker> workers = residency.workers();
        return new ResidencyView(workers.stream().mapToLong(WorkerResidency.Worker::bytes).sum(),
                workers.stream().mapToLong(WorkerResidency.Worker::entries).sum(), workers);
    }

    @GetMapping("/{modelId}/{chunkKey}")
    HoldersView holders(@PathVariable String modelId, @PathVariable String chunkKey) {
        try {
            ChunkKvId.of(modelId, chunkKey);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.invalidChunk(e.getMessage());
        }
        return new HoldersView(modelId, chunkKey, residency.holders(modelId, chunkKey));
    }
}
