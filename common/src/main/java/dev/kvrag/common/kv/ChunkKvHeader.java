package dev.kvrag.common.kv;

/**
 * What a chunk-KV blob says about itself, readable without decoding the payload (a store can check model and
 * shape before it hands the blob on).
 *
 * @param basePosition the RoPE position of the chunk's first token when its K was computed
 * @param blobBytes the blob's total length, checksum included
 */
public record ChunkKvHeader(
    int version,
    String modelId,
    String chunkKey,
    KvDtype dtype,
    KvQuantization quantization,
    int layers,
    int kvHeads,
    int headDim,
    int tokenCount,
    int basePosition,
    long blobBytes) {
}
