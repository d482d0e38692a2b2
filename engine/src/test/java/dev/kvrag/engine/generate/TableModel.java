package dev.kvrag.engine.generate;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A deterministic stand-in for a transformer, in two kinds: a bigram model (the next-token logits
 * are a fixed random row chosen by the last token fed), or a script (the n-th generated token is
 * script[n] by a wide margin over flat logits; past the script, id 0). It records everything it is
 * fed, so tests can check what reached the "cache".
 */
final class TableModel implements TokenModel {

  private final int vocab;
  private final float[][] bigram;
  private final int[] script;
  private final int promptLength;
  private final List<Integer> fed = new ArrayList<>();

  private TableModel(int vocab, float[][] bigram, int[] script, int promptLength) {
    this.vocab = vocab;
    this.bigram = bigram;
    this.script = script;
    this.promptLength = promptLength;
  }

  /** Random but fixed bigram logits (Gaussian, scale 2). */
  static TableModel bigram(int vocab, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[][] table = new float[vocab][vocab];
    for (float[] row : table) {
      for (int i = 0; i < vocab; i++) {
        row[i] = (float) (2 * r.nextGaussian());
      }
    }
    return new TableModel(vocab, table, new int[0], 0);
  }

  /** After a prompt of promptLength tokens, the n-th generated token is script[n]. */
  static TableModel scripted(int vocab, int promptLength, int... script) {
    return new TableModel(vocab, null, script, promptLength);
  }

  @Override
  public int vocabSize() {
    return vocab;
  }

  @Override
  public float[] feed(int[] tokenIds) {
    for (int id : tokenIds) {
      fed.add(id);
    }
    if (bigram != null) {
      return bigram[tokenIds[tokenIds.length - 1]].clone();
    }
    float[] logits = new float[vocab];
    int generatedSoFar = fed.size() - promptLength;
    if (generatedSoFar < script.length) {
      logits[script[generatedSoFar]] = 100f;
    }
    return logits;
  }

  List<Integer> fed() {
    return fed;
  }
}
