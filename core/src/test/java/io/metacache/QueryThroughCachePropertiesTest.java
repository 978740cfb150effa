package io.metacache;

import static org.assertj.core.api.Assertions.assertThat;

import io.metacache.query.IndexedEntry;
import io.metacache.query.MetadataQuery;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Through the whole cache (memory tier only, small enough that the policy evicts): query results
 * equal a brute-force filter over the entries the cache still serves, after random puts,
 * invalidations, expiry and evictions.
 */
class QueryThroughCachePropertiesTest {
  static final int FILES = 24;
  static final List<String> LANGS = List.of("java", "python", "c", "go");
  static final List<String> NAMES = List.of("main", "run", "get", "Cache", "Node");

  record Op(int kind, int file, String profile, Map<String, Object> metadata, long ttlMillis, long advance) {}

  record Query(String language, String function, String className, String profile, String regex, int limit) {
    MetadataQuery build() {
      MetadataQuery.Builder b = MetadataQuery.builder().limit(limit);
      if (language != null) b.language(language);
      if (function != null) b.function(function);
      if (className != null) b.className(className);
      if (profile != null) b.profile(profile);
      if (regex != null) b.pathRegex(regex);
      return b.build();
    }

    boolean bruteForce(IndexedEntry e) {
      return (language == null || language.equals(e.language()))
          && (function == null || e.functions().contains(function))
          && (className == null || e.classes().contains(className))
          && (profile == null || profile.equals(e.profile()))
          && (regex == null || Pattern.compile(regex).matcher(e.path()).find());
    }
  }

  @Property(tries = 10)
  void queryEqualsBruteForceOverServedEntries(@ForAll("ops") List<Op> ops, @ForAll("queries") List<Query> queries)
      throws IOException {
    Path dir = Files.createTempDirectory("mc-query-prop");
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < FILES; i++) {
      Path f = dir.resolve(String.format("f%02d.%s", i, i % 2 == 0 ? "java" : "py"));
      Files.writeString(f, "distinct content " + i);
      files.add(f);
    }
    AtomicLong clock = new AtomicLong(1_000_000);
    CacheConfig config = CacheConfig.builder().cacheDirectory(dir.resolve("cache")).memoryMaxEntries(10)
        .expirySweepInterval(Duration.ofDays(1)).build();
    try (MetaCache cache = MetaCache.builder().config(config).memoryOnly().clock(clock::get)
        .properties(name -> null).build()) {
      int step = 0;
      for (Op op : ops) {
        Path file = files.get(op.file);
        switch (op.kind) {
          case 0 -> cache.put(file, op.profile, op.metadata, Duration.ofMillis(op.ttlMillis));
          case 1 -> cache.invalidate(file, op.profile);
          default -> clock.addAndGet(op.advance);
        }
        if (++step % 5 == 0) {
          check(cache, files, queries.get(step % queries.size()));
        }
      }
      for (Query q : queries) {
        check(cache, files, q);
      }
    }
  }

  private static void check(MetaCache cache, List<Path> files, Query q) throws IOException {
    List<List<String>> got = cache.query(q.build()).stream().map(e -> List.of(e.path(), e.profile()))
        .collect(Collectors.toList());
    List<IndexedEntry> served = new ArrayList<>();
    for (Path f : files) {
      for (String profile : List.of("basic", "full")) {
        Optional<Map<String, Object>> m = cache.get(f, profile);
        m.ifPresent(md -> served.add(IndexedEntry.of(f.toAbsolutePath().normalize().toString(), profile, md, 0, 0)));
      }
    }
    List<List<String>> expected = served.stream().filter(q::bruteForce)
        .sorted(Comparator.comparing(IndexedEntry::path).thenComparing(IndexedEntry::profile))
        .limit(q.limit).map(e -> List.of(e.path(), e.profile())).collect(Collectors.toList());
    assertThat(got).as("%s", q).isEqualTo(expected);
  }

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<Map<String, Object>> metadata = Combinators.combine(Arbitraries.of(LANGS).injectNull(0.2),
        Arbitraries.of(NAMES).list().ofMaxSize(3).uniqueElements(), Arbitraries.of(NAMES).list().ofMaxSize(2).uniqueElements())
        .as((lang, fns, cls) -> {
          Map<String, Object> m = new LinkedHashMap<>();
          if (lang != null) {
            m.put("language", lang);
          }
          m.put("functions", fns);
          m.put("classes", cls);
          return m;
        });
    return Combinators.combine(Arbitraries.integers().between(0, 9), Arbitraries.integers().between(0, FILES - 1),
        Arbitraries.of("basic", "full"), metadata, Arbitraries.of(0L, 0L, 100L, 1000L), Arbitraries.of(10L, 150L, 2000L))
        .as((k, f, p, m, ttl, adv) -> new Op(k < 7 ? 0 : k < 9 ? 1 : 2, f, p, m, ttl, adv))
        .list().ofMinSize(5).ofMaxSize(70);
  }

  @Provide
  Arbitrary<List<Query>> queries() {
    return Combinators.combine(Arbitraries.of(LANGS).injectNull(0.5), Arbitraries.of(NAMES).injectNull(0.6),
        Arbitraries.of(NAMES).injectNull(0.7), Arbitraries.of("basic", "full").injectNull(0.6),
        Arbitraries.of("\\.java$", "f0", "f1[0-9]", "\\.py$").injectNull(0.5), Arbitraries.integers().between(1, 30))
        .as(Query::new).list().ofMinSize(1).ofMaxSize(6);
  }
}
