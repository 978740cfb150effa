package io.metacache.key;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.From;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** Property 6 of the specification, cache key uniqueness, over real files. */
class CacheKeyPropertiesTest {

  private static Path dir;
  private final Fingerprinter fingerprinter = new Fingerprinter();

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
