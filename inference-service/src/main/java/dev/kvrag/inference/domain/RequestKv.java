package dev.kvrag.inference.domain;

import dev.kvrag.common.events.KvTier;
import dev.kvrag.engine.fusion.ChunkKvSource;
import dev.kvrag.engine.kv.ChunkKv;
import dev.kvrag.kvstore.ChunkKvHit;
import dev.kvrag.kvstore.ChunkKvId;
import dev.kvrag.kvstore.Lookup;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One request's chunk KV, fetched when the fusion mode asks for it (FULL asks for none, PREFIX for the first chunk):
 * the worker's local tier, else Redis, else computed after the prefix now and stored once the answer is out, so the
 * next request over the chunk hits. The prefix KV is the served model's, computed once. Counts hits by tier, misses,
 * bytes read, and the time spent loading and computing. Not thread-safe: fusion asks from one thread.
 */
final class RequestKv implements ChunkKvSource {

    /** A chunk computed for this request, stored after the answer. */
    private record Computed(PromptPlan.Chunk chunk, ChunkKvId id, byte[] blob) {
    }

    private final ServedModel model;
    private final StoredChunks stored;
    private final PromptPlan plan;
    private final Map<KvTier, Long> hits = new EnumMap<>(KvTier.class);
    private final boolean[] loaded;
    private final ChunkKv[] fetched;
    private final List<Computed> computed = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private boolean prefixUsed;
    private long misses;
    private long loadNanos;
    private long computeNanos;
    private KvTraffic traffic = KvTraffic.NONE;

    RequestKv(ServedModel model, StoredChunks stored, PromptPlan plan) {
        this.model = model;
        this.stored = stored;
        this.plan = plan;
        this.loaded = new boolean[plan.chunks().size()];
        this.fetched = new ChunkKv[plan.chunks().size()];
        for (KvTier tier : KvTier.values()) {
            hits.put(tier, 0L);
        }
    }

    @Override
    public ChunkKv prefix() {
        prefixUsed = true;
        return model.prefixKv();
    }

    @Override
    public ChunkKv chunk(int index) {
        if (fetched[index] == null) {
            fetched[index] = fetch(index);
        }
        return fetched[index];
    }

    private ChunkKv fetch(int index) {
        PromptPlan.Chunk chunk = plan.chunks().get(index);
        int[] tokens = chunk.tokenIds();
        ChunkKvId id = model.chunkKvId(tokens);
        long start = System.nanoTime();
        ChunkKvHit hit = lookup(id, tokens.length);
        if (hit != null) {
            try {
                ChunkKv kv = ChunkKv.fromBlob(hit.blob());
                requireChunk(kv, tokens);
                loadNanos += System.nanoTime() - start;
                hits.merge(hit.tier(), 1L, Long::sum);
                traffic = traffic.plus(KvTraffic.read(hit.tier(), hit.blob().length));
                loaded[index] = true;
                return kv;
            } catch (IllegalArgumentException e) {
                // The store checked the blob's checksum and header; one that still does not decode as this chunk
                // (a ChunkKvFormatException, other tokens, another shape) is dropped and computed again, never used.
                warnings.add("stored KV of chunk " + chunk.chunkId() + " (" + id + ") is unusable, recomputed: "
                        + e.getMessage());
                deleteQuietly(id);
            }
        }
        loadNanos += System.nanoTime() - start;
        misses++;
        long computeStart = System.nanoTime();
        byte[] blob = model.encodeChunk(id, tokens);
        ChunkKv kv = ChunkKv.fromBlob(blob);
        computeNanos += System.nanoTime() - computeStart;
        computed.add(new Computed(chunk, id, blob));
        return kv;
    }

    /**
     * Stores every chunk computed for this request (local tier and Redis, with kv-events). A chunk the store refuses
     * (Redis unavailable, a blob over the budget) is reported and left out: the answer was already given.
     */
    KvTraffic storeComputed() {
        KvTraffic written = KvTraffic.NONE;
        for (Computed c : computed) {
            try {
                written = written.plus(stored.store(c.chunk().chunkId(), c.chunk().documentId(), c.id(), c.blob())
                        .traffic());
            } catch (RuntimeException e) {
                warnings.add("could not store the KV of chunk " + c.chunk().chunkId() + ": " + e.getMessage());
            }
        }
        traffic = traffic.plus(written);
        return written;
    }

    /**
     * Context tokens whose stored KV the fusion used as loaded: the prefix (when read) and the chunks that came from
     * a tier, less the slots the fusion recomputed.
     */
    int cachedTokens(int[] recomputedSlots) {
        boolean[] reused = new boolean[plan.contextTokens()];
        if (prefixUsed) {
            Arrays.fill(reused, 0, plan.prefix().length, true);
        }
        for (int i = 0; i < loaded.length; i++) {
            if (loaded[i]) {
                int start = plan.start(i);
                Arrays.fill(reused, start, start + plan.chunks().get(i).tokenIds().length, true);
            }
        }
        for (int slot : recomputedSlots) {
            if (slot < reused.length) {
                reused[slot] = false;
            }
        }
        int n = 0;
        for (boolean r : reused) {
            n += r ? 1 : 0;
        }
        return n;
    }

    Map<KvTier, Long> hits() {
        return hits;
    }

    long misses() {
        return misses;
    }

    long loadNanos() {
        return loadNanos;
    }

    long computeNanos() {
        return computeNanos;
    }

    KvTraffic traffic() {
        return traffic;
    }

    List<String> warnings() {
        return warnings;
    }

    private ChunkKvHit lookup(ChunkKvId id, int tokens) {
        try {
            Lookup lookup = stored.store().lookup(id, tokens);
            return lookup.hit();
        } catch (RuntimeException e) {
            // The store unavailable costs this chunk a recompute, not the answer.
            warnings.add("chunk-KV lookup of " + id + " failed, computing it instead: " + e.getMessage());
            return null;
        }
    }

    private void deleteQuietly(ChunkKvId id) {
        try {
            stored.store().delete(id);
        } catch (RuntimeException e) {
            warnings.add("could not delete unusable KV " + id + ": " + e.getMessage());
        }
    }

    private void requireChunk(ChunkKv kv, int[] tokens) {
        if (!Arrays.equals(kv.tokenIds(), tokens)) {
            throw new IllegalArgumentException("it holds other tokens");
        }
        if (kv.basePosition() != model.prefixIds().length) {
            throw new IllegalArgumentException("it was encoded at base position " + kv.basePosition() + ", not after "
                    + "the " + model.prefixIds().length + "-token prefix");
        }
        kv.checkFits(model.transformer().config());
    }
}
