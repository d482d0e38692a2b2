package dev.kvrag.engine.prompt;

import java.util.Objects;

/**
 * A segment's token ids: the tokenizer's ids of its text, plus BOS in front of the prefix and EOS
 * after the answer where the tokenizer has them. The array is owned by this record; do not mutate it.
 */
public record EncodedSegment(SegmentRole role, int[] ids) {

  public EncodedSegment {
    Objects.requireNonNull(role, "segment role");
    Objects.requireNonNull(ids, "segment ids");
  }

  public int length() {
    return ids.length;
  }
}
