package io.metacache;

import static org.assertj.core.api.Assertions.assertThat;

import io.metacache.stats.CacheStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Property 10 for the request count: the cache counts a request as each lookup begins, apart from
 * its outcome, so after any mix of operations the request count is the number of lookups made,
 * and each of them recorded exactly one outcome ({@code requests = hits + misses}).
 */
class MetaCacheRequestsTest {

  /** One call on the cache; the first five are lookups. */
  enum Op { GET, GET_OR_EXTRACT, KV_GET, KV_EXISTS, KV_DELETE, PUT, KV_SET, INVALIDATE, REWRITE }

  record Call(Op op, int target) {}

  @Provide
  Arbitrary<List<Call>> calls() {
    return Arbitraries.of(Op.class).flatMap(op -> Arbitraries.integers().between(0, 2).map(t -> new Call(op, t)))
        .list().ofMaxSize(60);
  }

  @Property(tries = 30)
  void property10_statisticsAccuracy_requestsAreTheLookupsMadeEachWithOneOutcome(
      @ForAll("calls") List<Call> calls) throws IOException {
    Path dir = Files.createTempDirectory("metacache-requests-");
    CacheConfig config = CacheConfig.builder().cacheDirectory(dir.resolve("cache")).memoryMaxEntries(100)
        .memoryMaxBytes(16 << 20).build();
    try (MetaCache cache = MetaCache.builder().config(config).properties(name -> null).memoryOnly().build()) {
      KeyValueCache kv = cache.keyValue();
      Path[] files = new Path[3];
      for (int i = 0; i < files.length; i++) {
        files[i] = Files.writeString(dir.resolve("f" + i + ".txt"), "file " + i);
      }
      CacheStats before = cache.stats();
      long lookups = 0;
      int version = 0;
      for (Call call : calls) {
        Path file = files[call.target()];
        String key = "key" + call.target();
        switch (call.op()) {
          case GET -> cache.get(file, "basic");
          case GET_OR_EXTRACT -> cache.get(file, "basic", path -> Map.of("extracted", true));
          case KV_GET -> kv.get(key);
          case KV_EXISTS -> kv.exists(key);
          case KV_DELETE -> kv.delete(key);
          case PUT -> cache.put(file, "basic", Map.of("v", 1L));
          case KV_SET -> kv.set(key, "value");
          case INVALIDATE -> cache.invalidate(file);
          case REWRITE -> Files.writeString(file, "file " + call.target() + " version " + ++version);
        }
        if (call.op().ordinal() <= Op.KV_DELETE.ordinal()) {
          lookups++;
        }
      }
      CacheStats s = cache.stats().minus(before);
      assertThat(s.requests()).as("requests: the lookups made").isEqualTo(lookups);
      assertThat(s.hits() + s.misses()).as("one outcome per lookup").isEqualTo(lookups);
    } finally {
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
