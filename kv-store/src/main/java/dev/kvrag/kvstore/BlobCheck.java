package dev.kvrag.kvstore;

import dev.kvrag.common.kv.ChunkKvFormat;
import dev.kvrag.common.kv.ChunkKvFormatException;
import dev.kvrag.common.kv.ChunkKvHeader;

/**
 * The check every tier applies to a blob on the way in and on the way out: it is a chunk-KV blob of the common
 * format (magic, version, length, CRC32C over every byte, consistent header) and it is the chunk it is filed
 * under. Checked on the way out too because a tier is memory or a network hop away: a flipped bit must become a
 * miss, never wrong attention.
 */
public final class BlobCheck {

    private BlobCheck() {
    }

    /** The blob's header when the blob is sound and belongs to {@code id}; else {@link ChunkKvFormatException}. */
    public static ChunkKvHeader verify(ChunkKvId id, byte[] blob) {
        ChunkKvHeader header = ChunkKvFormat.header(blob);
        if (!header.modelId().equals(id.modelId()) || !header.chunkKey().equals(id.chunkKey().hex())) {
            throw new ChunkKvFormatException("the blob holds chunk " + header.chunkKey() + " of model '"
                    + header.modelId() + "', not chunk " + id.chunkKey().hex() + " of model '" + id.modelId()
                    + "' it is filed under");
        }
        return header;
    }
}
