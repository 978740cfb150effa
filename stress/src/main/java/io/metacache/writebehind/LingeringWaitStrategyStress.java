package io.metacache.writebehind;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;

/**
 * The write-behind batcher's wait strategy: a consumer waiting for a sequence is woken by the
 * publish of that sequence, however the publish and the consumer's announcement interleave.
 * (In this package because the strategy is package-private.)
 *
 * <p>Property: no lost wake-up. A consumer that parked after a write was published, or while it
 * was being published, must not sleep on with the write in the ring.
 */
public final class LingeringWaitStrategyStress {

  private LingeringWaitStrategyStress() {}

  /** The consumer's barrier, reduced to what the strategy calls: never alerted. */
  static final SequenceBarrier NEVER_ALERTED = new SequenceBarrier() {
    @Override
    public long waitFor(long sequence) {
      throw new UnsupportedOperationException();
    }

    @Override
    public long getCursor() {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean isAlerted() {
      return false;
    }

    @Override
    public void alert() {}

    @Override
    public void clearAlert() {}

    @Override
    public void checkAlert() {}
  };

  /** A consumer waiting for sequence 0 of an empty ring, and the producer that publishes it. */
  @State
  public static class Ring {
    final Sequence cursor = new Sequence(-1);
    final LingeringWaitStrategy strategy;

    Ring(long lingerNanos) {
      this.strategy = new LingeringWaitStrategy(lingerNanos);
    }

    void consume() throws Exception {
      strategy.waitFor(0, cursor, cursor, NEVER_ALERTED);
    }

    void publish() {
      cursor.set(0);
      strategy.signalAllWhenBlocking();
    }
  }

  /** Without a linger the consumer announces itself at once: the plain Dekker handshake. */
  @JCStressTest(Mode.Termination)
  @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "the publish woke the consumer (or came before it waited)")
  @Outcome(id = "STALE", expect = FORBIDDEN, desc = "lost wake-up: the consumer sleeps with the write published")
  @State
  public static class NoLinger extends Ring {
    public NoLinger() {
      super(0);
    }

    @Actor
    public void consumer() throws Exception {
      consume();
    }

    @Signal
    public void producer() {
      publish();
    }
  }

  /**
   * With a linger of 20 µs the publish lands before, during or after the silent sleep; after it,
   * only the producer's unpark can wake the consumer.
   */
  @JCStressTest(Mode.Termination)
  @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "the consumer saw the write after its linger or was woken")
  @Outcome(id = "STALE", expect = FORBIDDEN, desc = "lost wake-up: the consumer sleeps with the write published")
  @State
  public static class WithLinger extends Ring {
    public WithLinger() {
      super(20_000);
    }

    @Actor
    public void consumer() throws Exception {
      consume();
    }

    @Signal
    public void producer() {
      publish();
    }
  }
}
