package io.metacache.key;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.From;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Property 6 of the specification, cache key uniqueness, over real files, as the design states it.
 *
 * <p>A file's key is {@code CacheKey.of(fingerprint, profile)}; keys are content-addressed, so
 * the seed's "different files" means different fingerprint input, not different paths:
 * <ul>
 *   <li>a file of at most the full-hash threshold is hashed whole: distinct content or a distinct
 *       profile gives a distinct key; identical content under the same profile shares one key by
 *       design (two copies of a file share their extracted metadata), wherever they are;
 *   <li>a larger file is sampled (size, mtime, first, middle and last chunk): it gets a distinct
 *       key when its size, its mtime or any byte of a sampled chunk differs, or its profile does.
 *       Sampling cannot tell apart two large files of the same size and mtime that differ only
 *       between the chunks: they share a key (the price of reading 3 chunks instead of the file;
 *       {@code PathIndex} still sees a rewrite of one path through its ctime);
 *   <li>whole and sampled fingerprints are separate domains (the top bit), and file keys and
 *       key/value name keys are separate domains.
 * </ul>
 * "Distinct" is up to an XXH3-128 collision, which no test can exclude and none has found.
 */
class CacheKeyPropertiesTest {

  /** Small in the edge tests, so files around the threshold and sampled files stay a few KiB. */
  private static final int THRESHOLD = 4096;
  private static final int CHUNK = 256;
  private static final long MTIME = 1_700_000_000_000_000_000L;

  enum Chunk { FIRST, MIDDLE, LAST }

  private static Path dir;
  private final Fingerprinter fingerprinter = new Fingerprinter();
  private final Fingerprinter small = new Fingerprinter(THRESHOLD, CHUNK);

  @BeforeContainer
  static void createDirectory() throws IOException {
    dir = Files.createTempDirectory("metacache-keys");
  }

  @AfterContainer
  static void deleteDirectory() throws IOException {
    TestFiles.deleteTree(dir);
  }

  /**
   * Property 6: distinct (file, profile) pairs never share a cache key. Keys are content-addressed,
   * so "distinct file" means distinct content: two paths holding the same bytes deliberately share
   * extracted metadata. Contents stay under the whole-content threshold, where distinct content
   * means distinct fingerprint input (sampled fingerprints are covered by the change-detection
   * properties).
   */
  @Property(tries = 200)
  void property6_keyUniqueness(
      @ForAll @Size(min = 1, max = 25) List<@Size(max = 300) byte[]> contents,
      @ForAll @Size(min = 1, max = 6) Set<@From("profiles") String> profiles) throws IOException {
    Set<ByteBuffer> distinct = new LinkedHashSet<>();
    for (byte[] content : contents) {
      distinct.add(ByteBuffer.wrap(content));
    }
    List<Fingerprint> fingerprints = new ArrayList<>();
    int i = 0;
    for (ByteBuffer content : distinct) {
      Path file = dir.resolve("content-" + i++);
      Files.write(file, content.array());
      fingerprints.add(fingerprinter.fingerprint(file));
    }
    Set<CacheKey> keys = new HashSet<>();
    for (Fingerprint fingerprint : fingerprints) {
      for (String profile : profiles) {
        CacheKey key = CacheKey.of(fingerprint, profile);
        assertThat(key.isName()).isFalse();
        assertThat(keys.add(key))
            .as("key %s of (%s, %s) is new", key, fingerprint, profile)
            .isTrue();
      }
    }
    assertThat(keys).hasSize(distinct.size() * profiles.size());
  }

  /** Property 6 for the generic API: distinct names never share a key, nor meet a file key. */
  @Property(tries = 200)
  void property6_keyUniqueness_names(
      @ForAll @Size(min = 1, max = 50) Set<@From("names") String> names,
      @ForAll long fingerprintHigh, @ForAll long fingerprintLow,
      @ForAll("profiles") String profile) {
    Set<CacheKey> keys = new HashSet<>();
    for (String name : names) {
      CacheKey key = CacheKey.ofName(name);
      assertThat(key.isName()).isTrue();
      assertThat(keys.add(key)).as("key of %s is new", name).isTrue();
    }
    CacheKey fileKey = CacheKey.of(new Fingerprint(fingerprintHigh, fingerprintLow), profile);
    assertThat(keys).doesNotContain(fileKey);
  }

  /**
   * Property 6 around the full-hash threshold: files of threshold - 3 to threshold + 3 bytes with
   * distinct contents, and for each its one-byte extension and its one-byte truncation, get
   * pairwise distinct keys under every profile; a file of exactly the threshold is hashed whole,
   * one byte more is sampled.
   */
  @Property(tries = 100)
  void property6_keyUniqueness_aroundTheFullHashThreshold(
      @ForAll @Size(min = 1, max = 6) List<@IntRange(min = -3, max = 3) Integer> sizeOffsets,
      @ForAll long seed,
      @ForAll @Size(min = 1, max = 3) Set<@From("profiles") String> profiles) throws IOException {
    Set<ByteBuffer> contents = new LinkedHashSet<>();
    int n = 0;
    for (int offset : sizeOffsets) {
      byte[] content = TestFiles.randomBytes(THRESHOLD + offset, seed + n++);
      contents.add(ByteBuffer.wrap(content));
      contents.add(ByteBuffer.wrap(java.util.Arrays.copyOf(content, content.length + 1)));
      contents.add(ByteBuffer.wrap(java.util.Arrays.copyOf(content, content.length - 1)));
    }
    Set<CacheKey> keys = new HashSet<>();
    int i = 0;
    for (ByteBuffer content : contents) {
      byte[] bytes = content.array();
      Path file = TestFiles.write(dir.resolve("threshold-" + i++), bytes, MTIME);
      Fingerprint fingerprint = small.fingerprint(file);
      assertThat(fingerprint.sampled()).as("%s bytes sampled", bytes.length).isEqualTo(bytes.length > THRESHOLD);
      for (String profile : profiles) {
        assertThat(keys.add(CacheKey.of(fingerprint, profile)))
            .as("key of %s bytes under %s is new", bytes.length, profile).isTrue();
      }
    }
    assertThat(keys).hasSize(contents.size() * profiles.size());
  }

  /** One change to a large base file: a byte in a sampled chunk, the size, or the mtime. */
  record Change(int kind, Chunk chunk, int offsetInChunk, int delta) {
    static final int BYTE = 0;
    static final int SIZE = 1;
    static final int MTIME = 2;
  }

  @Provide
  Arbitrary<Change> changes() {
    return net.jqwik.api.Combinators.combine(
        Arbitraries.integers().between(0, 2),
        Arbitraries.of(Chunk.class),
        Arbitraries.integers().between(0, CHUNK - 1),
        Arbitraries.integers().between(1, 255))
        .as(Change::new);
  }

  /**
   * Property 6 for sampled files: large files that differ from one another in one byte of a
   * sampled chunk, in size, or in mtime, get pairwise distinct keys under every profile; an
   * identical copy (same bytes, same mtime) at another path shares the base file's key.
   */
  @Property(tries = 100)
  void property6_keyUniqueness_sampledFilesDifferingInASampledByteSizeOrMtime(
      @ForAll @IntRange(min = THRESHOLD + 1, max = 8 * THRESHOLD) int size,
      @ForAll long seed,
      @ForAll @Size(min = 1, max = 12) List<@From("changes") Change> changes,
      @ForAll @Size(min = 1, max = 3) Set<@From("profiles") String> profiles) throws IOException {
    byte[] base = TestFiles.randomBytes(size, seed);
    // Each distinct effect once: a byte position and its new value, a new size, a new mtime.
    Map<String, Path> variants = new LinkedHashMap<>();
    variants.put("base", TestFiles.write(dir.resolve("sampled-base"), base, MTIME));
    int i = 0;
    for (Change c : changes) {
      byte[] content = base;
      long mtime = MTIME;
      String effect;
      switch (c.kind()) {
        case Change.BYTE -> {
          int start = switch (c.chunk()) {
            case FIRST -> 0;
            case MIDDLE -> (size - CHUNK) / 2;
            case LAST -> size - CHUNK;
          };
          int position = start + c.offsetInChunk();
          content = base.clone();
          content[position] += (byte) c.delta();
          effect = "byte " + position + "=" + content[position];
        }
        case Change.SIZE -> {
          int newSize = size + c.delta() * (c.chunk() == Chunk.FIRST && size - c.delta() > THRESHOLD ? -1 : 1);
          content = java.util.Arrays.copyOf(base, newSize);
          effect = "size " + newSize;
        }
        default -> {
          mtime = MTIME + c.delta() * (c.offsetInChunk() + 1L);
          effect = "mtime " + mtime;
        }
      }
      if (!variants.containsKey(effect)) {
        variants.put(effect, TestFiles.write(dir.resolve("sampled-" + i++), content, mtime));
      }
    }
    Map<CacheKey, String> keys = new HashMap<>();
    for (Map.Entry<String, Path> variant : variants.entrySet()) {
      Fingerprint fingerprint = small.fingerprint(variant.getValue());
      assertThat(fingerprint.sampled()).isTrue();
      for (String profile : profiles) {
        String previous = keys.put(CacheKey.of(fingerprint, profile), variant.getKey() + " under " + profile);
        assertThat(previous).as("%s under %s shares a key with %s", variant.getKey(), profile, previous).isNull();
      }
    }
    assertThat(keys).hasSize(variants.size() * profiles.size());

    Path copy = TestFiles.write(dir.resolve("sampled-copy"), base, MTIME);
    for (String profile : profiles) {
      assertThat(CacheKey.of(small.fingerprint(copy), profile))
          .as("an identical copy shares the key by design")
          .isEqualTo(CacheKey.of(small.fingerprint(variants.get("base")), profile));
    }
  }

  /**
   * Property 6's "same file" side: identical content at different paths shares one key per
   * profile (whole-hashed at any size up to the threshold; sampled only with the same mtime, since
   * the mtime is part of the sample), and distinct profiles still give distinct keys.
   */
  @Property(tries = 100)
  void property6_identicalContentAtDifferentPathsSharesAKeyPerProfile(
      @ForAll @IntRange(min = 0, max = 3 * THRESHOLD) int size,
      @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 1_000_000) int mtimeDifference,
      @ForAll @Size(min = 2, max = 4) Set<@From("profiles") String> profiles) throws IOException {
    byte[] content = TestFiles.randomBytes(size, seed);
    Path one = TestFiles.write(dir.resolve("same-a"), content, MTIME);
    Files.createDirectories(dir.resolve("elsewhere"));
    Path other = TestFiles.write(dir.resolve("elsewhere").resolve("same-b"), content, MTIME);
    Path touched = TestFiles.write(dir.resolve("same-touched"), content, MTIME + mtimeDifference);
    Fingerprint a = small.fingerprint(one);
    Fingerprint b = small.fingerprint(other);
    Fingerprint t = small.fingerprint(touched);
    Set<CacheKey> keys = new HashSet<>();
    for (String profile : profiles) {
      CacheKey key = CacheKey.of(a, profile);
      assertThat(CacheKey.of(b, profile)).isEqualTo(key);
      assertThat(keys.add(key)).as("profile %s has a key of its own", profile).isTrue();
      if (size <= THRESHOLD) {
        assertThat(CacheKey.of(t, profile)).as("whole-hashed: the mtime is no part of the key").isEqualTo(key);
      } else {
        assertThat(CacheKey.of(t, profile)).as("sampled: the mtime is part of the key").isNotEqualTo(key);
      }
    }
  }

  /**
   * What sampling cannot distinguish, stated as a property so that it stays documented: two large
   * files of the same size and mtime that differ only outside the three sampled chunks share a
   * key under every profile.
   */
  @Property(tries = 50)
  void property6_limit_sampledFilesDifferingOnlyBetweenTheChunksShareAKey(
      @ForAll @IntRange(min = 4 * THRESHOLD, max = 8 * THRESHOLD) int size,
      @ForAll long seed,
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int where,
      @ForAll @IntRange(min = 1, max = 255) int delta,
      @ForAll("profiles") String profile) throws IOException {
    byte[] content = TestFiles.randomBytes(size, seed);
    // Between the first and the middle chunk: [CHUNK, (size - CHUNK) / 2).
    int position = CHUNK + where % ((size - CHUNK) / 2 - CHUNK);
    Path one = TestFiles.write(dir.resolve("limit-a"), content, MTIME);
    byte[] changed = content.clone();
    changed[position] += (byte) delta;
    Path other = TestFiles.write(dir.resolve("limit-b"), changed, MTIME);
    assertThat(CacheKey.of(small.fingerprint(other), profile))
        .isEqualTo(CacheKey.of(small.fingerprint(one), profile));
  }

  /**
   * Property 6 across profiles that are prefixes of one another: the fingerprint has a fixed width
   * in the key's hash input, so {@code p} and {@code p + suffix} never meet.
   */
  @Property(tries = 200)
  void property6_keyUniqueness_profilesThatArePrefixesOfOneAnother(
      @ForAll long fingerprintHigh, @ForAll long fingerprintLow,
      @ForAll("profiles") String profile, @ForAll("profiles") String suffix) {
    String longer = (profile + suffix).substring(0, Math.min(Profiles.MAX_LENGTH, profile.length() + suffix.length()));
    net.jqwik.api.Assume.that(!longer.equals(profile));
    Fingerprint fingerprint = new Fingerprint(fingerprintHigh & Long.MAX_VALUE, fingerprintLow);
    assertThat(CacheKey.of(fingerprint, longer)).isNotEqualTo(CacheKey.of(fingerprint, profile));
  }

  @Property(tries = 300)
  void keyBytesAndHexRoundTrip(@ForAll long high, @ForAll long low) {
    CacheKey key = new CacheKey(high, low);
    assertThat(CacheKey.fromBytes(key.toBytes())).isEqualTo(key);
    assertThat(CacheKey.fromHex(key.toHex())).isEqualTo(key);
  }

  @Provide
  Arbitrary<String> profiles() {
    return Arbitraries.oneOf(
        Arbitraries.of("basic", "full", "exif", "symbols", "doc-refs", "pdf.props"),
        Arbitraries.strings()
            .withCharRange('a', 'z').withCharRange('A', 'Z').withCharRange('0', '9')
            .withChars("._-")
            .ofMinLength(1).ofMaxLength(Profiles.MAX_LENGTH));
  }

  @Provide
  Arbitrary<String> names() {
    Arbitrary<String> namespace = Arbitraries.of("document", "parse", "symbols", "doc");
    Arbitrary<String> rest = Arbitraries.strings().withCharRange('!', '~').withChars("\u00e9\u4e2d")
        .ofMinLength(1).ofMaxLength(40);
    return Arbitraries.oneOf(
        namespace.flatMap(ns -> rest.map(r -> ns + ":" + r)),
        rest);
  }
}
