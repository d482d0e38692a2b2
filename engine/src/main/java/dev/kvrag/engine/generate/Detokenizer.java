package dev.kvrag.engine.generate;

import dev.kvrag.engine.tokenizer.StreamingDecoder;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Incremental id-to-text as the loop needs it: {@code push} returns the newly completed text of one
 * more id, {@code finish} whatever is still held back (an incomplete UTF-8 character) at the end.
 */
record Detokenizer(IntFunction<String> push, Supplier<String> finish) {

  static Detokenizer of(StreamingDecoder decoder) {
    return new Detokenizer(decoder::push, decoder::finish);
  }
}
