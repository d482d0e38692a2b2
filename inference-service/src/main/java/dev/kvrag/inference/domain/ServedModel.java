package dev.kvrag.inference.domain;

import dev.kvrag.common.events.TokenizerId;
import dev.kvrag.common.kv.ChunkEncoding;
import dev.kvrag.common.kv.ChunkKey;
import dev.kvrag.engine.compute.Backend;
import dev.kvrag.engine.kv.ChunkEncoder;
import dev.kvrag.engine.kv.ChunkKv;
import dev.kvrag.engine.model.Transformer;
import dev.kvrag.engine.prompt.PromptEncoder;
import dev.kvrag.engine.prompt.PromptLayout;
import dev.kvrag.engine.tokenizer.Tokenizer;
import dev.kvrag.kvstore.ChunkKvId;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * The one model this worker serves, with everything derived from it once: the prompt layout its chat template asks
 * for, the prefix (system text) as ids and as KV, computed once and shared by every prompt, and the chunk encoding
 * (after that prefix) under which its chunk KV is keyed. Chunk KV of another model, tokenizer or prefix has another
 * chunk key, so it is never found, let alone used.
 *
 * @param id the model id requests and chunk events name, and the kv-store files blobs under
 * @param tokenizerId {@link TokenizerId} of the model's tokenizer
 */
public record ServedModel(String id, String tokenizerId, Transformer transformer, Tokenizer tokenizer,
                          PromptLayout layout, PromptEncoder promptEncoder, int[] prefixIds, ChunkKv prefixKv,
                          ChunkEncoder chunkEncoder, ChunkEncoding chunkEncoding, KvEncoding storage)
        implements AutoCloseable {

    /**
     * Loads the model in {@code dir} on {@code backend} and encodes its prefix.
     *
     * @param id checked as a kv-store model id (it becomes part of Redis keys and metric labels)
     */
    public static ServedModel load(Path dir, String id, Backend backend, KvEncoding storage) {
        ChunkKvId.of(id, "0".repeat(64));
        Tokenizer tokenizer = Tokenizer.load(dir);
        String tokenizerId = TokenizerId.of(dir);
        Transformer transformer = Transformer.load(dir, backend);
        try {
            if (tokenizer.vocabSize() > transformer.config().vocabSize()) {
                throw new IllegalArgumentException("the tokenizer in " + dir + " has " + tokenizer.vocabSize()
                        + " ids, the model's embedding only " + transformer.config().vocabSize());
            }
            PromptLayout layout = PromptLayout.fromChatTemplate(tokenizer.config().chatTemplate())
                    .orElse(PromptLayout.DEFAULT);
            int[] eos = tokenizer.eosIds();
            // Documents and questions are untrusted: a special token written in them stays text (encodeText).
            PromptEncoder promptEncoder = new PromptEncoder(tokenizer::encodeText, tokenizer.bosId(),
                    eos.length == 0 ? OptionalInt.empty() : OptionalInt.of(eos[0]));
            int[] prefixIds = promptEncoder.encode(layout.prefix()).ids();
            ChunkEncoder chunkEncoder = new ChunkEncoder(transformer, id);
            return new ServedModel(id, tokenizerId, transformer, tokenizer, layout, promptEncoder, prefixIds,
                    chunkEncoder.prefix(prefixIds), chunkEncoder, ChunkEncoding.afterPrefix(prefixIds), storage);
        } catch (RuntimeException e) {
            transformer.close();
            throw e;
        }
    }

    /** Unmaps the weights; the backend belongs to the caller. */
    @Override
    public void close() {
        transformer.close();
    }

    public int vocabSize() {
        return transformer.config().vocabSize();
    }

    /** Where a chunk of these ids is stored: the chunk key of this model, tokenizer and prefix. */
    public ChunkKvId chunkKvId(int[] chunkTokenIds) {
        return new ChunkKvId(id, ChunkKey.of(id, tokenizerId, chunkEncoding, chunkTokenIds));
    }

    /** The question segment's ids ({@code Question: <q>\nAnswer:}). */
    public int[] questionIds(String question) {
        return promptEncoder.encode(layout.question(question)).ids();
    }

    /**
     * Computes a chunk's KV after the prefix (DESIGN §4) and returns it as the blob it is stored as. Callers use the
     * KV decoded from this blob, so an answer over a chunk computed just now is the answer over the chunk loaded
     * later, whatever the storage precision.
     */
    public byte[] encodeChunk(ChunkKvId at, int[] chunkTokenIds) {
        return chunkEncoder.chunk(prefixKv, chunkTokenIds).toBlob(at.chunkKey().hex(), storage.dtype(),
                storage.quantization());
    }
}
