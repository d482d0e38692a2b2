package dev.kvrag.engine.prompt;

/** What a prompt segment holds. Every segment is tokenized on its own; its ids are a KV unit. */
public enum SegmentRole {
  /** The system text; the prompt's BOS goes in front of it. Encoded once, shared by every prompt. */
  PREFIX,
  /** One retrieved chunk, encoded once (after the prefix) and reused at any slot of any prompt. */
  CHUNK,
  /** The question and the cue that opens the answer. Always computed fresh. */
  QUESTION,
  /** The gold answer, for training and scoring; EOS follows it. */
  ANSWER
}
