package dev.kvrag.kvstore;

/** A blob larger than a tier can ever hold (its whole byte budget, or a configured per-blob limit). */
public final class ChunkKvTooLargeException extends IllegalArgumentException {

    private final long bytes;
    private final long limit;

    public ChunkKvTooLargeException(String what, long bytes, long limit) {
        super("chunk-KV blob of " + bytes + " bytes is larger than " + what + " (" + limit + " bytes)");
        this.bytes = bytes;
        this.limit = limit;
    }

    public long bytes() {
        return bytes;
    }

    public long limit() {
        return limit;
    }
}
