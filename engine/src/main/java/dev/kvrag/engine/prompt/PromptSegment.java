package dev.kvrag.engine.prompt;

import java.util.Objects;

/** A segment's exact text, separators included; {@link PromptLayout} makes them. */
public record PromptSegment(SegmentRole role, String text) {

  public PromptSegment {
    Objects.requireNonNull(role, "segment role");
    Objects.requireNonNull(text, "segment text");
  }
}
