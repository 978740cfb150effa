package io.metacache.extract;

import static org.assertj.core.api.Assertions.assertThat;

import io.metacache.CacheConfig;
import io.metacache.ExtractorInputs;
import io.metacache.MetaCache;
import io.metacache.PathField;
import io.metacache.key.KeyScope;
import io.metacache.stats.CacheStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The built-in extractors declare what they read (the bytes and the file name, plus path fields),
 * so through a cache: copies of a source file with other directories and mtimes are one
 * extraction, each answered with its own times; and an empty {@code LICENSE} and an empty
 * {@code __init__.py}, whose bytes match, do not share a result, since Tika types them by name.
 */
class BuiltInExtractorSharingTest {
  private Path dir;
  private MetaCache cache;

  @BeforeEach
  void open() throws IOException {
    dir = Files.createTempDirectory("metacache-builtin-sharing-");
    cache = MetaCache.builder().config(CacheConfig.builder().cacheDirectory(dir.resolve("cache"))
        .memoryMaxEntries(1000).memoryMaxBytes(16 << 20).build()).properties(name -> null).memoryOnly().build();
  }

  @AfterEach
  void close() throws IOException {
    cache.close();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  @Test
  void builtInsDeclareTheBytesTheNameAndEveryPathField() {
    for (String profile : Extractors.PROFILES) {
      ExtractorInputs inputs = Extractors.forProfile(profile).inputs();
      assertThat(inputs.scope()).as(profile).isEqualTo(KeyScope.NAME);
      assertThat(inputs.pathFields()).as(profile).containsExactly(PathField.values());
    }
  }

  @Test
  void emptyLicenseAndEmptyInitPyDoNotShareAResult() throws IOException {
    Path license = Files.createFile(Files.createDirectories(dir.resolve("a")).resolve("LICENSE"));
    Path init = Files.createFile(Files.createDirectories(dir.resolve("b")).resolve("__init__.py"));
    Map<String, Object> alone = Extractors.basic().extract(init);
    Map<String, Object> licenseAlone = Extractors.basic().extract(license);
    assertThat(alone.get("mimeType")).as("Tika types an empty file by its name").isNotEqualTo(licenseAlone.get("mimeType"));

    CacheStats before = cache.stats();
    Map<String, Object> l = cache.get(license, "basic", Extractors.basic());
    Map<String, Object> i = cache.get(init, "basic", Extractors.basic());
    assertThat(cache.stats().misses() - before.misses()).as("two extractions").isEqualTo(2);
    assertThat(l).containsEntry("mimeType", licenseAlone.get("mimeType")).containsEntry("extension", "");
    assertThat(i).containsEntry("mimeType", alone.get("mimeType")).containsEntry("extension", "py");
    assertThat(cache.get(init, "basic", Extractors.basic())).containsEntry("mimeType", alone.get("mimeType"));
    assertThat(cache.get(license, "basic", Extractors.basic())).containsEntry("mimeType", licenseAlone.get("mimeType"));
  }

  @Test
  void copiesOfASourceFileAreOneExtractionEachWithItsOwnTimes() throws IOException {
    String source = "package p;\n/** A class. */\npublic class Copy {\n  void run() {}\n}\n";
    List<Path> copies = new ArrayList<>();
    for (int c = 0; c < 5; c++) {
      Path f = Files.writeString(Files.createDirectories(dir.resolve("v" + c + "/p")).resolve("Copy.java"), source);
      Files.setLastModifiedTime(f, FileTime.fromMillis(1_600_000_000_000L + c * 86_400_000L));
      copies.add(f);
    }
    for (String profile : Extractors.PROFILES) {
      CacheStats before = cache.stats();
      for (Path f : copies) {
        cache.get(f, profile, Extractors.forProfile(profile));
      }
      assertThat(cache.stats().misses() - before.misses()).as(profile + ": one extraction for five copies").isEqualTo(1);
      CacheStats rescan = cache.stats();
      for (Path f : copies) {
        Map<String, Object> m = cache.get(f, profile, Extractors.forProfile(profile));
        Map<String, Object> alone = Extractors.forProfile(profile).extract(f);
        assertThat(m.get("modified")).isEqualTo(Files.getLastModifiedTime(f).toString());
        assertThat(m.keySet()).as("same fields, same order as outside the cache").containsExactlyElementsOf(alone.keySet());
        for (String key : alone.keySet()) {
          if (!key.equals("accessed")) { // reading the file outside the cache may move its access time
            assertThat(m.get(key)).as(profile + " " + key).isEqualTo(alone.get(key));
          }
        }
      }
      CacheStats after = cache.stats();
      assertThat(after.hits() - rescan.hits()).as(profile + ": rescan all hits").isEqualTo(copies.size());
      assertThat(after.misses() - rescan.misses()).isZero();
    }
  }
}
