package io.metacache.stress.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.metacache.memory.MemoryTier;
import io.metacache.memory.MemoryTierProbe;
import io.metacache.policy.PolicyKind;
import java.time.Duration;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;
import org.openjdk.jcstress.infra.results.I_Result;

/**
 * The memory tier's eviction-policy buffers (the lossy read buffer and the ordered write log)
 * against racing reads, writes and removals: once every buffered event is replayed, the policy
 * holds a key exactly when the map does. A lost or reordered event would leave a removed key in
 * the policy (it would later evict a stranger's slot, and the byte bound would drift) or a stored
 * key outside it (never evicted).
 *
 * <p>The arbiter reports {@link MemoryTierProbe#membership}: 3 both hold the key, 0 neither,
 * 2 only the map, 1 only the policy. The shared tier holds 64 entries, so the actors of other
 * states evict all the time: eviction (and W-TinyLFU's admission filter) may remove the test's
 * key at any moment, which is consistent as long as map and policy agree.
 */
public final class EvictionBufferStress {

  private EvictionBufferStress() {}

  /** One small tier per fork for each policy: constant eviction pressure. */
  static final class Tight {
    static final MemoryTier WTINYLFU = open(PolicyKind.WTINYLFU);
    static final MemoryTier LRU = open(PolicyKind.LRU);
    static final MemoryTier LFU = open(PolicyKind.LFU);

    private Tight() {}

    private static MemoryTier open(PolicyKind kind) {
      return MemoryTier.builder()
          .maxEntries(64)
          .maxBytes(16L << 20)
          .maxEntryBytes(1024)
          .averageEntryBytes(256)
          .policy(kind)
          .persistTo(null)
          .expirySweepInterval(Duration.ZERO)
          .build();
    }
  }

  static final byte[] VALUE = MemoryTierStress.value(1);

  /** A fresh key, written once before the actors start. */
  @State
  public static class HeldKey {
    final MemoryTier tier;
    final long high = Keys.next();
    final long low = Keys.low(high);

    HeldKey(MemoryTier tier) {
      this.tier = tier;
      tier.put(high, low, VALUE);
    }

    int membershipAndCleanUp() {
      int bits = MemoryTierProbe.membership(tier, high, low);
      tier.remove(high, low);
      return bits;
    }
  }

  /** A hit buffered in the read buffer while the key is removed must not keep it in the policy. */
  @JCStressTest
  @State
  @Outcome(id = "0", expect = ACCEPTABLE, desc = "removed (or evicted): neither map nor policy holds the key")
  @Outcome(id = "1", expect = FORBIDDEN, desc = "the policy still holds a key the map no longer has")
  @Outcome(id = "2", expect = FORBIDDEN, desc = "the map holds a key the policy lost")
  @Outcome(id = "3", expect = FORBIDDEN, desc = "the removed key is still in the map and the policy")
  @Outcome(expect = FORBIDDEN, desc = "unexpected membership")
  public static class ReadRacingRemove extends HeldKey {
    public ReadRacingRemove() {
      super(Tight.WTINYLFU);
    }

    @Actor
    public void reader() {
      for (int i = 0; i < 4; i++) {
        tier.get(high, low);
      }
    }

    @Actor
    public void remover() {
      tier.remove(high, low);
    }

    @Arbiter
    public void membership(I_Result r) {
      r.r1 = membershipAndCleanUp();
    }
  }

  /** A re-put racing a remove: the write log replays them in map order, whichever won. */
  @JCStressTest
  @State
  @Outcome(id = "3", expect = ACCEPTABLE, desc = "both hold the key (the put landed last)")
  @Outcome(id = "0", expect = ACCEPTABLE, desc = "neither holds the key (the remove landed last, or it was evicted)")
  @Outcome(id = "1", expect = FORBIDDEN, desc = "the policy holds a key the map no longer has")
  @Outcome(id = "2", expect = FORBIDDEN, desc = "the map holds a key the policy lost")
  @Outcome(expect = FORBIDDEN, desc = "unexpected membership")
  public static class PutRacingRemove extends HeldKey {
    public PutRacingRemove() {
      super(Tight.WTINYLFU);
    }

    @Actor
    public void writer() {
      tier.put(high, low, VALUE);
    }

    @Actor
    public void remover() {
      tier.remove(high, low);
    }

    @Arbiter
    public void membership(I_Result r) {
      r.r1 = membershipAndCleanUp();
    }
  }

  /** As {@link PutRacingRemove}, with reads in the mix and exact LRU's buffers and lists. */
  @JCStressTest
  @State
  @Outcome(id = "3, .*", expect = ACCEPTABLE, desc = "both hold the key")
  @Outcome(id = "0, .*", expect = ACCEPTABLE, desc = "neither holds the key")
  @Outcome(id = "1, .*", expect = FORBIDDEN, desc = "the policy holds a key the map no longer has")
  @Outcome(id = "2, .*", expect = FORBIDDEN, desc = "the map holds a key the policy lost")
  @Outcome(expect = FORBIDDEN, desc = "unexpected membership")
  public static class LruReadPutRemove extends HeldKey {
    public LruReadPutRemove() {
      super(Tight.LRU);
    }

    @Actor
    public void writer() {
      tier.put(high, low, VALUE);
      tier.get(high, low);
    }

    @Actor
    public void remover(II_Result r) {
      r.r2 = tier.get(high, low) == null ? 0 : 1;
      tier.remove(high, low);
    }

    @Arbiter
    public void membership(II_Result r) {
      r.r1 = membershipAndCleanUp();
    }
  }

  /** As {@link LruReadPutRemove}, for the O(1) LFU's frequency lists. */
  @JCStressTest
  @State
  @Outcome(id = "3, .*", expect = ACCEPTABLE, desc = "both hold the key")
  @Outcome(id = "0, .*", expect = ACCEPTABLE, desc = "neither holds the key")
  @Outcome(id = "1, .*", expect = FORBIDDEN, desc = "the policy holds a key the map no longer has")
  @Outcome(id = "2, .*", expect = FORBIDDEN, desc = "the map holds a key the policy lost")
  @Outcome(expect = FORBIDDEN, desc = "unexpected membership")
  public static class LfuReadPutRemove extends HeldKey {
    public LfuReadPutRemove() {
      super(Tight.LFU);
    }

    @Actor
    public void writer() {
      tier.put(high, low, VALUE);
      tier.get(high, low);
    }

    @Actor
    public void remover(II_Result r) {
      r.r2 = tier.get(high, low) == null ? 0 : 1;
      tier.remove(high, low);
    }

    @Arbiter
    public void membership(II_Result r) {
      r.r1 = membershipAndCleanUp();
    }
  }
}
