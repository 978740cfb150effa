package io.metacache.tiers.disk;

import static io.metacache.tiers.disk.DiskTierFixture.get;
import static io.metacache.tiers.disk.DiskTierFixture.high;
import static io.metacache.tiers.disk.DiskTierFixture.low;
import static io.metacache.tiers.disk.DiskTierFixture.put;
import static io.metacache.tiers.disk.DiskTierFixture.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.metacache.spi.Keys;
import io.metacache.spi.TierOperation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;

/**
 * The disk tier against a model: a map whose entries carry a recency stamp (set by a put, moved by
 * a read at most once per touch interval), with the same byte cap, low-water mark and expiry.
 */
class DiskTierPropertiesTest {
  static final long CAP = 1024;
  static final int KEYS = 8;

  sealed interface Op permits Put, Get, Delete, Advance, Sweep {}
  record Put(int key, int length, int ttlMillis) implements Op {}
  record Get(int key) implements Op {}
  record Delete(int key) implements Op {}
  record Advance(int millis) implements Op {}
  record Sweep() implements Op {}

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<Integer> key = Arbitraries.integers().between(0, KEYS - 1);
    // Mostly fitting values, some that fill a third of the cap, a few larger than the whole cap.
    Arbitrary<Integer> length = Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.integers().between(0, 200)),
        Tuple.of(3, Arbitraries.integers().between(200, 400)),
        Tuple.of(1, Arbitraries.integers().between(969, 1200)));
    Arbitrary<Integer> ttl = Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.just(0)),
        Tuple.of(1, Arbitraries.integers().between(1, 40)));
    Arbitrary<Op> op = Arbitraries.frequencyOf(
        Tuple.of(5, Combinators.combine(key, length, ttl).as(Put::new)),
        Tuple.of(4, key.map(Get::new)),
        Tuple.of(1, key.map(Delete::new)),
        Tuple.of(1, Arbitraries.integers().between(1, 30).map(Advance::new)),
        Tuple.of(1, Arbitraries.integers().between(300, 1200).map(Advance::new)),
        Tuple.of(1, Arbitraries.just(new Sweep())));
    return op.list().ofMaxSize(60);
  }

  /** The model's entry: the value, its expires-at, and its recency stamp. */
  private static final class Entry {
    final byte[] value;
    final long expiresAt;
    final String hex;
    long stamp;

    Entry(byte[] value, long expiresAt, String hex, long stamp) {
      this.value = value;
      this.expiresAt = expiresAt;
      this.hex = hex;
      this.stamp = stamp;
    }

    long fileLength() {
      return DiskFileHeader.LENGTH + value.length;
    }

    boolean expired(long now) {
      return expiresAt != 0 && expiresAt <= now;
    }
  }

  @Property(tries = 150)
  void behavesLikeAnLruMapWithTheSameCapAndExpiry(@ForAll("ops") List<Op> ops) throws IOException {
    Path dir = Files.createTempDirectory("disk-tier-property");
    DiskTierFixture fx = new DiskTierFixture(dir);
    Map<Integer, Entry> model = new HashMap<>();
    long lowWater = CAP * DiskTier.LOW_WATER_PERCENT / 100;
    long modelBytes = 0;
    long modelEvictions = 0;
    try (DiskTier tier = fx.open(CAP)) {
      int step = 0;
      for (Op op : ops) {
        step++;
        long now = fx.clock.get();
        if (op instanceof Put p) {
          Entry e = new Entry(value(p.length(), step), p.ttlMillis() == 0 ? 0 : now + p.ttlMillis(),
              Keys.hex(high(p.key()), low(p.key())), now);
          put(tier, p.key(), e.value, e.expiresAt);
          Entry old = model.remove(p.key());
          modelBytes -= old == null ? 0 : old.fileLength();
          if (e.fileLength() <= CAP) {
            model.put(p.key(), e);
            modelBytes += e.fileLength();
            if (modelBytes > CAP) {
              // Least recently used first, ties in key order, down to the low-water mark.
              List<Map.Entry<Integer, Entry>> order = new ArrayList<>(model.entrySet());
              order.sort(Comparator.comparingLong((Map.Entry<Integer, Entry> x) -> x.getValue().stamp)
                  .thenComparing(x -> x.getValue().hex));
              for (Iterator<Map.Entry<Integer, Entry>> it = order.iterator(); modelBytes > lowWater; ) {
                Map.Entry<Integer, Entry> eldest = it.next();
                model.remove(eldest.getKey());
                modelBytes -= eldest.getValue().fileLength();
                modelEvictions++;
              }
            }
          }
        } else if (op instanceof Get g) {
          Entry e = model.get(g.key());
          if (e != null && e.expired(now)) {
            model.remove(g.key());
            modelBytes -= e.fileLength();
            e = null;
          }
          if (e != null && now - e.stamp >= DiskTier.TOUCH_INTERVAL_MILLIS) {
            e.stamp = now;
          }
          assertThat(get(tier, g.key())).as("step %d: %s", step, op).isEqualTo(e == null ? null : e.value);
        } else if (op instanceof Delete d) {
          tier.apply(List.of(TierOperation.delete(high(d.key()), low(d.key()))));
          Entry old = model.remove(d.key());
          modelBytes -= old == null ? 0 : old.fileLength();
        } else if (op instanceof Advance a) {
          fx.clock.addAndGet(a.millis());
        } else {
          long expired = 0;
          for (Iterator<Map.Entry<Integer, Entry>> it = model.entrySet().iterator(); it.hasNext(); ) {
            Entry e = it.next().getValue();
            if (e.expired(now)) {
              modelBytes -= e.fileLength();
              it.remove();
              expired++;
            }
          }
          assertThat(tier.removeExpired(now)).as("step %d: sweep", step).isEqualTo(expired);
        }
        assertThat(tier.size()).as("step %d: size", step).isEqualTo(model.size());
        assertThat(tier.stats().bytes()).as("step %d: bytes", step).isEqualTo(modelBytes);
        assertThat(tier.stats().evictions()).as("step %d: evictions", step).isEqualTo(modelEvictions);
      }
      assertThat(DiskTierFixture.filesEndingWith(dir, ".mce")).hasSize(model.size());
    } finally {
      DiskTierFixture.deleteRecursively(dir);
    }
  }

  @Property(tries = 200)
  void anyValueRoundTrips(@ForAll @Size(max = 5000) byte[] value, @ForAll long keyHigh, @ForAll long keyLow)
      throws IOException {
    Path dir = Files.createTempDirectory("disk-tier-property");
    try (DiskTier tier = new DiskTierFixture(dir).open(1L << 20)) {
      tier.apply(List.of(TierOperation.put(keyHigh, keyLow, value, 0)));
      assertThat(tier.get(keyHigh, keyLow)).isEqualTo(value);
    } finally {
      DiskTierFixture.deleteRecursively(dir);
    }
  }
}
