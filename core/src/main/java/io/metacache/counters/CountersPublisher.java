package io.metacache.counters;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a cache's figures into its counters file at a fixed interval, on a daemon thread, and
 * once more at close. The cache's own counters ({@code StatsCounter}) are untouched: the only
 * cost on the request path is none; the publisher pays for a snapshot per interval.
 *
 * <p>Public so that {@code MetaCache} can start it; not API.
 */
public final class CountersPublisher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CountersPublisher.class);

  private final CountersWriter writer;
  private final Supplier<ProcessFigures> source;
  private final LongSupplier clock;
  private final long intervalNanos;
  private final Thread thread;
  private volatile boolean stopping;
  private boolean warned;
  private boolean closed;

  private CountersPublisher(CountersWriter writer, Supplier<ProcessFigures> source, LongSupplier clock,
      Duration interval) {
    this.writer = writer;
    this.source = source;
    this.clock = clock;
    this.intervalNanos = interval.toNanos();
    this.thread = new Thread(this::run, "metacache-counters-publisher");
    thread.setDaemon(true);
  }

  /**
   * Reaps the files of dead processes in {@code cacheDirectory}, creates this cache's counters
   * file with its first figures and starts publishing. Returns null, after one WARN, if the file
   * cannot be created: the cache then runs without shared counters.
   *
   * @param cacheDirectory the cache directory (the file goes in its {@code procs} folder)
   * @param tierNames the cache's tiers, memory first
   * @param source the cache's figures, called on the publisher's thread
   * @param interval how often to publish
   * @param label what readers show for this process (its command line)
   */
  public static CountersPublisher start(Path cacheDirectory, List<String> tierNames, Supplier<ProcessFigures> source,
      Duration interval, String label) {
    LongSupplier clock = System::currentTimeMillis;
    try {
      ProcessStatsReader.of(cacheDirectory).read();
      long instanceId;
      do {
        instanceId = ThreadLocalRandom.current().nextLong();
      } while (instanceId == 0);
      long now = clock.getAsLong();
      CountersWriter writer = CountersWriter.create(CountersFileDescriptor.directory(cacheDirectory),
          ProcessHandle.current().pid(), instanceId, now, label,
          (int) Math.min(Integer.MAX_VALUE, interval.toMillis()), tierNames, source.get(), now);
      CountersPublisher publisher = new CountersPublisher(writer, source, clock, interval);
      publisher.thread.start();
      return publisher;
    } catch (Exception | LinkageError e) {
      // LinkageError: Agrona's buffers need the jvm.options flags; without them, run without counters
      LOG.warn("shared process counters off: cannot create a counters file in {} ({}); "
          + "metacache stats will not list this process", CountersFileDescriptor.directory(cacheDirectory), e.toString());
      return null;
    }
  }

  /** The counters file. */
  public Path file() {
    return writer.file();
  }

  private void run() {
    while (!stopping) {
      LockSupport.parkNanos(this, intervalNanos);
      if (!stopping) {
        publishOnce();
      }
    }
  }

  private void publishOnce() {
    try {
      writer.publish(source.get(), clock.getAsLong());
    } catch (RuntimeException e) {
      if (!warned) {
        warned = true;
        LOG.warn("publishing the shared process counters failed; will keep trying: {}", e.toString());
      } else {
        LOG.debug("publishing the shared process counters failed: {}", e.toString());
      }
    }
  }

  /** Stops the thread, publishes the final figures, marks the file closed and deletes it. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stopping = true;
    LockSupport.unpark(thread);
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    publishOnce();
    writer.close();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
