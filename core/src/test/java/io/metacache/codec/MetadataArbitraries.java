package io.metacache.codec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Reusable generators of JSON-like metadata and whole {@link CacheEntry} values, plus a
 * deterministic source of realistic (EXIF-like and source-symbol-like) entries.
 */
public final class MetadataArbitraries {
  private MetadataArbitraries() {}

  /** Well-formed Unicode strings (no lone surrogates), ASCII-heavy, 0..40 chars. */
  public static Arbitrary<String> strings() {
    Arbitrary<String> ascii = Arbitraries.strings().ascii().ofMaxLength(40);
    Arbitrary<String> bmp = Arbitraries.strings()
        .withCharRange('\u0000', '\uD7FF').withCharRange('\uE000', '\uFFFF').ofMaxLength(20);
    Arbitrary<String> supplementary = Arbitraries.integers().between(0x10000, 0x10FFFF)
        .list().ofMaxSize(8)
        .map(cps -> {
          StringBuilder sb = new StringBuilder();
          cps.forEach(sb::appendCodePoint);
          return sb.toString();
        });
    return Arbitraries.frequencyOf(Tuple.of(6, ascii), Tuple.of(3, bmp), Tuple.of(1, supplementary));
  }

  /** Map keys: short, mostly identifier-like, sometimes any well-formed Unicode. */
  public static Arbitrary<String> keys() {
    return Arbitraries.frequencyOf(
        Tuple.of(8, Arbitraries.strings().alpha().numeric().withChars("_.-").ofMinLength(1).ofMaxLength(16)),
        Tuple.of(2, strings()));
  }

  /** Scalars: null, booleans, longs, doubles (incl. NaN, infinities, -0.0), strings, byte[]. */
  public static Arbitrary<Object> scalars() {
    return Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.just(null)),
        Tuple.of(1, Arbitraries.of(Boolean.TRUE, Boolean.FALSE).map(b -> (Object) b)),
        Tuple.of(3, Arbitraries.longs().map(l -> (Object) l)),
        Tuple.of(2, Arbitraries.doubles().withSpecialValue(Double.NaN)
            .withSpecialValue(Double.POSITIVE_INFINITY).withSpecialValue(-0.0d).map(d -> (Object) d)),
        Tuple.of(4, strings().map(s -> (Object) s)),
        Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(64).map(b -> (Object) b)));
  }

  /** Any JSON-like value nested at most {@code depth} more levels. */
  public static Arbitrary<Object> values(int depth) {
    if (depth <= 0) {
      return scalars();
    }
    return Arbitraries.frequencyOf(
        Tuple.of(8, scalars()),
        Tuple.of(1, Arbitraries.lazy(() -> values(depth - 1)).list().ofMaxSize(6).map(l -> (Object) l)),
        Tuple.of(1, Arbitraries.lazy(() -> maps(depth - 1, 6)).map(m -> (Object) m)));
  }

  /** Maps of at most {@code maxSize} entries whose values nest at most {@code depth} levels. */
  public static Arbitrary<Map<String, Object>> maps(int depth, int maxSize) {
    return Arbitraries.maps(keys(), values(depth)).ofMaxSize(maxSize)
        .map(m -> new LinkedHashMap<String, Object>(m));
  }

  /** Large values: long text (compressible) or random bytes (incompressible), 1-40 KB. */
  public static Arbitrary<Object> largeValues() {
    Arbitrary<Object> text = Combinators.combine(strings(), Arbitraries.integers().between(50, 1000))
        .as((s, n) -> (Object) ("line of text: " + s + '\n').repeat(n));
    Arbitrary<Object> noise = Arbitraries.integers().between(1024, 40_000).map(n -> {
      byte[] b = new byte[n];
      new SplittableRandom(n).nextBytes(b);
      return (Object) b;
    });
    return Arbitraries.oneOf(text, noise);
  }

  /** Metadata maps, small or large, nested up to four levels, sometimes with a large value. */
  public static Arbitrary<Map<String, Object>> metadata() {
    Arbitrary<Map<String, Object>> small = maps(4, 12);
    Arbitrary<Map<String, Object>> large = Combinators.combine(maps(3, 8), largeValues())
        .as((m, big) -> {
          m.put("blob", big);
          return m;
        });
    Arbitrary<Map<String, Object>> realistic =
        Arbitraries.longs().map(seed -> realisticMetadata(new SplittableRandom(seed)));
    return Arbitraries.frequencyOf(Tuple.of(5, small), Tuple.of(2, large), Tuple.of(3, realistic));
  }

  /** Whole entries with every field random (within each field's valid range). */
  public static Arbitrary<CacheEntry> entries() {
    Arbitrary<String> paths = strings().map(s -> "/data/" + s);
    Arbitrary<String> profiles = Arbitraries.of("basic", "full", "exif", "symbols.v2", "pdf-props");
    Arbitrary<long[]> numbers = Arbitraries.longs().array(long[].class).ofSize(10);
    Arbitrary<Float> ratios = Arbitraries.floats().between(0, 1);
    return Combinators.combine(paths, profiles, metadata(), numbers, ratios)
        .as((path, profile, metadata, n, ratio) -> CacheEntry.builder()
            .path(path)
            .profile(profile)
            .fingerprint(n[0], n[1])
            .size(n[2] & Long.MAX_VALUE)
            .mtimeNanos(n[3])
            .metadata(metadata)
            .extractionTimeNanos(n[4] & Long.MAX_VALUE)
            .cachedAtMillis(n[5] & Long.MAX_VALUE)
            .expiresAtMillis(n[6] % 3 == 0 ? 0 : n[6] & Long.MAX_VALUE)
            .accessCount(n[7] & Long.MAX_VALUE)
            .lastAccessMillis(n[8] & Long.MAX_VALUE)
            .compressionRatio(ratio)
            .build());
  }

  /**
   * A realistic metadata map of about 1 KB encoded: EXIF-like camera fields with a small
   * thumbnail and GPS block, plus source-symbol-like lists. Deterministic for a given random.
   */
  public static Map<String, Object> realisticMetadata(SplittableRandom r) {
    String[] makes = {"Canon", "NIKON CORPORATION", "SONY", "FUJIFILM", "Apple"};
    String[] models = {"EOS R5", "Z 8", "ILCE-7M4", "X-T5", "iPhone 15 Pro"};
    int m = r.nextInt(makes.length);
    Map<String, Object> exif = new LinkedHashMap<>();
    exif.put("Make", makes[m]);
    exif.put("Model", models[m]);
    exif.put("DateTimeOriginal", String.format("2024:%02d:%02d %02d:%02d:%02d", 1 + r.nextInt(12),
        1 + r.nextInt(28), r.nextInt(24), r.nextInt(60), r.nextInt(60)));
    exif.put("ExposureTime", 1.0 / (1 + r.nextInt(4000)));
    exif.put("FNumber", 1.4 + r.nextInt(200) / 10.0);
    exif.put("ISOSpeedRatings", (long) (100 << r.nextInt(6)));
    exif.put("FocalLength", 10.0 + r.nextInt(600));
    exif.put("Orientation", (long) (1 + r.nextInt(8)));
    exif.put("Flash", r.nextBoolean());
    exif.put("LensModel", "RF24-105mm F4 L IS USM");
    exif.put("Software", "Firmware Version " + r.nextInt(10) + "." + r.nextInt(10) + ".0");
    Map<String, Object> gps = new LinkedHashMap<>();
    gps.put("Latitude", -90 + r.nextDouble() * 180);
    gps.put("Longitude", -180 + r.nextDouble() * 360);
    gps.put("Altitude", r.nextDouble() * 3000);
    gps.put("MapDatum", "WGS-84");
    exif.put("GPS", gps);
    byte[] thumb = new byte[48];
    r.nextBytes(thumb);
    exif.put("ThumbnailJPEG", thumb);

    List<Object> functions = new ArrayList<>();
    String[] verbs = {"get", "put", "load", "parse", "render", "compute", "validate", "close"};
    String[] nouns = {"Entry", "Metadata", "Index", "Buffer", "Header", "Profile", "Thumbnail"};
    int nf = 6 + r.nextInt(6);
    for (int i = 0; i < nf; i++) {
      functions.add(verbs[r.nextInt(verbs.length)] + nouns[r.nextInt(nouns.length)]);
    }
    List<Object> classes = new ArrayList<>();
    classes.add(nouns[r.nextInt(nouns.length)] + "Reader");
    classes.add(nouns[r.nextInt(nouns.length)] + "Writer");
    List<Object> imports = List.of("java.util.Map", "java.util.List", "java.nio.file.Path",
        "org.agrona.DirectBuffer");
    Map<String, Object> source = new LinkedHashMap<>();
    source.put("language", r.nextBoolean() ? "java" : "python");
    source.put("functions", functions);
    source.put("classes", classes);
    source.put("imports", imports);
    source.put("lines", (long) r.nextInt(5000));
    source.put("docRefs", List.of("docs/format.md#header", "README.md#configuration"));

    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("mimeType", "image/jpeg");
    meta.put("width", (long) (1000 + r.nextInt(7000)));
    meta.put("height", (long) (1000 + r.nextInt(5000)));
    meta.put("exif", exif);
    meta.put("source", source);
    meta.put("title", null);
    return meta;
  }

  /** A realistic entry for {@code path}, deterministic for a given random. */
  public static CacheEntry realisticEntry(String path, SplittableRandom r) {
    long now = 1_700_000_000_000L + r.nextInt(1_000_000_000);
    return CacheEntry.builder()
        .path(path)
        .profile("full")
        .fingerprint(r.nextLong(), r.nextLong())
        .size(r.nextInt(50_000_000))
        .mtimeNanos(now * 1_000_000L)
        .metadata(realisticMetadata(r))
        .extractionTimeNanos(r.nextInt(50_000_000))
        .cachedAtMillis(now)
        .expiresAtMillis(now + 86_400_000L)
        .accessCount(r.nextInt(100))
        .lastAccessMillis(now)
        .build();
  }

  /** {@code n} realistic entries from {@code seed}, e.g. to train a dictionary. */
  public static List<CacheEntry> realisticEntries(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<CacheEntry> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(realisticEntry("/photos/2024/IMG_" + (1000 + i) + ".jpg", r));
    }
    return out;
  }
}
