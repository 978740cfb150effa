package io.metacache.writebehind;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.metacache.config.ConfigValues;
import io.metacache.spi.Tier;
import io.metacache.spi.TierOperation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Carries writes from the caller to the lower tiers (Redis, disk, SQLite) in the background, so a
 * {@code put} costs a ring slot, not a round trip.
 *
 * <h2>Concurrency</h2>
 * Callers publish into a multi-producer LMAX Disruptor ring. Its single consumer, the batcher,
 * copies each event out of the ring (no reference to a ring slot survives the handler) and hands
 * coalesced batches to one <em>lane</em> per tier. Each lane has its own worker thread and its
 * own backlog, so a slow or failing tier only ever delays itself: the batcher never waits on a
 * tier, and the ring's backpressure, the only thing a producer can wait on, depends on the
 * batcher alone (a producer held by a full ring under {@link RingFullPolicy#BLOCK} parks in the
 * Disruptor's sequencer until the batcher frees a slot). The price of that isolation is memory, so every backlog is bounded: when a tier
 * falls behind by more than the bound, its oldest writes are dropped and counted, never the other
 * tiers'. The consumer waits with a blocking strategy: busy-spinning or yielding would burn one
 * of the two cores an idle cache runs on.
 *
 * <h2>Batching and coalescing</h2>
 * The batcher closes a batch at the configured size or when the Disruptor reports the end of the
 * available run, whichever comes first, and keeps only the last write per key (a delete after a
 * put wins). A lane coalesces again across batches while its tier is busy: its backlog keeps one
 * write per key, so a tier that lags receives fewer, not older, writes. Each worker hands its tier
 * one {@link Tier#apply} call per batch of at most the batch size.
 *
 * <h2>Ordering and read-your-writes</h2>
 * Every write gets a version: twice its ring sequence (plus one for a write-through, see
 * {@link Versions}). The pending view maps a key to its newest write until every tier has settled
 * that version; a completion removes the entry only if it is still the one mapped, so an older
 * write's completion never hides a newer write. Before each call into a tier a lane drops ops
 * that the pending view shows to be superseded, which is what keeps a write-through (applied on
 * the caller's thread, out of ring order) from being overwritten by an older ring write; such an
 * entry stays in the view until every lane has passed the ring position it was made at.
 *
 * <h2>Failure</h2>
 * A failed {@code apply} is retried with exponential backoff up to the configured attempts. Each
 * tier has a resilience4j circuit breaker fed with every attempt; once it opens, the lane stops
 * calling the tier and parks the tier's writes (coalesced, within the bound) until the breaker's
 * wait is over; the next attempt is the half-open trial, and an idle lane probes with
 * {@link Tier#ping}. Writes whose attempts ran out are parked the same way, never discarded, so a
 * tier that comes back receives them. Any exception from a tier, {@link io.metacache.spi.TierException}
 * or not, counts as a failure of that tier; nothing a tier throws stops a worker, and the ring's
 * exception handler logs and carries on if the batcher itself fails.
 *
 * <h2>Flush and close</h2>
 * {@link #flush} waits until every lane has settled every write claimed before the call: applied,
 * dropped, superseded, or parked after failing (a parked write has been tried; flush does not wait
 * for a dead tier to come back). {@link #close} refuses new writes, drains the ring and then every
 * backlog until the close timeout, and reports per tier what was written and what was not. The
 * pipeline never closes the tiers: they belong to the cache, which reads from them too.
 */
public final class WriteBehindPipeline {

  private final RingFullPolicy fullPolicy;
  private final Disruptor<RingEvent> disruptor;
  private final RingBuffer<RingEvent> ring;
  private final LingeringWaitStrategy waitStrategy;
  private final Batcher batcher;
  private final TierLane[] lanes;
  private final long closeTimeoutNanos;
  private volatile Thread batcherThread;

  private final ConcurrentHashMap<Key128, PendingEntry> pending = new ConcurrentHashMap<>();
  /** Write-through entries settled everywhere but kept until every lane passed their ring position. */
  private final ConcurrentLinkedQueue<PendingEntry> retained = new ConcurrentLinkedQueue<>();
  private final ReentrantLock writeThroughLock = new ReentrantLock();
  private final Object progressMonitor = new Object();
  private final AtomicInteger flushWaiters = new AtomicInteger();

  private final AtomicInteger producersInFlight = new AtomicInteger();
  private volatile boolean closed;
  private final Object closeLock = new Object();
  private WriteBehindReport report;

  private final LongAdder ringDrops = new LongAdder();
  private final LongAdder writeThroughs = new LongAdder();

  private WriteBehindPipeline(Builder b) {
    this.fullPolicy = b.fullPolicy;
    this.closeTimeoutNanos = b.closeTimeout.toNanos();
    TierLane.Listener listener = new TierLane.Listener() {
      @Override
      public void settled(Op op) {
        WriteBehindPipeline.this.settled(op);
      }

      @Override
      public void progressed() {
        WriteBehindPipeline.this.progressed();
      }
    };
    CircuitBreakerConfig breakerConfig = CircuitBreakerConfig.custom()
        .failureRateThreshold(b.breakerFailureRate)
        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .slidingWindowSize(b.breakerWindow)
        .minimumNumberOfCalls(b.breakerWindow)
        .permittedNumberOfCallsInHalfOpenState(1)
        .waitDurationInOpenState(b.breakerWait)
        .automaticTransitionFromOpenToHalfOpenEnabled(false)
        .writableStackTraceEnabled(false)
        .build();
    this.lanes = new TierLane[b.tiers.size()];
    for (int i = 0; i < lanes.length; i++) {
      Tier tier = b.tiers.get(i);
      lanes[i] = new TierLane(tier, pending, listener,
          CircuitBreaker.of("metacache-writebehind-" + tier.name(), breakerConfig),
          b.batchSize, b.retryAttempts, b.backoffBase.toNanos(), b.backoffMax.toNanos(),
          b.backlogBound, Math.max(1, b.breakerWait.toNanos()), b.nice);
    }
    this.batcher = new Batcher(lanes, pending, b.batchSize, b.beforeEvent);
    this.waitStrategy = new LingeringWaitStrategy(b.linger.toNanos());
    this.disruptor = new Disruptor<>(RingEvent::new, b.ringSize, runnable -> {
      Thread t = new Thread(() -> {
        BackgroundPriority.lowerCurrentThread(b.nice);
        runnable.run();
      }, "metacache-writebehind-batcher");
      t.setDaemon(true);
      batcherThread = t;
      return t;
    }, ProducerType.MULTI, waitStrategy);
    disruptor.setDefaultExceptionHandler(new LoggingExceptionHandler());
    disruptor.handleEventsWith(batcher);
    for (TierLane lane : lanes) {
      lane.start();
    }
    this.ring = disruptor.start();
  }

  /**
   * The background priority {@code metacache.writebehind.nice} configures, read through
   * {@code property} (unset: the default, idle), in the form {@link #lowerCurrentThread} takes.
   *
   * @throws IllegalArgumentException for a bad value, naming the property
   */
  public static int backgroundPriority(java.util.function.Function<String, String> property) {
    String value = property.apply(Builder.NICE);
    Builder b = new Builder();
    if (value != null) {
      b.set(Builder.NICE, value);
    }
    return b.nice;
  }

  /**
   * Lowers the calling thread to a priority from {@link #backgroundPriority}, as the pipeline
   * lowers its own threads; best effort (see the builder's {@code idlePriority}).
   *
   * @return whether the priority was lowered as asked
   */
  public static boolean lowerCurrentThread(int priority) {
    return BackgroundPriority.lowerCurrentThread(priority);
  }

  /** A builder with the defaults listed on its setters. */
  public static Builder builder() {
    return new Builder();
  }

  // ---------------------------------------------------------------- writes

  /**
   * Queues a put for every tier.
   *
   * @param value the encoded entry; owned by the pipeline from now on, never modify it
   * @param expiresAtMillis expiry in epoch milliseconds, 0 = never
   * @return false if the ring was full and the write dropped ({@link RingFullPolicy#DROP})
   * @throws IllegalStateException after {@link #close()}
   */
  public boolean put(long keyHigh, long keyLow, byte[] value, long expiresAtMillis) {
    Objects.requireNonNull(value, "value");
    if (expiresAtMillis < 0) {
      throw new IllegalArgumentException(
          "expiresAtMillis: expected 0 (never) or a positive epoch millisecond, got " + expiresAtMillis);
    }
    return publish(keyHigh, keyLow, false, value, expiresAtMillis);
  }

  /**
   * Queues a delete for every tier.
   *
   * @return false if the ring was full and the write dropped ({@link RingFullPolicy#DROP})
   * @throws IllegalStateException after {@link #close()}
   */
  public boolean delete(long keyHigh, long keyLow) {
    return publish(keyHigh, keyLow, true, null, 0);
  }

  /** The newest write to the key that some tier has not settled yet, or {@code null}. */
  public PendingWrite pending(long keyHigh, long keyLow) {
    PendingEntry e = pending.get(new Key128(keyHigh, keyLow));
    return e == null ? null : e.view();
  }

  private boolean publish(long keyHigh, long keyLow, boolean delete, byte[] value, long expiresAtMillis) {
    producersInFlight.incrementAndGet();
    try {
      if (closed) {
        throw new IllegalStateException("the write-behind pipeline is closed");
      }
      long sequence;
      if (fullPolicy == RingFullPolicy.BLOCK) {
        sequence = ring.next();
      } else {
        try {
          sequence = ring.tryNext();
        } catch (InsufficientCapacityException full) {
          if (fullPolicy == RingFullPolicy.DROP) {
            ringDrops.increment();
            return false;
          }
          writeThrough(keyHigh, keyLow, delete, value, expiresAtMillis);
          return true;
        }
      }
      long version = Versions.ofRing(sequence);
      try {
        // Fill the slot first: nothing here can throw, so a claimed slot never carries stale data.
        ring.get(sequence).set(keyHigh, keyLow, delete, value, expiresAtMillis, version);
        install(new PendingEntry(new Key128(keyHigh, keyLow),
            delete ? TierOperation.Kind.DELETE : TierOperation.Kind.PUT, value, expiresAtMillis,
            version, false, lanes.length));
      } finally {
        ring.publish(sequence);
      }
      return true;
    } finally {
      producersInFlight.decrementAndGet();
    }
  }

  private void writeThrough(long keyHigh, long keyLow, boolean delete, byte[] value, long expiresAtMillis) {
    Key128 key = new Key128(keyHigh, keyLow);
    TierOperation operation = delete
        ? TierOperation.delete(keyHigh, keyLow)
        : TierOperation.put(keyHigh, keyLow, value, expiresAtMillis);
    // Serialized so that two write-throughs to one key reach every tier in the same order.
    writeThroughLock.lock();
    try {
      long version = Versions.ofWriteThrough(ring.getCursor());
      install(new PendingEntry(key, operation.kind(), value, expiresAtMillis, version, true, lanes.length));
      Op op = new Op(key, operation, version);
      for (TierLane lane : lanes) {
        lane.writeThrough(op);
      }
      writeThroughs.increment();
    } finally {
      writeThroughLock.unlock();
    }
    progressed();
  }

  /** Maps the key to the entry unless a newer write got there first. */
  private void install(PendingEntry entry) {
    entry.pendingSinceNanos = System.nanoTime();
    pending.compute(entry.key, (k, old) -> old != null && old.version > entry.version ? old : entry);
  }

  // ---------------------------------------------------------------- settling and watermarks

  /** A lane is done with {@code op}; the last lane to settle the mapped version removes it. */
  private void settled(Op op) {
    PendingEntry e = pending.get(op.key);
    if (e == null || e.version != op.version || e.unsettled.decrementAndGet() != 0) {
      return;
    }
    if (e.writeThrough) {
      // Older ring writes to this key may still be on their way: keep the entry until they pass.
      retained.add(e);
    } else {
      pending.remove(op.key, e);
    }
  }

  private void progressed() {
    if (!retained.isEmpty()) {
      long w = watermark();
      retained.removeIf(e -> {
        if (e.version - 1 <= w) {
          pending.remove(e.key, e);
          return true;
        }
        return false;
      });
    }
    if (flushWaiters.get() > 0) {
      synchronized (progressMonitor) {
        progressMonitor.notifyAll();
      }
    }
  }

  /** Every write with a version at or below this is settled or parked in every tier. */
  private long watermark() {
    long w = Long.MAX_VALUE;
    for (TierLane lane : lanes) {
      w = Math.min(w, lane.watermark());
    }
    return w;
  }

  // ---------------------------------------------------------------- flush and close

  /**
   * Waits until every write made before the call is applied, dropped or parked after failing in
   * every tier. Returns at once after {@link #close()}.
   */
  public void flush() {
    while (!flush(Duration.ofDays(1))) {
      // keep waiting
    }
  }

  /**
   * Like {@link #flush()}, for at most {@code timeout}.
   *
   * @return true if everything was settled in time
   */
  public boolean flush(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long target = Versions.through(ring.getCursor());
    if (closed || watermark() >= target) {
      return true;
    }
    waitStrategy.wake(); // batch what is in the ring now rather than after the linger
    flushWaiters.incrementAndGet();
    try {
      synchronized (progressMonitor) {
        while (!closed && watermark() < target) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          // Lanes notify on progress; the timed wait only bounds a missed notification.
          progressMonitor.wait(Math.max(1, Math.min(10, TimeUnit.NANOSECONDS.toMillis(left))));
        }
        return true;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      flushWaiters.decrementAndGet();
    }
  }

  /**
   * Refuses further writes, drains the ring and every tier's backlog until the close timeout, and
   * reports the outcome. A tier that fails while it is drained (a batch fails all its attempts, or
   * its circuit is open) is not waited for: what it has left is reported as failed at once. Later
   * calls return the same report. Does not close the tiers.
   */
  public WriteBehindReport close() {
    synchronized (closeLock) {
      if (report != null) {
        return report;
      }
      closed = true;
      long deadline = System.nanoTime() + closeTimeoutNanos;
      while (producersInFlight.get() > 0 && deadline - System.nanoTime() > 0) {
        LockSupport.parkNanos(100_000);
      }
      // Not Disruptor.shutdown(): it skips consumers whose thread has not started running yet.
      long cursor = ring.getCursor();
      waitStrategy.wake();
      while (disruptor.getSequenceValueFor(batcher) < cursor && deadline - System.nanoTime() > 0) {
        LockSupport.parkNanos(200_000);
      }
      disruptor.halt();
      try {
        // The batcher finishes the run in hand after a halt; count only once it has stopped.
        Thread t = batcherThread;
        if (t != null) {
          t.join(Math.max(500, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      boolean timedOut = false;
      // Sealed, the batcher hands nothing more on, even if a long run outlived the join above.
      long unconsumed = Math.max(0, ring.getCursor() - batcher.seal());
      for (TierLane lane : lanes) {
        lane.drain(deadline);
      }
      try {
        for (TierLane lane : lanes) {
          lane.awaitStop(deadline, TimeUnit.MILLISECONDS.toNanos(500));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      List<WriteBehindReport.TierReport> tiers = new ArrayList<>(lanes.length);
      for (TierLane lane : lanes) {
        long left = lane.leftovers();
        boolean failing = lane.failing();
        long failed = failing ? left : 0;
        long notWritten = (failing ? 0 : left) + unconsumed;
        timedOut |= left > 0;
        tiers.add(new WriteBehindReport.TierReport(lane.name(), lane.opsApplied(), failed,
            lane.drops(), notWritten));
      }
      report = new WriteBehindReport(ringDrops.sum(), unconsumed, tiers, timedOut || unconsumed > 0);
      progressed();
      return report;
    }
  }

  /** Test seam: the batcher's thread, once the Disruptor has started it (else null). */
  Thread batcherThread() {
    return batcherThread;
  }

  /** True after {@link #close()} was called. */
  public boolean isClosed() {
    return closed;
  }

  // ---------------------------------------------------------------- stats

  /** A snapshot of depth, lag and per-tier counters. Walks the pending view: not for hot paths. */
  public WriteBehindStats stats() {
    long occupancy = ring.getBufferSize() - ring.remainingCapacity();
    List<TierWriteStats> tiers = new ArrayList<>(lanes.length);
    long depth = occupancy;
    for (TierLane lane : lanes) {
      TierWriteStats s = lane.stats();
      depth += s.backlog();
      tiers.add(s);
    }
    long now = System.nanoTime();
    long oldest = now;
    long keys = 0;
    for (PendingEntry e : pending.values()) {
      keys++;
      if (e.pendingSinceNanos - oldest < 0) {
        oldest = e.pendingSinceNanos;
      }
    }
    return new WriteBehindStats(depth, occupancy, TimeUnit.NANOSECONDS.toMillis(now - oldest), keys,
        ringDrops.sum(), writeThroughs.sum(), tiers);
  }

  /** The circuit state of the named tier, for health checks. */
  public CircuitState circuitState(String tier) {
    for (TierLane lane : lanes) {
      if (lane.name().equals(tier)) {
        return lane.circuitState();
      }
    }
    throw new IllegalArgumentException("no tier named " + tier);
  }

  // ---------------------------------------------------------------- builder

  /**
   * Configures a pipeline. Every setter validates its value and names the matching property in
   * its error; {@link #build()} checks the settings against each other and starts the threads.
   */
  public static final class Builder {
    /** Ring slots: a power of two from 8 to 2^24. */
    public static final String RING_SIZE = "metacache.writebehind.ring-size";
    /** Most writes per batch handed to a tier: 1 to 65536. */
    public static final String BATCH_SIZE = "metacache.writebehind.batch-size";
    /** What a write does when the ring is full: block, drop or write-through. */
    public static final String FULL_POLICY = "metacache.writebehind.full-policy";
    /** Attempts per batch before its writes are parked: 1 to 100. */
    public static final String RETRY_ATTEMPTS = "metacache.writebehind.retry.attempts";
    /** Backoff before the first retry, doubled per retry: 0 to 1m. */
    public static final String BACKOFF_BASE = "metacache.writebehind.retry.backoff-base";
    /** Longest backoff between retries: 0 to 10m, at least the base. */
    public static final String BACKOFF_MAX = "metacache.writebehind.retry.backoff-max";
    /** Failure rate (percent of the window) that opens a tier's circuit: above 0, at most 100. */
    public static final String BREAKER_FAILURE_RATE = "metacache.writebehind.breaker.failure-rate";
    /** Time an open circuit waits before its half-open trial: 1ms to 1h. */
    public static final String BREAKER_WAIT = "metacache.writebehind.breaker.wait";
    /** Calls the failure rate is measured over (and needed before it is): 1 to 1000. */
    public static final String BREAKER_WINDOW = "metacache.writebehind.breaker.window";
    /** Most writes kept per tier while it lags or fails; beyond, the oldest are dropped: 1 to 2^30. */
    public static final String BACKLOG_MAX = "metacache.writebehind.backlog.max-entries";
    /** How long close drains before reporting what was not written: 0 to 1h. */
    public static final String CLOSE_TIMEOUT = "metacache.writebehind.close-timeout";
    /** Nice value of the pipeline's threads on Linux, 0 (unchanged) to 19 (lowest). */
    public static final String NICE = "metacache.writebehind.nice";
    /** How long the batcher, once caught up, sleeps before it asks to be woken: 0 to 1s. */
    public static final String LINGER = "metacache.writebehind.linger";

    /**
     * The priority of a pipeline configured with neither {@link #nice} nor {@link #idlePriority}:
     * the {@link #NICE} system property when the JVM was started with one, so that a whole process
     * (a test suite that measures nothing about priority) can keep its lanes at the normal
     * priority; otherwise idle. Read once.
     */
    static final int DEFAULT_NICE = defaultNice(System.getProperty(NICE));

    /** The default priority for a {@link #NICE} system property value ({@code null}: unset, idle). */
    static int defaultNice(String systemProperty) {
      if (systemProperty == null || systemProperty.isBlank()) {
        return BackgroundPriority.IDLE;
      }
      return new Builder(BackgroundPriority.IDLE).set(NICE, systemProperty).nice;
    }

    private static final Duration MAX_BACKOFF_BASE = Duration.ofMinutes(1);
    private static final Duration MAX_BACKOFF_MAX = Duration.ofMinutes(10);
    private static final Duration MAX_HOUR = Duration.ofHours(1);

    private final List<Tier> tiers = new ArrayList<>();
    private int ringSize = 16_384;
    /** The default of {@link #BATCH_SIZE}: the best drain rate into Redis and SQLite on loopback (results/focused/tiered.md). */
    public static final int DEFAULT_BATCH_SIZE = 1024;

    private int batchSize = DEFAULT_BATCH_SIZE;
    private RingFullPolicy fullPolicy = RingFullPolicy.BLOCK;
    private int retryAttempts = 3;
    private Duration backoffBase = Duration.ofMillis(50);
    private Duration backoffMax = Duration.ofSeconds(2);
    private float breakerFailureRate = 50f;
    private Duration breakerWait = Duration.ofSeconds(5);
    private int breakerWindow = 10;
    private int backlogBound = 100_000;
    private Duration closeTimeout = Duration.ofSeconds(30);
    private Duration linger = Duration.ofMillis(1);
    private int nice = DEFAULT_NICE;
    /** Test seam: runs on the batcher thread before each event (holds the consumer to fill the ring). */
    java.util.function.LongConsumer beforeEvent;

    private Builder() {}

    private Builder(int nice) {
      this.nice = nice;
    }

    /** Adds a tier; writes reach tiers independently, listed order is reporting order. */
    public Builder tier(Tier tier) {
      tiers.add(Objects.requireNonNull(tier, "tier"));
      return this;
    }

    /** Adds tiers in order. */
    public Builder tiers(List<? extends Tier> tiers) {
      for (Tier t : tiers) {
        tier(t);
      }
      return this;
    }

    /** Ring slots, a power of two from 8 to 2^24; default 16384. */
    public Builder ringSize(int ringSize) {
      if (ringSize < 8 || ringSize > (1 << 24) || Integer.bitCount(ringSize) != 1) {
        throw ConfigValues.invalid(RING_SIZE, Integer.toString(ringSize), "a power of two from 8 to 16777216");
      }
      this.ringSize = ringSize;
      return this;
    }

    /** Most writes per tier batch, 1 to 65536; default 1024. */
    public Builder batchSize(int batchSize) {
      this.batchSize = (int) ConfigValues.checkRange(BATCH_SIZE, batchSize, 1, 65_536);
      return this;
    }

    /** What a write does when the ring is full; default {@link RingFullPolicy#BLOCK}. */
    public Builder fullPolicy(RingFullPolicy fullPolicy) {
      if (fullPolicy == null) {
        throw ConfigValues.invalid(FULL_POLICY, "null", "block, drop or write-through");
      }
      this.fullPolicy = fullPolicy;
      return this;
    }

    /** Attempts per batch before its writes are parked, 1 to 100; default 3. */
    public Builder retryAttempts(int retryAttempts) {
      this.retryAttempts = (int) ConfigValues.checkRange(RETRY_ATTEMPTS, retryAttempts, 1, 100);
      return this;
    }

    /** Backoff before the first retry, 0 to 1m, doubling per retry; default 50ms. */
    public Builder backoffBase(Duration backoffBase) {
      this.backoffBase = checkDuration(BACKOFF_BASE, backoffBase, Duration.ZERO, MAX_BACKOFF_BASE);
      return this;
    }

    /** Longest backoff, 0 to 10m and at least the base; default 2s. */
    public Builder backoffMax(Duration backoffMax) {
      this.backoffMax = checkDuration(BACKOFF_MAX, backoffMax, Duration.ZERO, MAX_BACKOFF_MAX);
      return this;
    }

    /** Failure percentage that opens a tier's circuit, above 0 and at most 100; default 50. */
    public Builder breakerFailureRate(float percent) {
      if (!(percent > 0f && percent <= 100f)) {
        throw ConfigValues.invalid(BREAKER_FAILURE_RATE, Float.toString(percent), "a percentage above 0 and at most 100");
      }
      this.breakerFailureRate = percent;
      return this;
    }

    /** How long an open circuit waits before a trial, 1ms to 1h; default 5s. */
    public Builder breakerWait(Duration breakerWait) {
      this.breakerWait = checkDuration(BREAKER_WAIT, breakerWait, Duration.ofMillis(1), MAX_HOUR);
      return this;
    }

    /** Calls the failure rate is measured over, 1 to 1000; default 10. */
    public Builder breakerWindow(int calls) {
      this.breakerWindow = (int) ConfigValues.checkRange(BREAKER_WINDOW, calls, 1, 1000);
      return this;
    }

    /** Most writes kept per tier, 1 to 2^30; default 100000. */
    public Builder backlogBound(int entries) {
      this.backlogBound = (int) ConfigValues.checkRange(BACKLOG_MAX, entries, 1, 1 << 30);
      return this;
    }

    /** How long {@link WriteBehindPipeline#close()} drains, 0 to 1h; default 30s. */
    public Builder closeTimeout(Duration closeTimeout) {
      this.closeTimeout = checkDuration(CLOSE_TIMEOUT, closeTimeout, Duration.ZERO, MAX_HOUR);
      return this;
    }

    /**
     * How long the batcher, once it has caught up with the ring, sleeps before it asks writers
     * to wake it, 0 to 1s; default 1ms. While writes keep coming they are published without any
     * wake-up and reach the tiers in batches gathered over the linger; 0 wakes the batcher on
     * every write. {@link WriteBehindPipeline#flush()} ends a linger at once.
     */
    public Builder linger(Duration linger) {
      this.linger = checkDuration(LINGER, linger, Duration.ZERO, Duration.ofSeconds(1));
      return this;
    }

    /** Test seam: a linger beyond the public bound, so long that only a wake-up ends it in a test. */
    Builder lingerBeyondBound(Duration linger) {
      this.linger = Objects.requireNonNull(linger, "linger");
      return this;
    }

    /**
     * Runs the pipeline's threads (batcher and tier lanes) at a nice value on Linux, 0 to 19,
     * instead of the default idle priority ({@link #idlePriority()}; a {@link #NICE} system
     * property given to the JVM changes that default). Above 0 the pipeline takes the CPU mostly
     * when the application's threads leave it; 0 leaves the threads at the normal priority.
     * Ignored elsewhere than Linux.
     */
    public Builder nice(int nice) {
      this.nice = (int) ConfigValues.checkRange(NICE, nice, 0, 19);
      return this;
    }

    /**
     * Runs the pipeline's threads under Linux's {@code SCHED_IDLE} policy (the default): they run
     * when a core has nothing else to do and never preempt the application's threads, so a
     * {@code put} is not interrupted by the tier writes it queued. Where the policy cannot be set
     * the threads get nice 19. Ignored elsewhere than Linux.
     */
    public Builder idlePriority() {
      this.nice = BackgroundPriority.IDLE;
      return this;
    }

    /**
     * Applies one {@code metacache.writebehind.*} property from its text form (sizes and counts
     * as whole numbers, durations as {@code 250ms}, {@code 5s}, ...).
     *
     * @throws IllegalArgumentException for an unknown property or a bad value
     */
    public Builder set(String property, String value) {
      switch (property) {
        case RING_SIZE: return ringSize((int) ConfigValues.parseLong(property, value, 8, 1 << 24));
        case BATCH_SIZE: return batchSize((int) ConfigValues.parseLong(property, value, 1, 65_536));
        case FULL_POLICY: return fullPolicy(RingFullPolicy.parse(property, value));
        case RETRY_ATTEMPTS: return retryAttempts((int) ConfigValues.parseLong(property, value, 1, 100));
        case BACKOFF_BASE: return backoffBase(ConfigValues.parseDuration(property, value));
        case BACKOFF_MAX: return backoffMax(ConfigValues.parseDuration(property, value));
        case BREAKER_FAILURE_RATE:
          return breakerFailureRate((float) ConfigValues.parseDouble(property, value, Double.MIN_VALUE, 100));
        case BREAKER_WAIT: return breakerWait(ConfigValues.parseDuration(property, value));
        case BREAKER_WINDOW: return breakerWindow((int) ConfigValues.parseLong(property, value, 1, 1000));
        case BACKLOG_MAX: return backlogBound((int) ConfigValues.parseLong(property, value, 1, 1 << 30));
        case CLOSE_TIMEOUT: return closeTimeout(ConfigValues.parseDuration(property, value));
        case LINGER: return linger(ConfigValues.parseDuration(property, value));
        case NICE:
          if (value != null && value.trim().equalsIgnoreCase("idle")) {
            return idlePriority();
          }
          try {
            return nice((int) ConfigValues.parseLong(property, value, 0, 19));
          } catch (IllegalArgumentException e) {
            throw ConfigValues.invalid(property, value, "idle, or a whole number from 0 to 19");
          }
        default: throw new IllegalArgumentException("Unknown write-behind property: " + property);
      }
    }

    /**
     * Starts the pipeline's threads.
     *
     * @throws IllegalArgumentException without tiers, with two tiers of one name, or with a
     *     backoff maximum below the base
     */
    public WriteBehindPipeline build() {
      if (tiers.isEmpty()) {
        throw new IllegalArgumentException("a write-behind pipeline needs at least one tier");
      }
      Set<String> names = new HashSet<>();
      for (Tier t : tiers) {
        if (!names.add(Objects.requireNonNull(t.name(), "tier name"))) {
          throw new IllegalArgumentException("two tiers are named '" + t.name() + "'; names must be distinct");
        }
      }
      if (backoffMax.compareTo(backoffBase) < 0) {
        throw ConfigValues.invalid(BACKOFF_MAX, backoffMax.toString(),
            "a duration at least " + BACKOFF_BASE + " (" + backoffBase + ")");
      }
      return new WriteBehindPipeline(this);
    }

    private static Duration checkDuration(String property, Duration d, Duration min, Duration max) {
      if (d == null || d.compareTo(min) < 0 || d.compareTo(max) > 0) {
        throw ConfigValues.invalid(property, String.valueOf(d), "a duration from " + min + " to " + max);
      }
      return d;
    }
  }
}
