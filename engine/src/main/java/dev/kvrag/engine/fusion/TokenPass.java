package dev.kvrag.engine.fusion;

import dev.kvrag.engine.compute.Activations;
import dev.kvrag.engine.compute.RopeAngles;
import dev.kvrag.engine.kv.KvCache;
import dev.kvrag.engine.model.Qkv;
import dev.kvrag.engine.model.Transformer;

/**
 * Runs tokens through layers under a {@link FusedAttention}: per layer, fresh q/k/v, K/V written at the tokens'
 * slots, attention, the rest of the layer. The one layer loop of every fusion mode and of decoding.
 */
final class TokenPass {

  private TokenPass() {
  }

  /** Layers {@code [from, to)} on {@code hidden[n][hidden]} in place. */
  static void layers(Transformer model, FusedAttention attention, KvCache cache, Activations hidden, int n,
                     RopeAngles angles, int[] slots, int from, int to, WindowQueries window) {
    int width = model.config().heads() * model.config().headDim();
    Activations out = model.backend().allocate(n * width);
    try (Transformer.Buffers buffers = model.buffers(n)) {
      for (int i = from; i < to; i++) {
        Qkv qkv = model.attentionInputs(i, hidden, n, angles, buffers);
        model.writeKv(cache.layer(i), slots, qkv);
        if (window != null) {
          window.record(model.backend(), i, qkv.q(), n, slots);
        }
        attention.attend(i, qkv.q(), n, slots, cache.layer(i), out);
        model.finishLayer(i, hidden, n, out, buffers);
      }
    }
    out.close();
  }

  /** Every layer for new tokens at {@code positions} / {@code slots}; returns the final-normed hidden states. */
  static Activations all(Transformer model, FusedAttention attention, KvCache cache, int[] ids, int[] positions,
                         int[] slots, WindowQueries window) {
    Activations hidden = model.embed(ids);
    layers(model, attention, cache, hidden, ids.length, model.ropeAngles(positions), slots, 0,
        model.config().layers(), window);
    model.finalNorm(hidden, ids.length);
    return hidden;
  }
}
