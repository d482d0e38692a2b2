package dev.kvrag.engine.prompt;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * Tokenizes a prompt segment by segment and concatenates the ids: segment boundaries are KV
 * boundaries, so a chunk's ids (and its KV) are the same wherever and with whatever it is used.
 * {@code encode} must not add special tokens itself; BOS goes in front of the prefix and EOS after
 * the answer, here and nowhere else.
 */
public final class PromptEncoder {

  private final Function<String, int[]> encode;
  private final OptionalInt bos;
  private final OptionalInt eos;

  public PromptEncoder(Function<String, int[]> encode, OptionalInt bos, OptionalInt eos) {
    this.encode = Objects.requireNonNull(encode, "encode");
    this.bos = Objects.requireNonNull(bos, "bos");
    this.eos = Objects.requireNonNull(eos, "eos");
  }

  public EncodedSegment encode(PromptSegment segment) {
    int[] text = encode.apply(segment.text());
    boolean withBos = segment.role() == SegmentRole.PREFIX && bos.isPresent();
    boolean withEos = segment.role() == SegmentRole.ANSWER && eos.isPresent();
    int[] ids = new int[text.length + (withBos ? 1 : 0) + (withEos ? 1 : 0)];
    int at = 0;
    if (withBos) {
      ids[at++] = bos.getAsInt();
    }
    System.arraycopy(text, 0, ids, at, text.length);
    if (withEos) {
      ids[ids.length - 1] = eos.getAsInt();
    }
    return new EncodedSegment(segment.role(), ids);
  }

  public EncodedPrompt encode(List<PromptSegment> segments) {
    List<EncodedSegment> encoded = new ArrayList<>(segments.size());
    for (PromptSegment s : segments) {
      encoded.add(encode(s));
    }
    return new EncodedPrompt(encoded);
  }
}
