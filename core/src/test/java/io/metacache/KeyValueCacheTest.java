package io.metacache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.metacache.spi.EntryVisitor;
import io.metacache.spi.EnumerableTier;
import io.metacache.spi.Tier;
import io.metacache.spi.TierOperation;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyValueCacheTest {
  @TempDir Path dir;
  final AtomicLong clock = new AtomicLong(1_000_000);

  /** A lower tier in a map, walkable, that outlives the caches built on it. */
  static final class MapTier implements Tier, EnumerableTier {
    final Map<List<Long>, byte[]> entries = new ConcurrentHashMap<>();

    @Override public String name() { return "map"; }
    @Override public byte[] get(long hi, long lo) { return entries.get(List.of(hi, lo)); }
    @Override public void apply(List<TierOperation> batch) {
      for (TierOperation op : batch) {
        if (op.kind() == TierOperation.Kind.PUT) {
          entries.put(List.of(op.keyHigh(), op.keyLow()), op.value());
        } else {
          entries.remove(List.of(op.keyHigh(), op.keyLow()));
        }
      }
    }
    @Override public long removeExpired(long now) { return 0; }
    @Override public void clear() { entries.clear(); }
    @Override public void ping() {}
    @Override public long size() { return entries.size(); }
    @Override public void close() {}
    @Override public void forEachEntry(EntryVisitor v) {
      entries.forEach((k, bytes) -> v.visit(k.get(0), k.get(1), bytes));
    }
  }

  MetaCache cache(Map<String, String> props, Tier... tiers) {
    MetaCache.Builder b = MetaCache.builder().config(CacheConfig.builder().cacheDirectory(dir).build())
        .memoryOnly().clock(clock::get).properties(props::get);
    for (Tier t : tiers) {
      b.tier(t);
    }
    return b.build();
  }

  @Test
  void setGetExistsDeleteTtl() {
    try (MetaCache cache = cache(Map.of())) {
      KeyValueCache kv = KeyValueCache.of(cache);
      Namespace ns = Namespace.of("document", "parse");
      String key = ns.key("abc");
      assertThat(key).isEqualTo("document:parse:abc");
      assertThat(kv.get(key)).isEmpty();
      kv.set(key, Map.of("title", "T", "pages", 3), Duration.ofSeconds(10));
      assertThat(kv.get(key)).contains(Map.of("title", "T", "pages", 3L));
      assertThat(kv.exists(key)).isTrue();
      assertThat(kv.ttl(key)).contains(Duration.ofSeconds(10));
      clock.addAndGet(4_000);
      assertThat(kv.ttl(key)).contains(Duration.ofSeconds(6));
      kv.set("bytes", new byte[] {1, 2, 3}, Duration.ZERO);
      assertThat(kv.get("bytes", byte[].class)).hasValueSatisfying(b -> assertThat(b).containsExactly(1, 2, 3));
      assertThat(kv.ttl("bytes")).contains(ChronoUnit.FOREVER.getDuration());
      assertThat(kv.delete(key)).isTrue();
      assertThat(kv.delete(key)).isFalse();
      assertThat(kv.exists(key)).isFalse();
      clock.addAndGet(1);
      kv.set("short", "v", Duration.ofMillis(5));
      clock.addAndGet(5);
      assertThat(kv.get("short")).isEmpty();
      assertThatThrownBy(() -> kv.set("x", new Object())).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> Namespace.of("bad:seg")).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void operationTtlsComeFromProperties() {
    Map<String, String> props = Map.of("metacache.ttl.document.parse", "2h", "metacache.ttl.document", "5m");
    try (MetaCache cache = cache(props)) {
      KeyValueCache kv = cache.keyValue();
      assertThat(kv.ttlFor("document:parse:x")).isEqualTo(Duration.ofHours(2));
      assertThat(kv.ttlFor("document:summary:x")).isEqualTo(Duration.ofMinutes(5));
      assertThat(kv.ttlFor("other:x")).isEqualTo(cache.config().ttl());
      kv.set("document:parse:x", "v");
      assertThat(kv.ttl("document:parse:x")).contains(Duration.ofHours(2));
    }
    try (MetaCache cache = cache(Map.of("metacache.ttl.document", "soon"))) {
      assertThatThrownBy(() -> cache.keyValue().ttlFor("document:x"))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("metacache.ttl.document");
    }
  }

  @Test
  void memoizeRunsOnceForConcurrentMissesAndCachesTheResult() throws Exception {
    try (MetaCache cache = cache(Map.of())) {
      AtomicInteger calls = new AtomicInteger();
      CountDownLatch release = new CountDownLatch(1);
      Function<String, Object> parse = cache.keyValue().memoize(Namespace.of("document", "parse"), text -> {
        calls.incrementAndGet();
        try {
          release.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return Map.of("length", text.length());
      }, Duration.ofMinutes(1));
      List<Thread> callers = new java.util.concurrent.CopyOnWriteArrayList<>();
      ExecutorService pool = Executors.newFixedThreadPool(8, r -> {
        Thread t = new Thread(r, "memoize-caller");
        callers.add(t);
        return t;
      });
      try {
        List<Future<Object>> results = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          results.add(pool.submit(() -> parse.apply("hello")));
        }
        // Rendezvous: seven callers parked on the first call's shared result while it is blocked.
        awaitParkedOnASharedResult(callers, 7);
        release.countDown();
        for (Future<Object> r : results) {
          assertThat(r.get(60, TimeUnit.SECONDS)).isEqualTo(Map.of("length", 5L));
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(calls).hasValue(1);
      assertThat(parse.apply("hello")).isEqualTo(Map.of("length", 5L));
      assertThat(calls).hasValue(1);
      parse.apply("other");
      assertThat(calls).hasValue(2);
      String key = Namespace.of("document", "parse").keyFor("hello");
      assertThat(cache.keyValue().exists(key)).isTrue();
      clock.addAndGet(Duration.ofMinutes(1).toMillis());
      parse.apply("hello");
      assertThat(calls).as("expired after its TTL").hasValue(3);
    }
  }

  /**
   * Waits until {@code count} of {@code threads} are parked in {@link java.util.concurrent.CompletableFuture#get()}
   * (the shared result of a call in flight); a minute is the hang guard.
   */
  static void awaitParkedOnASharedResult(List<Thread> threads, int count) throws InterruptedException {
    long guard = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      int parked = 0;
      for (Thread t : threads) {
        Object blocker = java.util.concurrent.locks.LockSupport.getBlocker(t);
        if (t.getState() == Thread.State.WAITING && blocker != null
            && blocker.getClass().getEnclosingClass() == java.util.concurrent.CompletableFuture.class) {
          parked++;
        }
      }
      if (parked >= count) {
        return;
      }
      assertThat(System.nanoTime() - guard).as("still waiting after 60 s (taken for a hang) for %d callers"
          + " parked on the shared result; %d are", count, parked).isNegative();
      Thread.sleep(1);
    }
  }

  @Test
  void memoizeDoesNotCacheExceptions() {
    try (MetaCache cache = cache(Map.of())) {
      AtomicInteger calls = new AtomicInteger();
      Function<List<Object>, String> f = cache.keyValue().memoize(Namespace.of("flaky"), args -> {
        if (calls.incrementAndGet() == 1) {
          throw new IllegalStateException("boom");
        }
        return "ok:" + args;
      }, Duration.ofMinutes(1));
      assertThatThrownBy(() -> f.apply(List.of("a", 1))).isInstanceOf(IllegalStateException.class).hasMessage("boom");
      assertThat(f.apply(List.of("a", 1))).isEqualTo("ok:[a, 1]");
      assertThat(f.apply(List.of("a", 1))).isEqualTo("ok:[a, 1]");
      assertThat(calls).hasValue(2);
    }
  }

  @Test
  void patternInvalidationReachesMemoryAndLowerTiers() {
    MapTier lower = new MapTier();
    try (MetaCache cache = cache(Map.of(), lower)) {
      KeyValueCache kv = cache.keyValue();
      for (int i = 0; i < 5; i++) {
        kv.set("document:parse:" + i, i, Duration.ZERO);
        kv.set("user:" + i, i, Duration.ZERO);
      }
      cache.flush();
      assertThat(lower.entries).hasSize(10);
    }
    // A new process: its memory holds only what it wrote; the document keys are in the lower tier only.
    try (MetaCache cache = cache(Map.of(), lower)) {
      KeyValueCache kv = cache.keyValue();
      kv.set("document:summary:9", 9, Duration.ZERO);
      assertThat(kv.invalidatePattern("document:*")).isEqualTo(6);
      cache.flush();
      assertThat(lower.entries).hasSize(5);
      for (int i = 0; i < 5; i++) {
        assertThat(kv.exists("document:parse:" + i)).isFalse();
        assertThat(kv.get("user:" + i)).contains((long) i);
      }
      assertThat(kv.exists("document:summary:9")).isFalse();
      assertThat(kv.invalidatePattern("user:?")).isEqualTo(5);
    }
  }

  @Test
  void queriesRebuildFromALowerTierInANewProcess() throws Exception {
    MapTier lower = new MapTier();
    Path a = java.nio.file.Files.writeString(dir.resolve("A.java"), "class A {}");
    Path b = java.nio.file.Files.writeString(dir.resolve("b.py"), "def b(): pass");
    try (MetaCache cache = cache(Map.of(), lower)) {
      cache.put(a, "full", Map.of("language", "java", "classes", List.of("A")));
      cache.put(b, "full", Map.of("language", "python", "functions", List.of("b")));
      cache.keyValue().set("not:a:file", 1);
    }
    try (MetaCache cache = cache(Map.of(), lower)) {
      var all = cache.query(io.metacache.query.MetadataQuery.builder().build());
      assertThat(all).extracting(e -> Path.of(e.path()).getFileName().toString()).containsExactly("A.java", "b.py");
      cache.invalidate(a, "full");
      assertThat(cache.query(io.metacache.query.MetadataQuery.builder().language("java").build())).isEmpty();
      assertThat(cache.invalidatePattern("*.py")).isEqualTo(1);
      assertThat(cache.query(io.metacache.query.MetadataQuery.builder().build())).isEmpty();
    }
    try (MetaCache cache = MetaCache.builder().config(CacheConfig.builder().cacheDirectory(dir).build()).memoryOnly()
        .properties(Map.of("metacache.query.index", "off")::get).build()) {
      assertThatThrownBy(() -> cache.query(io.metacache.query.MetadataQuery.builder().build()))
          .isInstanceOf(IllegalStateException.class);
    }
    assertThatThrownBy(() -> MetaCache.builder().memoryOnly().config(CacheConfig.builder().cacheDirectory(dir).build())
        .properties(Map.of("metacache.query.index", "sometimes")::get).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("metacache.query.index");
  }
}
