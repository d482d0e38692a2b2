package dev.kvrag.kvstore;

import dev.kvrag.common.kv.ChunkEncoding;
import dev.kvrag.common.kv.ChunkKey;
import dev.kvrag.common.kv.ChunkKvContent;
import dev.kvrag.common.kv.ChunkKvFormat;
import dev.kvrag.common.kv.KvDtype;
import dev.kvrag.common.kv.KvQuantization;
import java.util.SplittableRandom;

/** Real chunk-KV blobs made by the common format, for chunks of a small model (2 layers, 2 KV heads, dim 8). */
public final class Blobs {

    public static final String MODEL = "tiny-test-model";
    public static final int TOKENS = 16;

    private Blobs() {
    }

    /** The id of the {@code n}-th test chunk: its token ids are derived from {@code n}. */
    public static ChunkKvId id(int n) {
        return new ChunkKvId(MODEL, ChunkKey.of(MODEL, "test-tokenizer", ChunkEncoding.afterPrefix(new int[] {1, 2}),
                tokens(n)));
    }

    /** The blob of chunk {@code n}; every one has the same length. */
    public static byte[] blob(int n) {
        return blob(id(n), n);
    }

    public static byte[] blob(ChunkKvId id, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int layers = 2;
        int per = 2 * TOKENS * 8;
        float[][] k = new float[layers][per];
        float[][] v = new float[layers][per];
        for (int l = 0; l < layers; l++) {
            for (int i = 0; i < per; i++) {
                k[l][i] = (float) r.nextGaussian();
                v[l][i] = (float) r.nextGaussian();
            }
        }
        ChunkKvContent kv = new ChunkKvContent(id.modelId(), id.chunkKey().hex(), 2, tokens((int) seed), layers, 2, 8,
                k, v);
        return ChunkKvFormat.encode(kv, KvDtype.BF16, KvQuantization.NONE);
    }

    public static int size() {
        return blob(0).length;
    }

    private static int[] tokens(int n) {
        int[] ids = new int[TOKENS];
        for (int t = 0; t < TOKENS; t++) {
            ids[t] = 100 + n * TOKENS + t;
        }
        return ids;
    }
}
