package io.metacache.writebehind;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.metacache.spi.Tier;
import io.metacache.spi.TierOperation;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One tier's share of the pipeline: a coalescing, bounded backlog and the worker thread that
 * drains it into the tier, with retries, backoff and a circuit breaker. Lanes share nothing but
 * the immutable {@link Op}s and the pending view, so a slow or failing tier only ever slows its
 * own lane.
 *
 * <p>The backlog keeps one live op per key ({@code latest}) and two orders: {@code fresh} (never
 * attempted) and {@code parked} (attempted and failed, or queued while the circuit was open).
 * Parked ops are all older than fresh ones, so "drop the oldest" polls parked first. A replaced op
 * stays in its deque as a dead entry (its key no longer maps to it) and is skipped lazily; the
 * deques are compacted when dead entries outnumber live ones.
 *
 * <p>Locks: {@code lock} guards the backlog and is never held while calling out to anything that
 * takes another lane's lock. {@code applyLock} serializes calls into the tier (the worker and
 * write-throughs on callers' threads) and is always taken before {@code lock}, never after.
 */
final class TierLane implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(WriteBehindPipeline.class);

  /** What a lane tells the pipeline. Both are called with no lane lock held except {@link #settled}. */
  interface Listener {
    /** This lane is done with {@code op}: applied, dropped, superseded. Takes no lane lock. */
    void settled(Op op);

    /** Watermarks may have moved; called with no lane lock held. */
    void progressed();
  }

  private final Tier tier;
  private final String name;
  private final ConcurrentHashMap<Key128, PendingEntry> pending;
  private final Listener listener;
  private final CircuitBreaker breaker;
  private final int batchSize;
  private final int maxAttempts;
  private final long backoffBaseNanos;
  private final long backoffMaxNanos;
  private final int backlogBound;
  private final long probeNanos;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition work = lock.newCondition();
  private final ReentrantLock applyLock = new ReentrantLock();

  // Guarded by lock.
  private final HashMap<Key128, Op> latest = new HashMap<>();
  private final ArrayDeque<Op> fresh = new ArrayDeque<>();
  private final ArrayDeque<Op> parked = new ArrayDeque<>();
  private long receivedThrough = Versions.through(-1);
  private long inHandMin = Long.MAX_VALUE;
  private int inHandCount;
  private volatile boolean draining;
  private long drainDeadlineNanos;
  /**
   * Set when, while draining, a batch failed all its attempts or the circuit refused one: the
   * tier is failing, and the close reports what is left as failed instead of waiting out its
   * timeout (30 s by default) for a tier that is down.
   */
  private volatile boolean gaveUp;

  private volatile boolean halted;
  private volatile boolean lastAttemptFailed;
  private volatile String lastError;
  private volatile String firstError;
  private volatile long lastErrorAtMillis;

  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong opsApplied = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong drops = new AtomicLong();
  private final AtomicLong coalesced = new AtomicLong();

  private final Thread thread;

  TierLane(Tier tier, ConcurrentHashMap<Key128, PendingEntry> pending, Listener listener,
      CircuitBreaker breaker, int batchSize, int maxAttempts, long backoffBaseNanos,
      long backoffMaxNanos, int backlogBound, long probeNanos, int nice) {
    this.tier = tier;
    this.name = tier.name();
    this.pending = pending;
    this.listener = listener;
    this.breaker = breaker;
    this.batchSize = batchSize;
    this.maxAttempts = maxAttempts;
    this.backoffBaseNanos = backoffBaseNanos;
    this.backoffMaxNanos = backoffMaxNanos;
    this.backlogBound = backlogBound;
    this.probeNanos = probeNanos;
    this.thread = new Thread(() -> {
      BackgroundPriority.lowerCurrentThread(nice);
      run();
    }, "metacache-writebehind-" + name);
    this.thread.setDaemon(true);
  }

  String name() {
    return name;
  }

  void start() {
    thread.start();
  }

  // ---------------------------------------------------------------- intake

  /** Takes a coalesced batch from the batcher; never blocks on the tier. */
  void offer(List<Op> ops, long through) {
    lock.lock();
    try {
      boolean park = isOpen();
      for (Op op : ops) {
        enqueue(op, park);
      }
      if (through > receivedThrough) {
        receivedThrough = through;
      }
      enforceBound();
      compactIfSparse();
      work.signal();
    } catch (RuntimeException e) {
      LOG.error("write-behind: tier {} could not take a batch", name, e);
    } finally {
      lock.unlock();
    }
    listener.progressed();
  }

  /**
   * Applies {@code op} on the caller's thread, after any write this lane still holds for the key.
   * If the circuit is open or every attempt fails, the op is parked like any other.
   */
  void writeThrough(Op op) {
    applyLock.lock();
    try {
      lock.lock();
      try {
        Op queued = latest.get(op.key);
        if (queued != null) {
          if (queued.version > op.version) {
            supersede(op);
            return;
          }
          latest.remove(op.key);
          supersede(queued);
        }
        if (isOpen()) {
          latest.put(op.key, op);
          parked.addLast(op);
          enforceBound();
          return;
        }
      } finally {
        lock.unlock();
      }
      if (!breaker.tryAcquirePermission()) {
        park(new ArrayList<>(List.of(op)));
        return;
      }
      List<Op> hand = new ArrayList<>(1);
      hand.add(op);
      applyWithRetries(hand, false);
    } finally {
      applyLock.unlock();
    }
  }

  // Under lock.
  private void enqueue(Op op, boolean park) {
    if (superseded(op)) {
      supersede(op);
      return;
    }
    Op old = latest.put(op.key, op);
    if (old != null) {
      if (old.version > op.version) {
        latest.put(op.key, old);
        supersede(op);
        return;
      }
      supersede(old);
    }
    (park ? parked : fresh).addLast(op);
  }

  private boolean superseded(Op op) {
    PendingEntry e = pending.get(op.key);
    return e != null && e.version > op.version;
  }

  private void supersede(Op op) {
    coalesced.incrementAndGet();
    listener.settled(op);
  }

  // Under lock.
  private void enforceBound() {
    while (latest.size() > backlogBound) {
      Op victim = pollLive(parked);
      if (victim == null) {
        victim = pollLive(fresh);
      }
      if (victim == null) {
        return;
      }
      latest.remove(victim.key);
      drops.incrementAndGet();
      listener.settled(victim);
    }
  }

  // Under lock.
  private Op pollLive(ArrayDeque<Op> deque) {
    Op op;
    while ((op = deque.pollFirst()) != null) {
      if (latest.get(op.key) == op) {
        return op;
      }
    }
    return null;
  }

  // Under lock.
  private Op firstLive(ArrayDeque<Op> deque) {
    Op op;
    while ((op = deque.peekFirst()) != null) {
      if (latest.get(op.key) == op) {
        return op;
      }
      deque.pollFirst();
    }
    return null;
  }

  // Under lock.
  private void compactIfSparse() {
    if (fresh.size() + parked.size() > 2 * latest.size() + 1024) {
      fresh.removeIf(op -> latest.get(op.key) != op);
      parked.removeIf(op -> latest.get(op.key) != op);
    }
  }

  // Under lock.
  private void moveFreshToParked() {
    Op op;
    while ((op = pollLive(fresh)) != null) {
      parked.addLast(op);
    }
  }

  /** Puts ops that could not be applied back at the head of the parked order, oldest first. */
  private void park(List<Op> hand) {
    lock.lock();
    try {
      for (int i = hand.size() - 1; i >= 0; i--) {
        Op op = hand.get(i);
        Op newer = latest.get(op.key);
        if ((newer != null && newer.version > op.version) || superseded(op)) {
          supersede(op);
          continue;
        }
        if (newer != null) {
          // Cannot happen while versions grow per key; keep the newest anyway.
          supersede(newer);
        }
        latest.put(op.key, op);
        parked.addFirst(op);
      }
      enforceBound();
    } finally {
      lock.unlock();
    }
  }

  private boolean isOpen() {
    CircuitBreaker.State s = breaker.getState();
    return s == CircuitBreaker.State.OPEN || s == CircuitBreaker.State.FORCED_OPEN;
  }

  // ---------------------------------------------------------------- worker

  @Override
  public void run() {
    while (true) {
      List<Op> hand;
      try {
        hand = awaitWork();
      } catch (InterruptedException e) {
        if (halted) {
          break;
        }
        continue;
      } catch (Throwable t) {
        LOG.error("write-behind: tier {} worker failed while waiting; continuing", name, t);
        continue;
      }
      if (hand == null) {
        break;
      }
      if (hand.isEmpty()) {
        probe();
        continue;
      }
      try {
        applyWithRetries(hand, true);
      } catch (Throwable t) {
        // Never lose the hand to a bug: park what is left and carry on.
        LOG.error("write-behind: tier {} worker failed; the batch is parked", name, t);
        park(hand);
      } finally {
        lock.lock();
        try {
          inHandMin = Long.MAX_VALUE;
          inHandCount = 0;
        } finally {
          lock.unlock();
        }
        listener.progressed();
      }
    }
    listener.progressed();
  }

  /**
   * The next batch to apply; an empty list to probe an open circuit while idle; {@code null} to
   * stop (drained, or halted at the close deadline).
   */
  private List<Op> awaitWork() throws InterruptedException {
    lock.lockInterruptibly();
    try {
      while (true) {
        if (halted) {
          return null;
        }
        if (latest.isEmpty() || (draining && gaveUp)) {
          if (draining) {
            return null;
          }
          if (isOpen()) {
            if (work.awaitNanos(probeNanos) <= 0 && latest.isEmpty() && isOpen() && !draining) {
              return List.of();
            }
          } else {
            work.await();
          }
          continue;
        }
        if (breaker.tryAcquirePermission()) {
          return take();
        }
        moveFreshToParked();
        if (draining && isOpen()) {
          gaveUp = true;  // the circuit is open: the tier has been failing
          return null;
        }
        long wait = probeNanos;
        if (draining) {
          long left = drainDeadlineNanos - System.nanoTime();
          if (left <= 0) {
            return null;
          }
          wait = Math.min(wait, left);
        }
        work.awaitNanos(wait);
      }
    } finally {
      lock.unlock();
    }
  }

  // Under lock.
  private List<Op> take() {
    List<Op> hand = new ArrayList<>(Math.min(batchSize, latest.size()));
    long min = Long.MAX_VALUE;
    while (hand.size() < batchSize) {
      Op op = pollLive(parked);
      if (op == null) {
        op = pollLive(fresh);
      }
      if (op == null) {
        break;
      }
      latest.remove(op.key);
      hand.add(op);
      min = Math.min(min, op.version);
    }
    inHandMin = min;
    inHandCount = hand.size();
    return hand;
  }

  /** Applies the hand; the caller holds one breaker permission. Parks what is left on failure. */
  private void applyWithRetries(List<Op> hand, boolean worker) {
    int attempt = 1;
    while (true) {
      if (attemptOnce(hand)) {
        return;
      }
      if (attempt >= maxAttempts || halted || !sleepBackoff(attempt)) {
        park(hand);
        if (worker && attempt >= maxAttempts && draining) {
          gaveUp = true;
          return;
        }
        if (worker && attempt >= maxAttempts && !halted && !isOpen()) {
          // The breaker has not opened yet: pause before the parked ops come round again.
          sleepBackoff(attempt + 1);
        }
        return;
      }
      if (!breaker.tryAcquirePermission()) {
        park(hand);
        return;
      }
      retries.incrementAndGet();
      attempt++;
    }
  }

  /** One call into the tier; true when the hand is done (applied, or superseded entirely). */
  private boolean attemptOnce(List<Op> hand) {
    applyLock.lock();
    try {
      // A newer write to a key (a write-through, or one behind in this backlog) makes an op moot.
      hand.removeIf(op -> {
        if (superseded(op)) {
          supersede(op);
          return true;
        }
        return false;
      });
      if (hand.isEmpty()) {
        breaker.releasePermission();
        return true;
      }
      List<TierOperation> batch = new ArrayList<>(hand.size());
      for (Op op : hand) {
        batch.add(op.operation);
      }
      long start = System.nanoTime();
      try {
        tier.apply(Collections.unmodifiableList(batch));
      } catch (Throwable t) {
        breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, t);
        failures.incrementAndGet();
        lastAttemptFailed = true;
        recordError(t);
        if (t instanceof io.metacache.spi.TierException) {
          LOG.warn("write-behind: tier {} failed a batch of {}: {}", name, batch.size(), t.toString());
        } else {
          LOG.error("write-behind: tier {} threw an unexpected exception on a batch of {}", name, batch.size(), t);
        }
        if (t instanceof VirtualMachineError) {
          throw (VirtualMachineError) t;
        }
        return false;
      }
      breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      lastAttemptFailed = false;
      batches.incrementAndGet();
      opsApplied.addAndGet(hand.size());
      for (Op op : hand) {
        listener.settled(op);
      }
      return true;
    } finally {
      applyLock.unlock();
    }
  }

  private boolean sleepBackoff(int attempt) {
    long delay = backoffBaseNanos;
    for (int i = 1; i < attempt && delay < backoffMaxNanos; i++) {
      delay <<= 1;
    }
    delay = Math.min(delay, backoffMaxNanos);
    if (delay <= 0) {
      return true;
    }
    try {
      TimeUnit.NANOSECONDS.sleep(delay);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** With an open circuit and nothing to write, checks whether the tier is back. */
  private void probe() {
    if (!breaker.tryAcquirePermission()) {
      return;
    }
    long start = System.nanoTime();
    try {
      tier.ping();
      breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      lastAttemptFailed = false;
    } catch (Throwable t) {
      breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, t);
      recordError(t);
    }
  }

  private void recordError(Throwable t) {
    lastError = t.getClass().getName() + ": " + t.getMessage();
    if (firstError == null) {
      firstError = lastError; // one writer: the lane's thread
    }
    lastErrorAtMillis = System.currentTimeMillis();
  }

  // ---------------------------------------------------------------- watermarks, close, stats

  /**
   * Every op with a version at or below this is settled here or parked: applied, dropped,
   * superseded, or waiting out a failure. Flush waits on it; write-through retention too.
   */
  long watermark() {
    lock.lock();
    try {
      long w = receivedThrough;
      Op head = firstLive(fresh);
      if (head != null) {
        w = Math.min(w, head.version - 1);
      }
      if (inHandMin != Long.MAX_VALUE) {
        w = Math.min(w, inHandMin - 1);
      }
      return w;
    } finally {
      lock.unlock();
    }
  }

  /** Stops taking new work once the backlog is empty, or at the deadline. */
  void drain(long deadlineNanos) {
    lock.lock();
    try {
      draining = true;
      drainDeadlineNanos = deadlineNanos;
      work.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Waits for the worker to stop until the deadline; then halts it and waits a short grace. */
  void awaitStop(long deadlineNanos, long graceNanos) throws InterruptedException {
    long left = deadlineNanos - System.nanoTime();
    if (left > 0) {
      TimeUnit.NANOSECONDS.timedJoin(thread, left);
    }
    if (thread.isAlive()) {
      halted = true;
      lock.lock();
      try {
        work.signalAll();
      } finally {
        lock.unlock();
      }
      thread.interrupt();
      TimeUnit.NANOSECONDS.timedJoin(thread, graceNanos);
    }
  }

  /** Ops left after the worker stopped (backlog and any hand the tier is still holding). */
  long leftovers() {
    lock.lock();
    try {
      return latest.size() + (long) inHandCount;
    } finally {
      lock.unlock();
    }
  }

  boolean failing() {
    return lastAttemptFailed || isOpen();
  }

  long opsApplied() {
    return opsApplied.get();
  }

  long drops() {
    return drops.get();
  }

  long backlog() {
    lock.lock();
    try {
      return latest.size() + (long) inHandCount;
    } finally {
      lock.unlock();
    }
  }

  TierWriteStats stats() {
    long backlog;
    long parkedLive = 0;
    lock.lock();
    try {
      backlog = latest.size() + (long) inHandCount;
      for (Op op : parked) {
        if (latest.get(op.key) == op) {
          parkedLive++;
        }
      }
    } finally {
      lock.unlock();
    }
    return new TierWriteStats(name, backlog, parkedLive, batches.get(), opsApplied.get(),
        retries.get(), failures.get(), drops.get(), coalesced.get(), circuitState(), lastError,
        lastErrorAtMillis, firstError, lastAttemptFailed);
  }

  CircuitState circuitState() {
    switch (breaker.getState()) {
      case OPEN:
      case FORCED_OPEN:
        return CircuitState.OPEN;
      case HALF_OPEN:
        return CircuitState.HALF_OPEN;
      default:
        return CircuitState.CLOSED;
    }
  }
}
