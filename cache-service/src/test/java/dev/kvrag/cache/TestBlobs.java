package dev.kvrag.cache;

import dev.kvrag.common.kv.ChunkEncoding;
import dev.kvrag.common.kv.ChunkKey;
import dev.kvrag.common.kv.ChunkKvContent;
import dev.kvrag.common.kv.ChunkKvFormat;
import dev.kvrag.common.kv.KvDtype;
import dev.kvrag.common.kv.KvQuantization;
import dev.kvrag.kvstore.ChunkKvId;
import java.util.SplittableRandom;

/** Real chunk-KV blobs of the common format for a tiny model (2 layers, 2 KV heads, dim 8, 16 tokens). */
final class TestBlobs {

    static final String MODEL = "tiny-test-model";
    static final int TOKENS = 16;

    private TestBlobs() {
    }

    static ChunkKvId id(int n) {
        return new ChunkKvId(MODEL, ChunkKey.of(MODEL, "test-tokenizer", ChunkEncoding.afterPrefix(new int[] {1}),
                tokens(n)));
    }

    static byte[] blob(int n) {
        SplittableRandom r = new SplittableRandom(n);
        int per = 2 * TOKENS * 8;
        float[][] k = new float[2][per];
        float[][] v = new float[2][per];
        for (int l = 0; l < 2; l++) {
            for (int i = 0; i < per; i++) {
                k[l][i] = (float) r.nextGaussian();
                v[l][i] = (float) r.nextGaussian();
            }
        }
        return ChunkKvFormat.encode(new ChunkKvContent(MODEL, id(n).chunkKey().hex(), 1, tokens(n), 2, 2, 8, k, v),
                KvDtype.BF16, KvQuantization.NONE);
    }

    private static int[] tokens(int n) {
        int[] ids = new int[TOKENS];
        for (int t = 0; t < TOKENS; t++) {
            ids[t] = 1000 + n * TOKENS + t;
        }
        return ids;
    }
}
