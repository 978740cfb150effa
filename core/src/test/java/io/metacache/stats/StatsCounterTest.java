package io.metacache.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class StatsCounterTest {
  private static final List<String> TIERS = List.of("memory", "redis", "disk", "sqlite");

  /**
   * One recorded event: kind 0..3 a lookup that hit in that tier, 4 a lookup that missed (each
   * lookup records its request, then its outcome), 5 put, 6 eviction, 7 expiration, 8 corruption,
   * 9 savings.
   */
  record Event(int kind, int amount) {}

  @Provide
  Arbitrary<List<Event>> events() {
    return Arbitraries.integers().between(0, 9)
        .flatMap(kind -> Arbitraries.integers().between(0, 5000).map(amount -> new Event(kind, amount)))
        .list().ofMaxSize(400);
  }

  @Property(tries = 200)
  void property10_statisticsAccuracy(@ForAll("events") List<Event> events) {
    StatsCounter counter = new StatsCounter(TIERS);
    CacheStats before = counter.snapshot();
    long[] hits = new long[TIERS.size()];
    long lookups = 0, misses = 0, puts = 0, evictions = 0, expirations = 0, corruptions = 0, saved = 0;
    for (Event e : events) {
      if (e.kind() <= 4) {
        counter.recordRequest();
        lookups++;
      }
      switch (e.kind()) {
        case 0: case 1: case 2: case 3: counter.recordHit(e.kind()); hits[e.kind()]++; break;
        case 4: counter.recordMiss(); misses++; break;
        case 5: counter.recordPut(); counter.recordPutLatency(e.amount()); puts++; break;
        case 6: counter.recordEvictions(e.amount()); evictions += e.amount(); break;
        case 7: counter.recordExpirations(e.amount()); expirations += e.amount(); break;
        case 8: counter.recordCorruption(); corruptions++; break;
        default: counter.recordCompressionSavings(e.amount() - 2500); saved += Math.max(0, e.amount() - 2500);
      }
    }
    CacheStats s = counter.snapshot().minus(before);
    long hitSum = 0;
    for (int t = 0; t < TIERS.size(); t++) {
      assertThat(s.hits(TIERS.get(t))).isEqualTo(hits[t]);
      hitSum += hits[t];
    }
    assertThat(s.hits()).isEqualTo(hitSum);
    assertThat(s.misses()).isEqualTo(misses);
    // Requests are counted on their own: every lookup made, and, each lookup having recorded one
    // outcome, hits plus misses.
    assertThat(s.requests()).isEqualTo(lookups);
    assertThat(s.requests()).isEqualTo(hitSum + misses);
    assertThat(s.puts()).isEqualTo(puts);
    assertThat(s.putLatency().count()).isEqualTo(puts);
    assertThat(s.evictions()).isEqualTo(evictions);
    assertThat(s.expirations()).isEqualTo(expirations);
    assertThat(s.corruptions()).isEqualTo(corruptions);
    assertThat(s.compressionSavedBytes()).isEqualTo(saved);
    assertThat(s.hitRate()).isEqualTo(s.requests() == 0 ? 0.0 : (double) hitSum / (hitSum + misses));
    assertThat(s.hitRate() + s.missRate()).isEqualTo(s.requests() == 0 ? 0.0 : 1.0, org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void requestsAreCountedApartFromTheirOutcomes() {
    StatsCounter counter = new StatsCounter(TIERS);
    counter.recordRequest();
    CacheStats inFlight = counter.snapshot();
    assertThat(inFlight.requests()).as("a lookup begun, no outcome yet").isEqualTo(1);
    assertThat(inFlight.hits() + inFlight.misses()).isZero();
    counter.recordMiss();
    CacheStats done = counter.snapshot();
    assertThat(done.requests()).isEqualTo(done.hits() + done.misses()).isEqualTo(1);
    counter.recordHit(0);
    CacheStats unpaired = counter.snapshot();
    assertThat(unpaired.requests()).as("an outcome without a request shows").isLessThan(unpaired.hits() + unpaired.misses());
  }

  @Test
  void countersAreExactUnderConcurrentRecordingAndSnapshotsNeverUndercountRequests() throws Exception {
    StatsCounter counter = new StatsCounter(TIERS);
    int threads = 4;
    int perThread = 50_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
    try {
      CountDownLatch start = new CountDownLatch(1);
      AtomicBoolean recording = new AtomicBoolean(true);
      List<Future<?>> recorders = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int tier = t % TIERS.size();
        recorders.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < perThread; i++) {
            counter.recordRequest();
            counter.recordHit(tier);
            counter.recordRequest();
            counter.recordMiss();
            counter.recordGetLatency(i);
          }
          return null;
        }));
      }
      // Snapshots taken meanwhile: a lookup records its request before its outcome, and a snapshot
      // reads requests last, so it never counts an outcome whose request it missed.
      Future<?> snapshots = pool.submit(() -> {
        start.await();
        do {
          CacheStats s = counter.snapshot();
          assertThat(s.requests()).as("requests in a snapshot taken while recording")
              .isGreaterThanOrEqualTo(s.hits() + s.misses());
        } while (recording.get());
        return null;
      });
      start.countDown();
      for (Future<?> f : recorders) {
        f.get(); // rethrows a recorder's failure here
      }
      recording.set(false);
      snapshots.get(); // rethrows the snapshot thread's failure here
    } finally {
      pool.shutdownNow();
    }
    CacheStats s = counter.snapshot();
    assertThat(s.hits()).isEqualTo((long) threads * perThread);
    assertThat(s.misses()).isEqualTo((long) threads * perThread);
    assertThat(s.requests()).isEqualTo(2L * threads * perThread);
    assertThat(s.getLatency().count()).isEqualTo((long) threads * perThread);
  }

  @Test
  void latencyPercentilesReflectRecordedValues() {
    LatencyRecorder recorder = new LatencyRecorder();
    for (int i = 1; i <= 1000; i++) {
      recorder.record(i * 1000L);
    }
    LatencySummary s = recorder.summary();
    assertThat(s.count()).isEqualTo(1000);
    assertThat(s.p50()).isBetween(495_000L, 505_000L);
    assertThat(s.p99()).isBetween(985_000L, 995_000L);
    assertThat(s.max()).isBetween(995_000L, 1_005_000L);
    recorder.record(-5);
    recorder.record(Long.MAX_VALUE);
    assertThat(recorder.summary().count()).isEqualTo(1002);
  }

  @Test
  void tierNamesMustBeDistinctAndKnown() {
    assertThatThrownBy(() -> new StatsCounter(List.of())).hasMessageContaining("at least one tier");
    assertThatThrownBy(() -> new StatsCounter(List.of("a", "a"))).hasMessageContaining("distinct");
    assertThatThrownBy(() -> new StatsCounter(TIERS).tierIndex("s3")).hasMessageContaining("s3");
    assertThat(new StatsCounter(TIERS).tierIndex("disk")).isEqualTo(2);
  }
}
