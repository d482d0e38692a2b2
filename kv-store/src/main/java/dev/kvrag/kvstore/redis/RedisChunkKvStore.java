package dev.kvrag.kvstore.redis;

import dev.kvrag.common.events.KvRemovalReason;
import dev.kvrag.common.events.KvTier;
import dev.kvrag.common.kv.ChunkKvFormatException;
import dev.kvrag.common.kv.ChunkKvHeader;
import dev.kvrag.kvstore.BlobCheck;
import dev.kvrag.kvstore.ChunkKvHit;
import dev.kvrag.kvstore.ChunkKvId;
import dev.kvrag.kvstore.ChunkKvStore;
import dev.kvrag.kvstore.ChunkKvTooLargeException;
import dev.kvrag.kvstore.DocumentIds;
import dev.kvrag.kvstore.EntryMetadata;
import dev.kvrag.kvstore.KvStoreStats;
import dev.kvrag.kvstore.Lookup;
import dev.kvrag.kvstore.PutOutcome;
import dev.kvrag.kvstore.Removal;
import dev.kvrag.kvstore.TierStats;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

/**
 * The shared chunk-KV tier in Redis. Workers read and write it directly (no HTTP hop on the query path); the
 * cache-service administers it. Every mutation that touches the budget is one Lua script (put + account + evict
 * while over budget; read + promote; remove + unaccount), so concurrent writers never see a half-updated store and
 * the budget holds after every command. Key layout and policy: {@code lib.lua}, {@link EvictionPolicy}.
 *
 * <p>Thread-safe: one multiplexed Lettuce connection, shared by every caller.
 */
public final class RedisChunkKvStore implements ChunkKvStore, AutoCloseable {

    private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9._:{}-]{0,64}");

    private static final LuaScript PUT = LuaScript.load("put");
    private static final LuaScript GET = LuaScript.load("get");
    private static final LuaScript PEEK = LuaScript.load("peek");
    private static final LuaScript CORRUPT = LuaScript.load("corrupt");
    private static final LuaScript REMOVE = LuaScript.load("remove");
    private static final LuaScript REMOVE_DOCUMENT = LuaScript.load("remove-document");
    private static final LuaScript CONFIGURE = LuaScript.load("configure");
    private static final LuaScript SWEEP = LuaScript.load("sweep");
    private static final LuaScript COUNT = LuaScript.load("count");

    private final StatefulRedisConnection<byte[], byte[]> connection;
    private final RedisCommands<byte[], byte[]> redis;
    private final String namespace;
    private final byte[] ns;

    /**
     * @param namespace prefix of every key ({@code ""} in production, so keys read {@code kv:<model>:<chunk>};
     *     tests give each store its own)
     */
    public RedisChunkKvStore(StatefulRedisConnection<byte[], byte[]> connection, String namespace) {
        if (namespace == null || !NAMESPACE.matcher(namespace).matches()) {
            throw new IllegalArgumentException("invalid KV store namespace '" + namespace + "': up to 64 letters, "
                    + "digits and . _ : { } -");
        }
        this.connection = connection;
        this.redis = connection.sync();
        this.namespace = namespace;
        this.ns = bytes(namespace);
    }

    /** Opens a connection of its own (closed by {@link #close()}). */
    public static RedisChunkKvStore connect(RedisClient client, String namespace) {
        return new RedisChunkKvStore(client.connect(ByteArrayCodec.INSTANCE), namespace);
    }

    public String namespace() {
        return namespace;
    }

    /**
     * Writes the policy every writer of this store follows and applies it at once: what no longer fits the budget
     * (or the protected cap) is evicted (demoted) now. Returns the evicted entries.
     */
    public List<Removal> configure(RedisKvSettings settings) {
        List<Object> evicted = CONFIGURE.call(redis, ScriptOutputType.MULTI, ns, num(settings.budgetBytes()),
                num(settings.protectedBytes()), num(settings.idleTtl().toMillis()),
                bytes(settings.policy().wireName()), bytes(Double.toString(settings.protectedFraction())));
        return removals(evicted);
    }

    /** The policy in force, if the store was configured. */
    public Optional<RedisKvSettings> settings() {
        Map<String, String> c = hash(key("kvconfig"));
        if (!c.containsKey("budget_bytes")) {
            return Optional.empty();
        }
        long budget = Long.parseLong(c.get("budget_bytes"));
        EvictionPolicy policy = EvictionPolicy.parse(c.getOrDefault("policy", "lru"));
        double fraction = Double.parseDouble(c.getOrDefault("protected_fraction", "0.8"));
        Duration ttl = Duration.ofMillis(Long.parseLong(c.getOrDefault("idle_ttl_ms", "0")));
        return Optional.of(new RedisKvSettings(budget, policy, fraction, ttl));
    }

    @Override
    public Lookup lookup(ChunkKvId id, int tokens) {
        checkTokens(tokens);
        List<Object> r = GET.call(redis, ScriptOutputType.MULTI, ns, bytes(id.member()), num(tokens));
        if ((Long) r.getFirst() == 0) {
            return Lookup.miss(r.size() > 1 ? List.of(removal((List<?>) r.get(1))) : List.of());
        }
        return checked(id, tokens, (byte[]) r.get(1), (byte[]) r.get(2), true);
    }

    /**
     * Reads an entry for tools: no lookup is counted and its recency is left alone, so inspecting the cache does
     * not change what it measures. A corrupt blob is still deleted and counted.
     */
    public Lookup peek(ChunkKvId id) {
        List<Object> r = PEEK.call(redis, ScriptOutputType.MULTI, ns, bytes(id.member()));
        if (r.isEmpty()) {
            return Lookup.miss(List.of());
        }
        return checked(id, 0, (byte[]) r.get(0), (byte[]) r.get(1), false);
    }

    @Override
    public PutOutcome put(ChunkKvId id, byte[] blob, List<String> documentIds) {
        ChunkKvHeader header = BlobCheck.verify(id, blob);
        List<String> docs = DocumentIds.checkAll(documentIds);
        List<Object> r;
        try {
            r = PUT.call(redis, ScriptOutputType.MULTI, ns, bytes(id.member()), blob, num(blob.length),
                    num(header.tokenCount()), bytes(String.join(" ", docs)));
        } catch (RedisCommandExecutionException e) {
            String message = String.valueOf(e.getMessage());
            if (message.contains("KVSTORE_UNCONFIGURED")) {
                throw new IllegalStateException("the KV store in Redis has no byte budget yet (" + key("kvconfig")
                        + " is empty): the cache-service writes it from kvrag.cache.* when it starts");
            }
            if (message.contains("KVSTORE_TOO_LARGE")) {
                long budget = Long.parseLong(message.substring(message.lastIndexOf(' ') + 1).strip());
                throw new ChunkKvTooLargeException("the KV store's whole byte budget", blob.length, budget);
            }
            throw e;
        }
        return new PutOutcome(id, blob.length, header.tokenCount(), split((byte[]) r.get(1)), List.of(KvTier.REDIS),
                (Long) r.get(0) == 1, removals((List<?>) r.get(2)));
    }

    @Override
    public List<Removal> delete(ChunkKvId id) {
        return remove(List.of(id), KvRemovalReason.EXPLICIT);
    }

    /** Removes the entries for {@code reason}; what was there. */
    public List<Removal> remove(List<ChunkKvId> ids, KvRemovalReason reason) {
        byte[][] args = new byte[2 + ids.size()][];
        args[0] = ns;
        args[1] = bytes(reason.wireName());
        for (int i = 0; i < ids.size(); i++) {
            args[2 + i] = bytes(ids.get(i).member());
        }
        return removals(REMOVE.call(redis, ScriptOutputType.MULTI, args));
    }

    @Override
    public List<Removal> deleteByDocument(String documentId) {
        DocumentIds.check(documentId);
        return removals(REMOVE_DOCUMENT.call(redis, ScriptOutputType.MULTI, ns, bytes(documentId)));
    }

    /** The entry's metadata, without counting a lookup or refreshing its recency. */
    public Optional<EntryMetadata> metadata(ChunkKvId id) {
        Map<String, String> m = hash(key("kvmeta:" + id.member()));
        if (!m.containsKey("bytes")) {
            return Optional.empty();
        }
        return Optional.of(new EntryMetadata(id, KvTier.REDIS, Long.parseLong(m.get("bytes")),
                Integer.parseInt(m.getOrDefault("tokens", "0")), split(bytes(m.getOrDefault("docs", ""))),
                Instant.ofEpochMilli(Long.parseLong(m.getOrDefault("created", "0"))),
                Instant.ofEpochMilli(Long.parseLong(m.getOrDefault("last_access", "0"))),
                Long.parseLong(m.getOrDefault("hits", "0")), m.getOrDefault("segment", "probation")));
    }

    /** Store-wide counters, shared by every process using this store (workers add their local-tier hits). */
    @Override
    public KvStoreStats stats() {
        Map<String, String> s = hash(key("kvstats"));
        long budget = settings().map(RedisKvSettings::budgetBytes).orElse(0L);
        EnumMap<KvTier, TierStats> tiers = new EnumMap<>(KvTier.class);
        for (KvTier t : KvTier.values()) {
            String w = t.wireName();
            boolean here = t == KvTier.REDIS;
            tiers.put(t, new TierStats(here ? n(s, "bytes") : 0, here ? n(s, "entries") : 0, here ? budget : 0,
                    here ? n(s, "bytes:protected") : 0, n(s, "hits:" + w), n(s, "hit_tokens:" + w),
                    n(s, "bytes_read:" + w)));
        }
        EnumMap<KvRemovalReason, Long> removed = new EnumMap<>(KvRemovalReason.class);
        for (KvRemovalReason r : KvRemovalReason.values()) {
            removed.put(r, n(s, "removed:" + r.wireName()));
        }
        return new KvStoreStats(tiers, n(s, "lookups"), n(s, "lookup_tokens"), n(s, "misses"), n(s, "miss_tokens"),
                n(s, "corrupt"), removed, n(s, "puts"), n(s, "bytes_written"));
    }

    /**
     * Removes every entry whose blob expired (idle TTL) or otherwise vanished, {@code batch} entries per script so
     * Redis is never blocked long. Expired entries are also cleaned up by the lookup that finds them; this finds
     * the ones nobody looks up, whose bytes would otherwise count against the budget.
     */
    public List<Removal> sweepVanished(int batch) {
        List<Removal> removed = new ArrayList<>();
        for (String segment : List.of("probation", "protected")) {
            long start = 0;
            while (start >= 0) {
                List<Object> r = SWEEP.call(redis, ScriptOutputType.MULTI, ns, bytes(segment), num(start), num(batch));
                start = (Long) r.get(0);
                removed.addAll(removals((List<?>) r.get(1)));
            }
        }
        return removed;
    }

    /**
     * Adds lookups that a tier above Redis answered (a worker's local tier) to the store-wide counters, without
     * waiting: workers batch them so a local hit costs no round trip.
     */
    public CompletionStage<Object> addUpperTierHits(KvTier tier, long hits, long hitTokens, long bytesRead,
                                                    long corrupt) {
        return COUNT.callAsync(connection.async(), ScriptOutputType.INTEGER, ns, bytes(tier.wireName()), num(hits),
                num(hitTokens), num(bytesRead), num(corrupt));
    }

    @Override
    public void close() {
        connection.close();
    }

    private Lookup checked(ChunkKvId id, int tokens, byte[] blob, byte[] docs, boolean counted) {
        try {
            ChunkKvHeader header = BlobCheck.verify(id, blob);
            return Lookup.of(new ChunkKvHit(id, blob, header, KvTier.REDIS, split(docs)));
        } catch (ChunkKvFormatException corrupt) {
            List<Object> r = CORRUPT.call(redis, ScriptOutputType.MULTI, ns, bytes(id.member()), num(tokens),
                    num(blob.length), bytes(LuaScript.sha1Hex(blob)), bytes(counted ? "1" : "0"));
            return Lookup.miss(removals(r));
        }
    }

    private Map<String, String> hash(String key) {
        Map<byte[], byte[]> raw = redis.hgetall(bytes(key));
        Map<String, String> out = new HashMap<>(raw.size() * 2);
        raw.forEach((k, v) -> out.put(text(k), text(v)));
        return out;
    }

    private String key(String suffix) {
        return namespace + suffix;
    }

    private static void checkTokens(int tokens) {
        if (tokens < 0) {
            throw new IllegalArgumentException("a lookup of " + tokens + " tokens");
        }
    }

    private static long n(Map<String, String> hash, String field) {
        String v = hash.get(field);
        return v == null ? 0 : Long.parseLong(v);
    }

    private static List<Removal> removals(List<?> raw) {
        List<Removal> out = new ArrayList<>(raw.size());
        for (Object entry : raw) {
            out.add(removal((List<?>) entry));
        }
        return out;
    }

    private static Removal removal(List<?> r) {
        return new Removal(ChunkKvId.ofMember(text((byte[]) r.get(0))), split((byte[]) r.get(3)), (Long) r.get(1),
                Math.toIntExact((Long) r.get(2)), KvTier.REDIS, KvRemovalReason.ofWireName(text((byte[]) r.get(4))));
    }

    private static List<String> split(byte[] spaceSeparated) {
        String s = text(spaceSeparated).strip();
        return s.isEmpty() ? List.of() : Arrays.asList(s.split(" +"));
    }

    private static byte[] num(long n) {
        return bytes(Long.toString(n));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
