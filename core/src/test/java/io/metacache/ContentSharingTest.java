package io.metacache;

import static org.assertj.core.api.Assertions.assertThat;

import io.metacache.codec.CacheEntry;
import io.metacache.key.KeyScope;
import io.metacache.stats.CacheStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Identical content shares one extraction: an extractor that declares it reads only the bytes and
 * the name ({@link ExtractorInputs#contentAndName}) is run once for every copy of a content under
 * one name, whatever the copies' directories and mtimes, and a rescan is all hits; what it reads
 * besides the bytes (the name) keeps results apart; a rewritten copy is extracted again; the path
 * fields of every answer are the file's own. An extractor that declares nothing keeps one entry
 * per path, re-extracted when its mtime changes.
 */
class ContentSharingTest {
  private static final String PROFILE = "basic";
  private static final long BASE_MTIME_NANOS = 1_600_000_000_000_000_000L;

  private Path dir;
  private MetaCache cache;

  @BeforeEach
  void open() throws IOException {
    dir = Files.createTempDirectory("metacache-sharing-");
    CacheConfig config = CacheConfig.builder().cacheDirectory(dir.resolve("cache")).memoryMaxEntries(1000)
        .memoryMaxBytes(16 << 20).build();
    cache = MetaCache.builder().config(config).properties(name -> null).memoryOnly().build();
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

  /** Reads the bytes and the name; declares every path field, which it also writes itself. */
  private static final class NameAndBytes implements Extractor {
    final AtomicInteger runs = new AtomicInteger();

    @Override
    public Map<String, Object> extract(Path file) throws IOException {
      runs.incrementAndGet();
      Map<String, Object> m = new LinkedHashMap<>();
      PathField.putAll(file, inputs().pathFields(), m);
      m.put("text", Files.readString(file));
      m.put("name", file.getFileName().toString());
      return m;
    }

    @Override
    public ExtractorInputs inputs() {
      return ExtractorInputs.contentAndName(PathField.values());
    }
  }

  /** {@code n} copies of {@code text} named {@code name} in directories of their own, each with another mtime. */
  private List<Path> copies(int n, String name, String text) throws IOException {
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Path file = Files.writeString(Files.createDirectories(dir.resolve("tree/d" + i)).resolve(name), text);
      Files.setLastModifiedTime(file, FileTime.from(BASE_MTIME_NANOS + i * 1_000_000_007L, TimeUnit.NANOSECONDS));
      files.add(file);
    }
    return files;
  }

  @Test
  void copiesWithOtherPathsAndMtimesAreOneExtractionAndEveryRescanIsAllHits() throws IOException {
    NameAndBytes extractor = new NameAndBytes();
    List<Path> files = copies(12, "README.txt", "the same bytes\n");
    for (Path f : files) {
      assertThat(cache.get(f, PROFILE, extractor)).containsEntry("text", "the same bytes\n");
    }
    assertThat(extractor.runs).hasValue(1);
    for (int scan = 0; scan < 3; scan++) {
      CacheStats before = cache.stats();
      for (Path f : files) {
        cache.get(f, PROFILE, extractor);
      }
      CacheStats after = cache.stats();
      assertThat(after.requests() - before.requests()).isEqualTo(files.size());
      assertThat(after.hits() - before.hits()).as("rescan %d: every request a hit", scan).isEqualTo(files.size());
      assertThat(after.misses() - before.misses()).isZero();
    }
    assertThat(extractor.runs).hasValue(1);
  }

  @Test
  void sameBytesUnderOtherNamesDoNotShareWhenTheNameIsAnInput() throws IOException {
    NameAndBytes extractor = new NameAndBytes();
    Path license = Files.writeString(Files.createDirectories(dir.resolve("a")).resolve("LICENSE"), "");
    Path init = Files.writeString(Files.createDirectories(dir.resolve("b")).resolve("__init__.py"), "");
    assertThat(cache.get(license, PROFILE, extractor)).containsEntry("name", "LICENSE");
    assertThat(cache.get(init, PROFILE, extractor)).containsEntry("name", "__init__.py");
    assertThat(extractor.runs).hasValue(2);
    assertThat(cache.get(license, PROFILE, extractor)).containsEntry("name", "LICENSE");
    assertThat(cache.get(init, PROFILE, extractor)).containsEntry("name", "__init__.py");
    assertThat(extractor.runs).hasValue(2);
  }

  @Test
  void contentOnlyExtractorsShareAcrossNames() throws IOException {
    AtomicInteger runs = new AtomicInteger();
    Extractor lengthOnly = new Extractor() {
      @Override
      public Map<String, Object> extract(Path file) throws IOException {
        runs.incrementAndGet();
        return Map.of("length", (long) Files.readAllBytes(file).length);
      }

      @Override
      public ExtractorInputs inputs() {
        return ExtractorInputs.content();
      }
    };
    Path a = Files.writeString(dir.resolve("a.txt"), "twelve bytes");
    Path b = Files.writeString(dir.resolve("b.md"), "twelve bytes");
    assertThat(cache.get(a, PROFILE, lengthOnly)).isEqualTo(Map.of("length", 12L));
    assertThat(cache.get(b, PROFILE, lengthOnly)).isEqualTo(Map.of("length", 12L));
    assertThat(runs).hasValue(1);
  }

  @Test
  void aRewrittenCopyIsExtractedAgainAndTheOthersStillHit() throws IOException {
    NameAndBytes extractor = new NameAndBytes();
    List<Path> files = copies(4, "notes.txt", "version one\n");
    for (Path f : files) {
      cache.get(f, PROFILE, extractor);
    }
    assertThat(extractor.runs).hasValue(1);
    Path rewritten = files.get(2);
    // Same size, and the mtime put back: only the content (and ctime) says it changed.
    FileTime mtime = Files.getLastModifiedTime(rewritten);
    Files.writeString(rewritten, "version two\n");
    Files.setLastModifiedTime(rewritten, mtime);
    assertThat(cache.get(rewritten, PROFILE, extractor)).containsEntry("text", "version two\n");
    assertThat(extractor.runs).hasValue(2);
    for (Path f : files) {
      assertThat(cache.get(f, PROFILE, extractor)).containsEntry("text",
          f.equals(rewritten) ? "version two\n" : "version one\n");
    }
    assertThat(extractor.runs).hasValue(2);
  }

  @Test
  void pathFieldsOfEveryAnswerAreTheFilesOwn() throws IOException {
    NameAndBytes extractor = new NameAndBytes();
    List<Path> files = copies(3, "shared.cfg", "key = value\n");
    boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    String[] modes = {"rw-r--r--", "rw-------", "rwxr-x---"};
    if (posix) {
      for (int i = 0; i < files.size(); i++) {
        Files.setPosixFilePermissions(files.get(i), PosixFilePermissions.fromString(modes[i]));
      }
    }
    for (int round = 0; round < 2; round++) { // the miss (first file) and hits, then all hits
      for (int i = 0; i < files.size(); i++) {
        Path f = files.get(i);
        Map<String, Object> m = cache.get(f, PROFILE, extractor);
        Map<String, Object> standalone = extractor.extract(f);
        extractor.runs.decrementAndGet();
        assertThat(m).containsEntry("modified", Files.getLastModifiedTime(f).toString())
            .containsEntry("size", Files.size(f))
            .containsEntry("text", "key = value\n");
        if (posix) {
          assertThat(m).containsEntry("permissions", modes[i]);
        }
        // The cache's answer is what the extractor says outside it, in the same order (access
        // time aside: reading the file for the standalone run may move it).
        Map<String, Object> a = new LinkedHashMap<>(m);
        Map<String, Object> b = new LinkedHashMap<>(standalone);
        a.remove("accessed");
        b.remove("accessed");
        assertThat(List.copyOf(a.entrySet())).isEqualTo(List.copyOf(b.entrySet()));
      }
    }
    assertThat(extractor.runs).hasValue(1);
  }

  @Test
  void aLookupWithoutTheExtractorFindsTheSharedEntryAsThisFilesOwn() throws IOException {
    NameAndBytes extractor = new NameAndBytes();
    List<Path> files = copies(2, "x.txt", "shared\n");
    cache.get(files.get(0), PROFILE, extractor);
    Path other = files.get(1);
    CacheEntry entry = cache.getEntry(other, PROFILE).orElseThrow();
    assertThat(entry.scope()).isEqualTo(KeyScope.NAME);
    assertThat(entry.path()).isEqualTo(other.toAbsolutePath().normalize().toString());
    assertThat(entry.mtimeNanos()).isEqualTo(Files.getLastModifiedTime(other).to(TimeUnit.NANOSECONDS));
    assertThat(entry.metadata()).containsEntry("modified", Files.getLastModifiedTime(other).toString())
        .containsEntry("text", "shared\n");
    assertThat(cache.get(other, PROFILE)).contains(entry.metadata());
  }

  @Test
  void anExtractorThatDeclaresNothingKeepsOneEntryPerPathCheckedAgainstItsMtime() throws IOException {
    AtomicInteger runs = new AtomicInteger();
    Extractor perFile = file -> {
      runs.incrementAndGet();
      return Map.of("path", file.toString(), "mtime", Files.getLastModifiedTime(file).toString());
    };
    List<Path> files = copies(3, "same.txt", "identical\n");
    for (Path f : files) {
      assertThat(cache.get(f, PROFILE, perFile)).containsEntry("path", f.toString());
    }
    assertThat(runs).hasValue(3);
    for (Path f : files) {
      assertThat(cache.get(f, PROFILE, perFile)).containsEntry("path", f.toString());
    }
    assertThat(runs).hasValue(3);
    Path touched = files.get(1);
    Files.setLastModifiedTime(touched, FileTime.from(BASE_MTIME_NANOS + 99_000_000_000L, TimeUnit.NANOSECONDS));
    assertThat(cache.get(touched, PROFILE, perFile))
        .containsEntry("mtime", Files.getLastModifiedTime(touched).toString());
    assertThat(runs).hasValue(4);
  }
}
