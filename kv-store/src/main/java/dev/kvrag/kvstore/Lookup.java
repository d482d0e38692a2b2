package dev.kvrag.kvstore;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of one lookup: the hit, if any, and the entries the lookup found dead and removed on the way (a
 * corrupt blob, an expired one), which the caller announces like any other removal.
 *
 * @param hit {@code null} for a miss
 */
public record Lookup(ChunkKvHit hit, List<Removal> removed) {

    public Lookup {
        removed = List.copyOf(removed);
    }

    public static Lookup miss(List<Removal> removed) {
        return new Lookup(null, removed);
    }

    public static Lookup of(ChunkKvHit hit) {
        return new Lookup(hit, List.of());
    }

    public boolean isHit() {
        return hit != null;
    }

    public Optional<ChunkKvHit> found() {
        return Optional.ofNullable(hit);
    }
}
