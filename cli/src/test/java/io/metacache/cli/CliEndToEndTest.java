package io.metacache.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.metacache.extract.Extractors;
import io.metacache.query.IndexedEntry;
import io.metacache.testkit.ExifJpeg;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI end to end on a real source tree (a copy of this repository's core sources) and a folder
 * of real JPEGs with EXIF, on the embedded default tiers (memory, disk, SQLite) in a temporary
 * cache directory.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliEndToEndTest {
  @TempDir static Path work;

  record Run(int status, String out, String err) {}

  static Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = MetacacheCommand.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(status, out.toString(), err.toString());
  }

  static String[] withCache(String... args) {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--cache-dir";
    all[args.length + 1] = work.resolve("cache").toString();
    return all;
  }

  static Path src() {
    return work.resolve("src");
  }

  static List<Path> files(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
    }
  }

  @Test
  @Order(1)
  void scanRescanAndOneChangedFile() throws IOException {
    Path source = Path.of("..", "core", "src", "main", "java");
    try (Stream<Path> walk = Files.walk(source)) {
      for (Path p : walk.collect(Collectors.toList())) {
        Path target = src().resolve(source.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    int n = files(src()).size();
    assertThat(n).isGreaterThan(50);

    Run first = cli(withCache("scan", src().toString(), "--profile", "full", "--no-progress"));
    assertThat(first.status).as(first.err).isZero();
    assertThat(first.out).contains("scanned " + n + " files").contains("0 hits, " + n + " extracted, 0 unreadable");

    Run second = cli(withCache("scan", src().toString(), "--profile", "full", "--no-progress"));
    assertThat(second.out).contains(n + " hits, 0 extracted").contains("second run: all hits").contains("x faster");

    Path changed = src().resolve("io/metacache/Glob.java");
    Files.writeString(changed, "\nclass Appended { void appendedMethod() {} }\n", StandardOpenOption.APPEND);
    Run third = cli(withCache("scan", src().toString(), "--profile", "full", "--no-progress"));
    assertThat(third.out).contains((n - 1) + " hits, 1 extracted");
  }

  @Test
  @Order(2)
  void queriesEqualABruteForceScanOfTheExtractorOutput() throws IOException {
    List<IndexedEntry> truth = new ArrayList<>();
    for (Path f : files(src())) {
      truth.add(IndexedEntry.of(f.toAbsolutePath().normalize().toString(), "full", Extractors.full().extract(f), 0, 0));
    }
    check(truth, e -> "java".equals(e.language()), "--language", "java");
    check(truth, e -> e.classes().contains("MetaCache"), "--class", "MetaCache");
    check(truth, e -> e.functions().contains("appendedMethod"), "--function", "appendedMethod");
    check(truth, e -> e.functions().contains("build"), "--function", "build");
    check(truth, e -> e.referencedDocs().contains("docs/format.md"), "--doc", "docs/format.md");
    Pattern p = Pattern.compile("memory/.*Tier");
    check(truth, e -> p.matcher(e.path()).find(), "--path", "memory/.*Tier");
    Pattern q = Pattern.compile("policy");
    check(truth, e -> "java".equals(e.language()) && e.functions().contains("size") && q.matcher(e.path()).find(),
        "--language", "java", "--function", "size", "--path", "policy");
    assertThat(truth.stream().filter(e -> e.functions().contains("appendedMethod")).count()).isEqualTo(1);

    Run limited = cli(withCache("query", "--language", "java", "--limit", "3", "--json"));
    assertThat(paths(limited.out)).hasSize(3);
    Run table = cli(withCache("query", "--class", "MetaCache"));
    assertThat(table.out).contains("MetaCache.java");
    assertThat(table.err).contains("1 match");
  }

  private static void check(List<IndexedEntry> truth, Predicate<IndexedEntry> filter, String... query) {
    List<String> expected = truth.stream().filter(filter).map(IndexedEntry::path).sorted().collect(Collectors.toList());
    String[] args = new String[query.length + 4];
    args[0] = "query";
    System.arraycopy(query, 0, args, 1, query.length);
    args[query.length + 1] = "--json";
    args[query.length + 2] = "--limit";
    args[query.length + 3] = "100000";
    Run r = cli(withCache(args));
    assertThat(r.status).as(r.err).isZero();
    assertThat(paths(r.out)).as(String.join(" ", query)).isEqualTo(expected);
  }

  private static List<String> paths(String json) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("\"path\":\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
    while (m.find()) {
      out.add(m.group(1).replace("\\\\", "\\"));
    }
    return out;
  }

  @Test
  @Order(3)
  void imagesGetExifAndPatternInvalidationRemovesThem() throws IOException {
    Path images = Files.createDirectories(work.resolve("images"));
    for (int i = 0; i < 3; i++) {
      ExifJpeg.write(images.resolve("photo" + i + ".jpg"), i, "TestCam", "Model-" + i, "2024:01:0" + (i + 1) + " 10:00:00");
    }
    Run scan = cli(withCache("scan", images.toString(), "--profile", "full", "--no-progress"));
    assertThat(scan.out).contains("0 hits, 3 extracted");
    Run get = cli(withCache("get", images.resolve("photo1.jpg").toString(), "--profile", "full", "--cached-only"));
    assertThat(get.status).as(get.err).isZero();
    assertThat(get.out).contains("\"mimeType\":\"image/jpeg\"").contains("\"camera.make\":\"TestCam\"")
        .contains("\"camera.model\":\"Model-1\"").contains("\"takenAt\":\"2024:01:02 10:00:00\"").contains("\"exif\":");
    assertThat(paths(cli(withCache("query", "--path", "\\.jpg$", "--json")).out)).hasSize(3);

    Run invalidate = cli(withCache("invalidate", "--pattern", "*/images/*"));
    assertThat(invalidate.out).contains("invalidated 3 entries");
    Run miss = cli(withCache("get", images.resolve("photo1.jpg").toString(), "--profile", "full", "--cached-only"));
    assertThat(miss.status).isEqualTo(1);
    assertThat(miss.out.trim()).isEqualTo("miss");
    assertThat(paths(cli(withCache("query", "--path", "\\.jpg$", "--json")).out)).isEmpty();
  }

  @Test
  @Order(4)
  void statsHealthAndBenchSmoke() {
    Run stats = cli(withCache("stats", "--json"));
    assertThat(stats.status).isZero();
    assertThat(stats.out).contains("\"entriesByTier\":{\"memory\":").contains("\"sqlite\":");
    Run health = cli(withCache("health", "--json"));
    assertThat(health.status).as(health.out + health.err).isZero();
    assertThat(health.out).contains("\"tier\":\"disk\",\"status\":\"UP\"").contains("\"tier\":\"sqlite\",\"status\":\"UP\"");
    Run smoke = cli("bench-smoke", "--entries", "20");
    assertThat(smoke.status).as(smoke.out + smoke.err).isZero();
    assertThat(smoke.out).containsPattern("memory\\s+yes").containsPattern("disk\\s+yes").containsPattern("sqlite\\s+yes");
  }

  @Test
  @Order(5)
  void badInputGetsOneLineAndANonZeroExit() {
    expectOneLineError(cli(withCache("scan", work.resolve("missing").toString())), 1, "no such directory");
    expectOneLineError(cli(withCache("query", "--path", "(")), 1, "invalid path regex '('");
    expectOneLineError(cli(withCache("scan", src().toString(), "--bogus")), 2, "Unknown option");
    expectOneLineError(cli(withCache("query", "--limit", "many")), 2, "--limit");
    expectOneLineError(cli(withCache("query", "--limit", "0")), 1, "limit");
    expectOneLineError(cli(withCache("invalidate")), 2, "exactly one of");
    expectOneLineError(cli(withCache("scan", src().toString(), "--profile", "fancy")), 1, "unknown profile 'fancy'");
    expectOneLineError(cli("frobnicate"), 2, "frobnicate");
  }

  private static void expectOneLineError(Run r, int status, String fragment) {
    assertThat(r.status).as(r.err).isEqualTo(status);
    assertThat(r.err.strip().lines().count()).as(r.err).isEqualTo(1);
    assertThat(r.err).startsWith("metacache: ").contains(fragment).doesNotContain("Exception").doesNotContain("\tat ");
  }
}
