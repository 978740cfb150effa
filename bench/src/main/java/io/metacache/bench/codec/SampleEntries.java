package io.metacache.bench.codec;

import io.metacache.codec.CacheEntry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Realistic entries for codec benchmarks: about 1 KB of EXIF-like camera fields (with a small
 * thumbnail and a GPS block) and source-symbol-like lists. Deterministic per seed.
 */
public final class SampleEntries {
  private SampleEntries() {}

  /** The metadata map of one realistic entry. */
  public static Map<String, Object> metadata(SplittableRandom r) {
    String[] makes = {"Canon", "NIKON CORPORATION", "SONY", "FUJIFILM", "Apple"};
    String[] models = {"EOS R5", "Z 8", "ILCE-7M4", "X-T5", "iPhone 15 Pro"};
    String[] lenses = {"RF24-105mm F4 L IS USM", "NIKKOR Z 24-120mm f/4 S", "FE 35mm F1.8",
        "XF16-55mmF2.8 R LM WR", "iPhone 15 Pro back triple camera 6.765mm f/1.78"};
    int m = r.nextInt(makes.length);
    Map<String, Object> exif = new LinkedHashMap<>();
    exif.put("Make", makes[m]);
    exif.put("Model", models[m]);
    exif.put("LensModel", lenses[m]);
    exif.put("DateTimeOriginal", String.format("2024:%02d:%02d %02d:%02d:%02d", 1 + r.nextInt(12),
        1 + r.nextInt(28), r.nextInt(24), r.nextInt(60), r.nextInt(60)));
    exif.put("OffsetTimeOriginal", "+02:00");
    exif.put("ExposureTime", 1.0 / (1 + r.nextInt(4000)));
    exif.put("FNumber", 1.4 + r.nextInt(200) / 10.0);
    exif.put("ISOSpeedRatings", (long) (100 << r.nextInt(6)));
    exif.put("FocalLength", 10.0 + r.nextInt(600));
    exif.put("ExposureProgram", "Aperture priority");
    exif.put("MeteringMode", "Pattern");
    exif.put("WhiteBalance", r.nextBoolean() ? "Auto" : "Manual");
    exif.put("Orientation", (long) (1 + r.nextInt(8)));
    exif.put("Flash", r.nextBoolean());
    exif.put("Software", "Firmware Version " + r.nextInt(10) + "." + r.nextInt(10) + ".0");
    exif.put("Artist", "Jane Photographer");
    exif.put("Copyright", "(c) 2024 Jane Photographer, all rights reserved");
    Map<String, Object> gps = new LinkedHashMap<>();
    gps.put("Latitude", -90 + r.nextDouble() * 180);
    gps.put("Longitude", -180 + r.nextDouble() * 360);
    gps.put("Altitude", r.nextDouble() * 3000);
    gps.put("MapDatum", "WGS-84");
    gps.put("TimeStamp", "12:34:56");
    exif.put("GPS", gps);
    byte[] thumb = new byte[64];
    r.nextBytes(thumb);
    exif.put("ThumbnailJPEG", thumb);

    String[] verbs = {"get", "put", "load", "parse", "render", "compute", "validate", "close"};
    String[] nouns = {"Entry", "Metadata", "Index", "Buffer", "Header", "Profile", "Thumbnail"};
    List<Object> functions = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      functions.add(verbs[r.nextInt(verbs.length)] + nouns[r.nextInt(nouns.length)]);
    }
    List<Object> classes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      classes.add(nouns[r.nextInt(nouns.length)] + (i == 0 ? "Reader" : i == 1 ? "Writer" : "Cache"));
    }
    Map<String, Object> source = new LinkedHashMap<>();
    source.put("language", r.nextBoolean() ? "java" : "python");
    source.put("functions", functions);
    source.put("classes", classes);
    source.put("imports", List.of("java.util.Map", "java.util.List", "java.nio.file.Path",
        "org.agrona.DirectBuffer", "io.metacache.codec.EntryCodec"));
    source.put("lines", (long) r.nextInt(5000));
    source.put("docRefs", List.of("docs/format.md#header", "README.md#configuration"));

    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("mimeType", "image/jpeg");
    meta.put("width", (long) (1000 + r.nextInt(7000)));
    meta.put("height", (long) (1000 + r.nextInt(5000)));
    meta.put("colorSpace", "sRGB");
    meta.put("exif", exif);
    meta.put("source", source);
    meta.put("title", null);
    return meta;
  }

  /** One realistic entry. */
  public static CacheEntry entry(String path, SplittableRandom r) {
    long now = 1_700_000_000_000L + r.nextInt(1_000_000_000);
    return CacheEntry.builder()
        .path(path)
        .profile("full")
        .fingerprint(r.nextLong(), r.nextLong())
        .size(r.nextInt(50_000_000))
        .mtimeNanos(now * 1_000_000L)
        .metadata(metadata(r))
        .extractionTimeNanos(r.nextInt(50_000_000))
        .cachedAtMillis(now)
        .expiresAtMillis(now + 86_400_000L)
        .accessCount(r.nextInt(100))
        .lastAccessMillis(now)
        .build();
  }

  /** {@code n} realistic entries from {@code seed}. */
  public static List<CacheEntry> entries(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<CacheEntry> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(entry("/photos/2024/IMG_" + (1000 + i) + ".jpg", r));
    }
    return out;
  }
}
