package dev.kvrag.bench.checkpoint;

import java.util.List;

/**
 * One tensor of a checkpoint: its Hugging Face name, its shape, and the normal distribution its random
 * values are drawn from.
 */
public record TensorSpec(String name, List<Integer> shape, double mean, double std) {

    public TensorSpec {
        shape = List.copyOf(shape);
        if (shape.isEmpty() || shape.stream().anyMatch(d -> d <= 0)) {
            throw new IllegalArgumentException("tensor " + name + " needs a non-empty shape of positive sizes, got " + shape);
        }
        if (std < 0) {
            throw new IllegalArgumentException("tensor " + name + " has a negative std " + std);
        }
    }

    public long elementCount() {
        long n = 1;
        for (int d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }
}
