package dev.kvrag.engine.prompt;

import java.util.List;

/** A prompt as token ids, segment by segment; a segment starts where the previous one ends. */
public record EncodedPrompt(List<EncodedSegment> segments) {

  public EncodedPrompt {
    segments = List.copyOf(segments);
  }

  /** All ids, segments concatenated in order: what a full (sequential) prefill reads. */
  public int[] ids() {
    int[] all = new int[length()];
    int at = 0;
    for (EncodedSegment s : segments) {
      System.arraycopy(s.ids(), 0, all, at, s.length());
      at += s.length();
    }
    return all;
  }

  public int length() {
    int n = 0;
    for (EncodedSegment s : segments) {
      n += s.length();
    }
    return n;
  }

  /** The position (slot) of segment {@code index}'s first token in the concatenated prompt. */
  public int start(int index) {
    int at = 0;
    for (int i = 0; i < index; i++) {
      at += segments.get(i).length();
    }
    return at;
  }
}
