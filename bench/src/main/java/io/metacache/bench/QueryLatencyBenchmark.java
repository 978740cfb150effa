package io.metacache.bench;

import io.metacache.CacheConfig;
import io.metacache.MetaCache;
import io.metacache.bench.tiered.Bench;
import io.metacache.bench.workload.Zipf;
import io.metacache.query.IndexedEntry;
import io.metacache.query.MetadataQuery;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@link MetaCache#query} latency (p50, p99 from {@link Mode#SampleTime}) over 100,000 cached
 * entries shaped like source files, for each secondary index, an AND of two, and a path regex,
 * at {@code limit} 20 and unlimited.
 *
 * <h2>Entries</h2>
 * A memory-only cache (memory tier sized for every entry, so no eviction) filled in the trial
 * setup by {@code put} of one real small file per entry, under {@code m<module>/p<package>/F<i>.<ext>}
 * (20 modules, 2,000 packages; the files are kept in {@code ${java.io.tmpdir}} between forks). Each
 * entry's metadata: a language (java 40%, python 25%, c 15%, go 12%, none 8%, with the extension
 * to match), 2 to 16 function names drawn from a Zipf(1.0) popularity over 20,000 names (so
 * {@code main}, {@code init}, ... are in a large share of files and most names in a handful), 0 to
 * 3 class names from Zipf(1.0) over 50,000, 0 to 2 referenced documents from Zipf(1.1) over 2,000,
 * plus the basic-profile fields. With {@code metacache.bench.smoke=true}: 2,000 entries.
 *
 * <h2>Queries</h2>
 * Each invocation runs the next of 4,096 precomputed queries whose terms are drawn from the same
 * popularity as the data (popular names are asked for more often), so the sample mixes large and
 * small postings as a real workload would:
 * <ul>
 *   <li>{@code language}, {@code function}, {@code className}, {@code referencedDoc}: one term;
 *   <li>{@code languageAndFunction}: a language AND a function name (AND across two indexes);
 *   <li>{@code pathRegex}: no indexed term, only a regex, {@code /p<j>/F\d+\.}, that matches
 *       one package of 2,000 (50 paths of 100,000): the path trigram index narrows it to the
 *       paths holding every trigram of {@code /p<j>/F} (a walk of every path in order before it);
 *   <li>{@code pathRegexNoLiteral}: the same packages as {@code pathRegex}, and so the same
 *       results, written {@code /p[1][2][3]/[F]\d+\.} so that no literal of three characters or
 *       more appears in it: the baseline for a path index that reads literals out of the regex,
 *       which cannot narrow this one.
 * </ul>
 *
 * <p>Run from the repository root (the forks read {@code @jvm.options} relative to it):
 * <pre>
 * mvn -q -B -pl bench -am package -DskipTests
 * java @jvm.options -jar bench/target/benchmarks.jar QueryLatencyBenchmark -f 1 -wi 3 -w 2s -i 5 -r 2s \
 *     -rf json -rff results/query.json
 * java -cp bench/target/benchmarks.jar io.metacache.bench.report.QueryLatencyTable results
 * </pre>
 *
 * <p>Not final: JMH generates subclasses of benchmark and state classes.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsPrepend = "@jvm.options")
@State(Scope.Benchmark)
public class QueryLatencyBenchmark {

  /** Most results per query: {@code 20}, or {@code unlimited}. */
  @Param({"20", "unlimited"})
  public String limit;

  static final int QUERIES = 4096;
  static final String[] LANGUAGES = {"java", "python", "c", "go", null};
  static final String[] EXTENSIONS = {"java", "py", "c", "go", "txt"};
  static final double[] LANGUAGE_SHARE = {0.40, 0.25, 0.15, 0.12, 0.08};
  static final int FUNCTION_NAMES = 20_000;
  static final int CLASS_NAMES = 50_000;
  static final int DOC_NAMES = 2_000;
  static final int MODULES = 20;
  static final int PACKAGES = 2_000;

  private Path dir;
  private MetaCache cache;
  private MetadataQuery[] language;
  private MetadataQuery[] function;
  private MetadataQuery[] className;
  private MetadataQuery[] referencedDoc;
  private MetadataQuery[] languageAndFunction;
  private MetadataQuery[] pathRegex;
  private MetadataQuery[] pathRegexNoLiteral;
  private int next;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    int n = Bench.SMOKE ? 2_000 : 100_000;
    Path files = Paths.get(System.getProperty("java.io.tmpdir"), "metacache-query-files-" + n);
    dir = Files.createTempDirectory("bench-query-");
    CacheConfig config = CacheConfig.builder().cacheDirectory(dir).memoryMaxEntries(2L * n)
        .memoryMaxBytes(Math.max(64L << 20, 2048L * n)).build();
    cache = MetaCache.builder().config(config).properties(name -> null).memoryOnly().build();
    int[] functionRanks = Zipf.ranks(FUNCTION_NAMES, 1.0, n * 16, 11);
    int[] classRanks = Zipf.ranks(CLASS_NAMES, 1.0, n * 3, 12);
    int[] docRanks = Zipf.ranks(DOC_NAMES, 1.1, n * 2, 13);
    SplittableRandom random = new SplittableRandom(42);
    long start = System.nanoTime();
    int fi = 0;
    int ci = 0;
    int di = 0;
    for (int i = 0; i < n; i++) {
      int lang = pick(random.nextDouble());
      Path file = files.resolve("m" + (i % MODULES)).resolve("p" + (i % PACKAGES)).resolve("F" + i + "." + EXTENSIONS[lang]);
      if (!Files.isRegularFile(file)) {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "file " + i + "\n");
      }
      Map<String, Object> m = new HashMap<>();
      m.put("size", 7L + Long.toString(i).length());
      m.put("mimeType", "text/plain");
      m.put("extension", EXTENSIONS[lang]);
      if (LANGUAGES[lang] != null) {
        m.put("language", LANGUAGES[lang]);
        Set<String> fns = new LinkedHashSet<>();
        for (int k = 2 + random.nextInt(15); k > 0; k--) {
          fns.add(functionName(functionRanks[fi++]));
        }
        m.put("functions", new ArrayList<>(fns));
        Set<String> cls = new LinkedHashSet<>();
        for (int k = random.nextInt(4); k > 0; k--) {
          cls.add("Type" + classRanks[ci++]);
        }
        m.put("classes", new ArrayList<>(cls));
        Set<String> docs = new LinkedHashSet<>();
        for (int k = random.nextInt(3); k > 0; k--) {
          docs.add(docName(docRanks[di++]));
        }
        m.put("referencedDocs", new ArrayList<>(docs));
      }
      cache.put(file, "full", m);
    }
    System.out.printf("%nfilled %d entries in %.1f s%n", n, (System.nanoTime() - start) / 1e9);

    int max = limit.equals("unlimited") ? Integer.MAX_VALUE : Integer.parseInt(limit);
    int[] qf = Zipf.ranks(FUNCTION_NAMES, 1.0, QUERIES, 21);
    int[] qc = Zipf.ranks(CLASS_NAMES, 1.0, QUERIES, 22);
    int[] qd = Zipf.ranks(DOC_NAMES, 1.1, QUERIES, 23);
    SplittableRandom qr = new SplittableRandom(24);
    language = new MetadataQuery[QUERIES];
    function = new MetadataQuery[QUERIES];
    className = new MetadataQuery[QUERIES];
    referencedDoc = new MetadataQuery[QUERIES];
    languageAndFunction = new MetadataQuery[QUERIES];
    pathRegex = new MetadataQuery[QUERIES];
    pathRegexNoLiteral = new MetadataQuery[QUERIES];
    long[] results = new long[7];
    for (int q = 0; q < QUERIES; q++) {
      String lang = LANGUAGES[Math.min(3, pick(qr.nextDouble()))];
      language[q] = MetadataQuery.builder().language(lang).limit(max).build();
      function[q] = MetadataQuery.builder().function(functionName(qf[q])).limit(max).build();
      className[q] = MetadataQuery.builder().className("Type" + qc[q]).limit(max).build();
      referencedDoc[q] = MetadataQuery.builder().referencedDoc(docName(qd[q])).limit(max).build();
      languageAndFunction[q] = MetadataQuery.builder().language(lang).function(functionName(qf[q])).limit(max).build();
      int pkg = qr.nextInt(PACKAGES);
      pathRegex[q] = MetadataQuery.builder().pathRegex("/p" + pkg + "/F\\d+\\.").limit(max).build();
      pathRegexNoLiteral[q] = MetadataQuery.builder()
          .pathRegex("/p" + Integer.toString(pkg).replaceAll("(\\d)", "[$1]") + "/[F]\\d+\\.").limit(max).build();
    }
    MetadataQuery[][] all = {language, function, className, referencedDoc, languageAndFunction, pathRegex,
        pathRegexNoLiteral};
    for (int k = 0; k < all.length; k++) {
      for (int q = 0; q < 256; q++) {
        results[k] += cache.query(all[k][q]).size();
      }
    }
    System.out.printf("mean results per query (first 256, limit %s): language %.1f, function %.1f, class %.1f, "
        + "doc %.1f, language+function %.1f, path regex %.1f, path regex without literal %.1f%n", limit,
        results[0] / 256.0, results[1] / 256.0, results[2] / 256.0, results[3] / 256.0, results[4] / 256.0,
        results[5] / 256.0, results[6] / 256.0);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    cache.close();
    Bench.deleteTree(dir);
  }

  private static int pick(double u) {
    double acc = 0;
    for (int i = 0; i < LANGUAGE_SHARE.length; i++) {
      acc += LANGUAGE_SHARE[i];
      if (u < acc) {
        return i;
      }
    }
    return LANGUAGE_SHARE.length - 1;
  }

  private static final String[] COMMON = {"main", "init", "run", "close", "get", "set", "toString", "equals",
      "hashCode", "setUp", "test", "parse", "read", "write", "apply", "update", "create", "build", "load", "start"};

  static String functionName(int rank) {
    return rank < COMMON.length ? COMMON[rank] : "fn" + rank;
  }

  static String docName(int rank) {
    return rank % 3 == 0 ? "https://docs.example.org/guide/" + rank + ".html" : "docs/topic-" + rank + ".md";
  }

  private MetadataQuery nextOf(MetadataQuery[] queries) {
    MetadataQuery q = queries[next];
    next = (next + 1) & (QUERIES - 1);
    return q;
  }

  @Benchmark
  public List<IndexedEntry> language() {
    return cache.query(nextOf(language));
  }

  @Benchmark
  public List<IndexedEntry> function() {
    return cache.query(nextOf(function));
  }

  @Benchmark
  public List<IndexedEntry> className() {
    return cache.query(nextOf(className));
  }

  @Benchmark
  public List<IndexedEntry> referencedDoc() {
    return cache.query(nextOf(referencedDoc));
  }

  @Benchmark
  public List<IndexedEntry> languageAndFunction() {
    return cache.query(nextOf(languageAndFunction));
  }

  @Benchmark
  public List<IndexedEntry> pathRegex() {
    return cache.query(nextOf(pathRegex));
  }

  @Benchmark
  public List<IndexedEntry> pathRegexNoLiteral() {
    return cache.query(nextOf(pathRegexNoLiteral));
  }
}
