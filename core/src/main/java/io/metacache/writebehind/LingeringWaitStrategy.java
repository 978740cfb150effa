package io.metacache.writebehind;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.WaitStrategy;
import java.util.concurrent.locks.LockSupport;

/**
 * The batcher's wait strategy: a producer never pays for a wake-up while writes keep coming.
 *
 * <p>Disruptor's {@code BlockingWaitStrategy} takes a monitor and calls {@code notifyAll} on
 * every publish, and its consumer, woken for each write, hands on batches of one. Here the
 * consumer, once it has caught up, first sleeps for the linger without telling anyone
 * ({@link LockSupport#parkNanos}, no spinning, no yielding): writes published meanwhile only
 * advance the cursor, and the consumer takes them all as one batch when it wakes. Only if the
 * linger passed with nothing new does it announce itself and park until a producer unparks it,
 * so an idle pipeline costs no CPU. A producer's signal is then one volatile read, plus one
 * {@code unpark} for the first write after a quiet spell.
 *
 * <p>No lost wake-up: the consumer publishes itself as the sleeper before it re-reads the cursor,
 * a producer advances the cursor before it reads the sleeper (both volatile, so one of them sees
 * the other), and an {@code unpark} that comes before the {@code park} is kept as a permit.
 *
 * <p>One consumer only. {@link #wake()} ends a linger early, for {@code flush()} and close.
 */
final class LingeringWaitStrategy implements WaitStrategy {

  private final long lingerNanos;
  /** The consumer while it is parked until signalled; null while it runs or lingers. */
  private volatile Thread sleeper;
  /** The consumer while it waits at all (lingering or parked); for {@link #wake()}. */
  private volatile Thread waiter;

  /** @param lingerNanos 0: announce at once, wake on every publish (a plain blocking strategy) */
  LingeringWaitStrategy(long lingerNanos) {
    this.lingerNanos = lingerNanos;
  }

  @Override
  public long waitFor(long sequence, Sequence cursor, Sequence dependentSequence, SequenceBarrier barrier)
      throws AlertException, InterruptedException {
    long available = dependentSequence.get();
    if (available >= sequence) {
      return available;
    }
    Thread self = Thread.currentThread();
    waiter = self;
    try {
      if (lingerNanos > 0) {
        LockSupport.parkNanos(this, lingerNanos);
        checkInterrupt(barrier);
        available = dependentSequence.get();
        if (available >= sequence) {
          return available;
        }
      }
      sleeper = self;
      try {
        while ((available = dependentSequence.get()) < sequence) {
          checkInterrupt(barrier);
          LockSupport.park(this);
        }
      } finally {
        sleeper = null;
      }
      return available;
    } finally {
      waiter = null;
    }
  }

  private static void checkInterrupt(SequenceBarrier barrier) throws AlertException, InterruptedException {
    barrier.checkAlert();
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
  }

  /** Called by every publish: unparks the consumer only if it is parked until signalled. */
  @Override
  public void signalAllWhenBlocking() {
    Thread t = sleeper;
    if (t != null) {
      LockSupport.unpark(t);
    }
  }

  /** Ends a linger now, so that what was published is batched without waiting out the linger. */
  void wake() {
    Thread t = waiter;
    if (t != null) {
      LockSupport.unpark(t);
    }
  }

  @Override
  public String toString() {
    return "LingeringWaitStrategy{lingerNanos=" + lingerNanos + '}';
  }
}
