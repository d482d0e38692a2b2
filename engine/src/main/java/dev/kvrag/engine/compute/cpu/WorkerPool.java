package dev.kvrag.engine.compute.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * The one thread pool of the CPU backend: {@code threads - 1} daemon workers plus the calling thread.
 *
 * <p>A decode step issues a few hundred short parallel regions (one per projection), so hand-off latency
 * matters more than throughput: workers spin briefly on the published job before parking, and the caller
 * takes a share of the parts itself. Parts are claimed dynamically, so uneven parts balance out. Each job
 * carries its own counters, so a worker that wakes late for a finished job finds nothing left to claim.
 */
final class WorkerPool implements AutoCloseable {

  /** How long an idle worker spins before parking; covers the gaps between regions of one forward pass. */
  private static final long SPIN_NANOS = 200_000;

  private final int threads;
  private final Thread[] workers;
  private final ReentrantLock submitLock = new ReentrantLock();
  private volatile Job current;
  private volatile boolean closed;

  private static final class Job {
    final IntConsumer task;
    final int parts;
    final Thread caller;
    final AtomicInteger nextPart = new AtomicInteger();
    final AtomicInteger remaining;
    final AtomicReference<Throwable> failure = new AtomicReference<>();

    Job(IntConsumer task, int parts, Thread caller) {
      this.task = task;
      this.parts = parts;
      this.caller = caller;
      this.remaining = new AtomicInteger(parts);
    }

    void work() {
      int p;
      while ((p = nextPart.getAndIncrement()) < parts) {
        try {
          task.accept(p);
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
        } finally {
          if (remaining.decrementAndGet() == 0) {
            LockSupport.unpark(caller);
          }
        }
      }
    }
  }

  WorkerPool(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    this.threads = threads;
    this.workers = new Thread[threads - 1];
    for (int i = 0; i < workers.length; i++) {
      Thread t = new Thread(this::workerLoop, "kvrag-cpu-" + (i + 1));
      t.setDaemon(true);
      workers[i] = t;
      t.start();
    }
  }

  int threads() {
    return threads;
  }

  /** Runs {@code task.accept(p)} for every {@code p < parts}, spread over the pool; returns when all are done. */
  void run(int parts, IntConsumer task) {
    if (parts <= 0) {
      return;
    }
    if (parts == 1 || threads == 1) {
      for (int p = 0; p < parts; p++) {
        task.accept(p);
      }
      return;
    }
    submitLock.lock();
    try {
      if (closed) {
        throw new IllegalStateException("CPU backend is closed");
      }
      Job job = new Job(task, parts, Thread.currentThread());
      current = job;
      for (Thread w : workers) {
        LockSupport.unpark(w);
      }
      job.work();
      long spinUntil = System.nanoTime() + SPIN_NANOS;
      while (job.remaining.get() > 0) {
        if (System.nanoTime() < spinUntil) {
          Thread.onSpinWait();
        } else {
          LockSupport.parkNanos(this, 50_000);
        }
      }
      Throwable f = job.failure.get();
      if (f instanceof RuntimeException re) {
        throw re;
      }
      if (f instanceof Error e) {
        throw e;
      }
      if (f != null) {
        throw new IllegalStateException(f);
      }
    } finally {
      submitLock.unlock();
    }
  }

  private void workerLoop() {
    Job seen = null;
    while (!closed) {
      long spinUntil = System.nanoTime() + SPIN_NANOS;
      Job job;
      while ((job = current) == seen && !closed) {
        if (System.nanoTime() < spinUntil) {
          Thread.onSpinWait();
        } else {
          LockSupport.park(this);
        }
      }
      if (closed) {
        return;
      }
      seen = job;
      job.work();
    }
  }

  @Override
  public void close() {
    closed = true;
    for (Thread w : workers) {
      LockSupport.unpark(w);
    }
  }
}
