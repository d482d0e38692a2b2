package dev.kvrag.kvstore;

import dev.kvrag.common.kv.ChunkKey;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The address of one chunk's KV in every tier: the model and the {@link ChunkKey}. The chunk key already hashes
 * the model id; the model id is kept beside it so keys, metrics and admin views can be read and filtered per
 * model ({@code kv:<modelId>:<chunkKey>}, DESIGN §2).
 *
 * <p>Model ids are restricted to characters that are safe in a Redis key, a URL path segment and a metrics label
 * without escaping (no {@code /}: name the model by its directory, e.g. {@code qwen2.5-0.5b-instruct}).
 */
public record ChunkKvId(String modelId, ChunkKey chunkKey) {

    private static final Pattern MODEL_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    public ChunkKvId {
        Objects.requireNonNull(chunkKey, "chunk key");
        checkModelId(modelId);
    }

    /** Parses and checks both parts; the message of a rejection names the part and the rule. */
    public static ChunkKvId of(String modelId, String chunkKeyHex) {
        checkModelId(modelId);
        if (chunkKeyHex == null) {
            throw new IllegalArgumentException("missing chunk key");
        }
        return new ChunkKvId(modelId, new ChunkKey(chunkKeyHex));
    }

    /** {@code <modelId>:<chunkKey>}, the entry's name inside the store. */
    public String member() {
        return modelId + ":" + chunkKey.hex();
    }

    /** The inverse of {@link #member()}. */
    public static ChunkKvId ofMember(String member) {
        int colon = member.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("not a chunk-KV member name: '" + member + "'");
        }
        return of(member.substring(0, colon), member.substring(colon + 1));
    }

    @Override
    public String toString() {
        return member();
    }

    private static void checkModelId(String modelId) {
        if (modelId == null || !MODEL_ID.matcher(modelId).matches()) {
            throw new IllegalArgumentException("invalid model id '" + modelId + "': 1 to 128 characters of letters, "
                    + "digits, '.', '_' and '-', starting with a letter or digit");
        }
    }
}
