package io.metacache.tiers.sqlite;

import static io.metacache.tiers.sqlite.SqliteTestSupport.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import io.metacache.spi.TierOperation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The tier behaves as a map from key to (value, expiry) under any sequence of batches. */
class SqliteTierPropertyTest {
  static final int KEYS = 12;

  record Op(int key, boolean put, int seed, long expiresAt) {}

  @Property(tries = 40)
  void tierAgreesWithAMapModelAfterEveryBatchAndSweep(@ForAll("batches") List<List<Op>> batches) throws IOException {
    Path dir = Files.createTempDirectory("sqlite-prop");
    AtomicLong clock = new AtomicLong(NOW);
    Map<Integer, Op> model = new HashMap<>();
    try (SqliteTier tier = SqliteTestSupport.open(dir, clock)) {
      for (List<Op> ops : batches) {
        // the pipeline hands a tier distinct keys per batch: coalesce, last write wins
        Map<Integer, Op> coalesced = new LinkedHashMap<>();
        ops.forEach(op -> coalesced.put(op.key(), op));
        List<TierOperation> batch = new ArrayList<>();
        for (Op op : coalesced.values()) {
          batch.add(op.put()
              ? TierOperation.put(op.key(), -op.key(), SqliteTestSupport.value(op.seed(), 8), op.expiresAt())
              : TierOperation.delete(op.key(), -op.key()));
          if (op.put()) {
            model.put(op.key(), op);
          } else {
            model.remove(op.key());
          }
        }
        tier.apply(batch);
        assertAgrees(tier, model);
      }
      long expired = model.values().stream().filter(op -> op.expiresAt() != 0 && op.expiresAt() <= NOW).count();
      assertThat(tier.removeExpired(NOW)).isEqualTo(expired);
      model.values().removeIf(op -> op.expiresAt() != 0 && op.expiresAt() <= NOW);
      assertThat(tier.size()).isEqualTo(model.size());
      assertAgrees(tier, model);
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void assertAgrees(SqliteTier tier, Map<Integer, Op> model) {
    for (int k = 0; k < KEYS; k++) {
      Op op = model.get(k);
      boolean live = op != null && (op.expiresAt() == 0 || op.expiresAt() > NOW);
      assertThat(tier.get(k, -k)).as("key %d", k).isEqualTo(live ? SqliteTestSupport.value(op.seed(), 8) : null);
    }
  }

  @Provide
  Arbitrary<List<List<Op>>> batches() {
    Arbitrary<Long> expiry = Arbitraries.oneOf(
        Arbitraries.just(0L),
        Arbitraries.longs().between(NOW - 1000, NOW + 1000));
    Arbitrary<Op> op = Combinators.combine(
        Arbitraries.integers().between(0, KEYS - 1),
        Arbitraries.integers().between(0, 9).map(i -> i < 7),
        Arbitraries.integers().between(0, 1000),
        expiry).as(Op::new);
    return op.list().ofMinSize(1).ofMaxSize(20).list().ofMinSize(1).ofMaxSize(6);
  }
}
