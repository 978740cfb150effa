package io.metacache;

import static org.assertj.core.api.Assertions.assertThat;

import io.metacache.codec.CacheEntry;
import io.metacache.counters.CountersPublisher;
import io.metacache.counters.ProcessStatsReader;
import io.metacache.codec.CodecOptions;
import io.metacache.codec.EntryCodec;
import io.metacache.key.Fingerprinter;
import io.metacache.key.PathIndex;
import io.metacache.memory.MemoryTier;
import io.metacache.memory.MemoryTierBuilder;
import io.metacache.metrics.MetaCacheMetrics;
import io.metacache.query.MetadataQuery;
import io.metacache.query.QueryIndex;
import io.metacache.spi.Tier;
import io.metacache.spi.TierOperation;
import io.metacache.stats.LatencyRecorder;
import io.metacache.stats.StatsCounter;
import io.metacache.writebehind.WriteBehindPipeline;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Seed properties 11 and 12, in their JVM form: every class of the library loads and initializes
 * (no static initializer fails, no referenced class is missing from the runtime classpath), every
 * method and constructor it declares links (its signature's types resolve and a method handle can
 * be made for it from inside its own class), and every public class of the library is instantiated
 * through its public API and does one piece of its work. Generation is exhaustive: each class is
 * tried exactly once.
 */
class ClassStructurePropertiesTest {

  @Provide
  Arbitrary<String> libraryClasses() throws IOException, URISyntaxException {
    List<String> names = libraryClassNames();
    assertThat(names).hasSizeGreaterThan(50);
    return Arbitraries.of(names);
  }

  private static List<String> libraryClassNames() throws IOException, URISyntaxException {
    Path root = Path.of(CacheConfig.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> names;
    try (Stream<Path> walk = Files.walk(root)) {
      // META-INF/versions/22 holds the multi-release jar's Java 22 classes, which only a Java 22+
      // runtime loads, from the jar, in place of their base versions (NativeStatTest runs them)
      names = walk.filter(p -> p.toString().endsWith(".class") && !root.relativize(p).startsWith("META-INF"))
          .map(p -> root.relativize(p).toString().replace('/', '.').replaceAll("\\.class$", ""))
          .filter(n -> !n.endsWith("package-info"))
          .sorted()
          .collect(Collectors.toList());
    }
    return names;
  }

  @Property(generation = GenerationMode.EXHAUSTIVE)
  void property11_methodDefinitionCorrectness_everyMethodLinksInItsClass(@ForAll("libraryClasses") String name)
      throws Exception {
    Class<?> type = Class.forName(name, false, getClass().getClassLoader());
    MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(type, MethodHandles.lookup());
    for (Method m : type.getDeclaredMethods()) {
      assertThat(m.getDeclaringClass()).isSameAs(type);
      if (!m.isSynthetic()) {
        assertThat(lookup.unreflect(m)).as("%s.%s links", name, m.getName()).isNotNull();
      }
    }
    for (Constructor<?> c : type.getDeclaredConstructors()) {
      assertThat(lookup.unreflectConstructor(c)).isNotNull();
    }
  }

  /** Property 12, first half: every class of the library loads and its static initializer runs. */
  @Property(generation = GenerationMode.EXHAUSTIVE)
  void property12_classInstantiationSuccess_everyClassInitializes(@ForAll("libraryClasses") String name)
      throws Exception {
    Class<?> type = Class.forName(name, true, getClass().getClassLoader());
    assertThat(type.getName()).isEqualTo(name);
  }

  /**
   * The classes property 12 instantiates: public, concrete, top-level, and with instance methods.
   * Left out, and why: interfaces, abstract classes, enums and annotations have no instances of
   * their own; exceptions are thrown, not built; records are values whose canonical constructor is
   * the compiler's (each is read back from a live instance by the tests of its subject); static
   * utilities (every public method static) have no instances by design; nested classes are the
   * builders and handles their outer classes hand out, and the recipes below go through them.
   */
  @Provide
  Arbitrary<String> instantiableClasses() throws Exception {
    List<String> names = new ArrayList<>();
    for (String name : libraryClassNames()) {
      Class<?> type = Class.forName(name, false, getClass().getClassLoader());
      int modifiers = type.getModifiers();
      if (Modifier.isPublic(modifiers) && !type.isInterface() && !Modifier.isAbstract(modifiers) && !type.isEnum()
          && !type.isAnnotation() && !type.isRecord() && !Throwable.class.isAssignableFrom(type)
          && type.getEnclosingClass() == null && !isUtilityClass(type)) {
        names.add(name);
      }
    }
    assertThat(names).as("the library's instantiable classes").contains(MetaCache.class.getName(),
        MemoryTier.class.getName(), WriteBehindPipeline.class.getName());
    return Arbitraries.of(names);
  }

  /**
   * Property 12, second half: every instantiable class of the library (the cache, its memory tier,
   * the pipeline, the codec, the indexes, the counters) is instantiated through its public way in
   * (constructor, factory or builder), the instance does one piece of its work, and it closes. A
   * public class without a recipe here fails, so a new class cannot escape the property.
   */
  @Property(generation = GenerationMode.EXHAUSTIVE)
  void property12_classInstantiationSuccess_everyPublicClassInstantiatesAndWorks(
      @ForAll("instantiableClasses") String name) throws Exception {
    Class<?> type = Class.forName(name, true, getClass().getClassLoader());
    Recipe recipe = RECIPES.get(type);
    assertThat(recipe).as("%s: a public class needs a recipe in ClassStructurePropertiesTest.RECIPES", name)
        .isNotNull();
    Path dir = Files.createTempDirectory("metacache-property12-");
    try {
      Path file = Files.writeString(dir.resolve("sample.txt"), "property 12");
      Object instance = recipe.instantiate(dir, file);
      assertThat(instance).as("%s instantiated", name).isInstanceOf(type);
      if (instance instanceof AutoCloseable closeable) {
        closeable.close();
      }
    } finally {
      deleteRecursively(dir);
    }
  }

  /** Builds one instance of a class through its public API and makes it do one piece of work. */
  @FunctionalInterface
  private interface Recipe {
    Object instantiate(Path dir, Path file) throws Exception;
  }

  private static final Map<Class<?>, Recipe> RECIPES = Map.ofEntries(
      Map.entry(CacheConfig.class, (dir, file) -> {
        CacheConfig config = config(dir);
        assertThat(config.cacheDirectory()).isEqualTo(dir.resolve("cache"));
        return config;
      }),
      Map.entry(MetaCache.class, (dir, file) -> {
        MetaCache cache = memoryOnlyCache(dir);
        cache.put(file, "basic", Map.of("k", "v"));
        assertThat(cache.get(file, "basic")).contains(Map.of("k", "v"));
        return cache;
      }),
      Map.entry(ExtractorInputs.class, (dir, file) -> {
        ExtractorInputs inputs = ExtractorInputs.contentAndName(PathField.SIZE, PathField.OWNER);
        assertThat(inputs.scope()).isEqualTo(io.metacache.key.KeyScope.NAME);
        assertThat(inputs.pathFields()).containsExactly(PathField.SIZE, PathField.OWNER);
        return inputs;
      }),
      Map.entry(KeyValueCache.class, (dir, file) -> {
        try (MetaCache cache = memoryOnlyCache(dir)) {
          KeyValueCache kv = KeyValueCache.of(cache);
          kv.set("key", "value");
          assertThat(kv.get("key")).contains("value");
          return kv;
        }
      }),
      Map.entry(Namespace.class, (dir, file) -> {
        Namespace namespace = Namespace.of("app", "users");
        assertThat(namespace.key("1")).contains("app").contains("users").contains("1");
        return namespace;
      }),
      Map.entry(CacheEntry.class, (dir, file) -> {
        CacheEntry entry = entry();
        assertThat(entry.metadata()).containsEntry("k", "v");
        return entry;
      }),
      Map.entry(CodecOptions.class, (dir, file) -> {
        CodecOptions options = CodecOptions.builder().build();
        assertThat(options).isEqualTo(CodecOptions.defaults());
        return options;
      }),
      Map.entry(EntryCodec.class, (dir, file) -> {
        EntryCodec codec = new EntryCodec();
        assertThat(codec.decode(codec.encode(entry())).metadata()).containsEntry("k", "v");
        return codec;
      }),
      Map.entry(Fingerprinter.class, (dir, file) -> {
        Fingerprinter fingerprinter = new Fingerprinter();
        assertThat(fingerprinter.fingerprint(file)).isEqualTo(fingerprinter.fingerprint(file));
        return fingerprinter;
      }),
      Map.entry(PathIndex.class, (dir, file) -> {
        PathIndex index = new PathIndex(new Fingerprinter());
        assertThat(index.lookup(file).fingerprint()).isEqualTo(new Fingerprinter().fingerprint(file));
        return index;
      }),
      Map.entry(MemoryTier.class, (dir, file) -> {
        MemoryTier tier = MemoryTier.builder().maxEntries(100).maxBytes(16 << 20).build();
        byte[] encoded = new EntryCodec().encode(entry());
        assertThat(tier.put(1, 2, encoded)).isTrue();
        assertThat(tier.get(1, 2)).isEqualTo(encoded);
        return tier;
      }),
      Map.entry(MemoryTierBuilder.class, (dir, file) -> {
        MemoryTierBuilder builder = MemoryTier.builder().maxEntries(10).maxBytes(16 << 20);
        builder.build().close();
        return builder;
      }),
      Map.entry(MetaCacheMetrics.class, (dir, file) -> {
        try (MetaCache cache = memoryOnlyCache(dir)) {
          MetaCacheMetrics metrics = new MetaCacheMetrics(cache);
          SimpleMeterRegistry registry = new SimpleMeterRegistry();
          metrics.bindTo(registry);
          assertThat(registry.getMeters()).isNotEmpty();
          return metrics;
        }
      }),
      Map.entry(MetadataQuery.class, (dir, file) -> {
        MetadataQuery query = MetadataQuery.builder().build();
        assertThat(query.limit()).isEqualTo(MetadataQuery.DEFAULT_LIMIT);
        return query;
      }),
      Map.entry(QueryIndex.class, (dir, file) -> {
        QueryIndex index = new QueryIndex();
        assertThat(index.size()).isZero();
        return index;
      }),
      Map.entry(LatencyRecorder.class, (dir, file) -> {
        LatencyRecorder recorder = new LatencyRecorder();
        recorder.record(1_000);
        assertThat(recorder.summary()).isNotNull();
        return recorder;
      }),
      Map.entry(StatsCounter.class, (dir, file) -> {
        StatsCounter counter = new StatsCounter(List.of("memory"));
        counter.recordHit(0);
        assertThat(counter.snapshot().hits()).isEqualTo(1);
        return counter;
      }),
      Map.entry(CountersPublisher.class, (dir, file) -> {
        Path cacheDir = Files.createDirectories(dir.resolve("published"));
        try (MetaCache cache = memoryOnlyCache(dir)) {
          cache.put(file, "basic", Map.of("k", "v"));
          CountersPublisher publisher = CountersPublisher.start(cacheDir, cache.tierNames(),
              () -> SharedStats.figures(cache), java.time.Duration.ofMillis(20), "property 12");
          assertThat(publisher).isNotNull();
          assertThat(Files.exists(publisher.file())).isTrue();
          publisher.close(); // the final figures, while the cache can still give them
          assertThat(Files.exists(publisher.file())).as("a closed publisher removes its file").isFalse();
          return publisher;
        }
      }),
      Map.entry(io.metacache.doctor.CacheDoctor.class, (dir, file) -> {
        try (MetaCache cache = memoryOnlyCache(dir)) {
          cache.put(file, "basic", Map.of("k", "v"));
          io.metacache.doctor.CacheDoctor doctor = new io.metacache.doctor.CacheDoctor(
              io.metacache.doctor.CacheBounds.of(cache.config(), name -> null),
              io.metacache.doctor.DoctorThresholds.DEFAULTS);
          assertThat(doctor.examine(SharedStats.figures(cache)).healthy()).isTrue();
          return doctor;
        }
      }),
      Map.entry(io.metacache.policy.ShadowPolicies.class, (dir, file) -> {
        io.metacache.policy.ShadowPolicies shadows = new io.metacache.policy.ShadowPolicies(100);
        shadows.request(1, 2);
        shadows.request(1, 2);
        assertThat(shadows.rates().hitRate(io.metacache.policy.PolicyKind.LRU)).isEqualTo(0.5);
        return shadows;
      }),
      Map.entry(ProcessStatsReader.class, (dir, file) -> {
        ProcessStatsReader reader = ProcessStatsReader.of(Files.createDirectories(dir.resolve("nobody")));
        assertThat(reader.read().live()).as("no process publishes there").isEmpty();
        return reader;
      }),
      Map.entry(WriteBehindPipeline.class, (dir, file) -> {
        try (MemoryTier lower = MemoryTier.builder().maxEntries(100).maxBytes(16 << 20).build()) {
          WriteBehindPipeline pipeline =
              WriteBehindPipeline.builder().tier(new MemoryTierAsLowerTier(lower)).build();
          byte[] encoded = new EntryCodec().encode(entry());
          pipeline.put(1, 2, encoded, 0);
          pipeline.flush();
          assertThat(lower.get(1, 2)).isEqualTo(encoded);
          assertThat(pipeline.close().complete()).isTrue();
          return pipeline;
        }
      }));

  private static CacheConfig config(Path dir) {
    return CacheConfig.builder().cacheDirectory(dir.resolve("cache")).memoryMaxEntries(100)
        .memoryMaxBytes(16 << 20).build();
  }

  private static MetaCache memoryOnlyCache(Path dir) {
    return MetaCache.builder().config(config(dir)).properties(name -> null).memoryOnly().build();
  }

  private static CacheEntry entry() {
    return CacheEntry.builder().path("/a.txt").profile("basic").fingerprint(1, 2).size(3).mtimeNanos(4)
        .metadata(Map.of("k", "v")).build();
  }

  /** A lower tier for the pipeline: a {@link MemoryTier} behind the tier SPI. */
  private record MemoryTierAsLowerTier(MemoryTier memory) implements Tier {
    @Override
    public String name() {
      return "memory-as-lower";
    }

    @Override
    public byte[] get(long keyHigh, long keyLow) {
      return memory.get(keyHigh, keyLow);
    }

    @Override
    public void apply(List<TierOperation> batch) {
      for (TierOperation op : batch) {
        if (op.kind() == TierOperation.Kind.PUT) {
          memory.put(op.keyHigh(), op.keyLow(), op.value());
        } else {
          memory.remove(op.keyHigh(), op.keyLow());
        }
      }
    }

    @Override
    public long removeExpired(long nowMillis) {
      return 0;
    }

    @Override
    public void clear() {
      memory.clear();
    }

    @Override
    public void ping() {}

    @Override
    public long size() {
      return -1;
    }

    @Override
    public void close() {}
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static boolean isUtilityClass(Class<?> type) {
    return Stream.of(type.getDeclaredMethods()).filter(m -> Modifier.isPublic(m.getModifiers()))
        .allMatch(m -> Modifier.isStatic(m.getModifiers()));
  }
}
