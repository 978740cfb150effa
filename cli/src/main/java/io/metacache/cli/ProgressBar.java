package io.metacache.cli;

import java.io.PrintWriter;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A one-line progress bar redrawn in place with {@code \r} on stderr, ten times a second, from its
 * own daemon thread; the workers only bump a counter. {@link #close()} draws the final state and
 * ends the line.
 */
final class ProgressBar implements AutoCloseable {
  private static final int WIDTH = 30;

  private final PrintWriter err;
  private final long total;
  private final String label;
  private final AtomicLong done = new AtomicLong();
  private final ScheduledExecutorService ticker;
  private final long startNanos = System.nanoTime();

  ProgressBar(PrintWriter err, long total, String label) {
    this.err = err;
    this.total = total;
    this.label = label;
    this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "metacache-progress");
      t.setDaemon(true);
      return t;
    });
    ticker.scheduleAtFixedRate(this::draw, 0, 100, TimeUnit.MILLISECONDS);
  }

  void step() {
    done.incrementAndGet();
  }

  private synchronized void draw() {
    long d = done.get();
    double fraction = total == 0 ? 1.0 : Math.min(1.0, (double) d / total);
    int filled = (int) Math.round(fraction * WIDTH);
    double seconds = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
    err.printf("\r%s [%s%s] %d/%d %3d%% %.0f files/s", label, "#".repeat(filled), ".".repeat(WIDTH - filled),
        d, total, (int) (fraction * 100), d / seconds);
    err.flush();
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    try {
      ticker.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    draw();
    err.println();
    err.flush();
  }
}
