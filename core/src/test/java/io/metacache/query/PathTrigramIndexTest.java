package io.metacache.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The path trigrams follow adds, removals and replacements, directly and through {@link QueryIndex}. */
class PathTrigramIndexTest {

  private static List<String> paths(PathTrigramIndex index, String... literals) {
    return Arrays.stream(index.candidates(List.of(List.of(literals))).toArray()).mapToObj(index::path).sorted().toList();
  }

  private static IndexedEntry entry(String path, String profile, long cachedAt) {
    return new IndexedEntry(path, profile, "java", Set.of(), Set.of(), Set.of(), cachedAt, 0);
  }

  private static MetadataQuery regex(String regex) {
    return MetadataQuery.builder().pathRegex(regex).limit(Integer.MAX_VALUE).build();
  }

  @Test
  void aRemovedPathIsNoLongerACandidate() {
    PathTrigramIndex index = new PathTrigramIndex();
    index.add("/src/Main.java");
    index.add("/src/Util.java");
    assertThat(paths(index, "Main")).containsExactly("/src/Main.java");
    assertThat(paths(index, ".java")).containsExactly("/src/Main.java", "/src/Util.java");
    index.remove("/src/Main.java");
    assertThat(paths(index, "Main")).isEmpty();
    assertThat(paths(index, ".java")).containsExactly("/src/Util.java");
    index.remove("/src/Util.java");
    assertThat(index.paths()).isZero();
    assertThat(index.trigrams()).isZero();
  }

  @Test
  void aPathStaysWhileADocumentHasIt() {
    PathTrigramIndex index = new PathTrigramIndex();
    index.add("/src/Main.java"); // profile basic
    index.add("/src/Main.java"); // profile full
    index.remove("/src/Main.java");
    assertThat(paths(index, "Main")).containsExactly("/src/Main.java");
    index.remove("/src/Main.java");
    assertThat(paths(index, "Main")).isEmpty();
  }

  @Test
  void aFreedIdServesTheNextPathWithoutItsOldTrigrams() {
    PathTrigramIndex index = new PathTrigramIndex();
    index.add("/old/Alpha.java");
    index.remove("/old/Alpha.java");
    index.add("/new/Beta.go");
    assertThat(paths(index, "Alpha")).isEmpty();
    assertThat(paths(index, "/old/")).isEmpty();
    assertThat(paths(index, "Beta")).containsExactly("/new/Beta.go");
  }

  @Test
  void queryIndexReplacementKeepsOnePathAndRemovalDropsIt() {
    QueryIndex index = new QueryIndex();
    for (int k = 0; k < 20; k++) {
      index.stored(0, 100 + k, entry("/other/File" + k + ".c", "full", 1));
    }
    index.stored(0, 1, entry("/src/Main.java", "full", 1));
    index.stored(0, 2, entry("/src/Main.java", "full", 2)); // the file changed: a new key replaces the old
    assertThat(index.trigramPaths()).isEqualTo(21);
    assertThat(index.query(regex("Main\\.java"), 3)).extracting(IndexedEntry::cachedAtMillis).containsExactly(2L);
    assertThat(index.removed(0, 1)).as("the old key backs nothing now").isZero();
    assertThat(index.trigramPaths()).isEqualTo(21);
    assertThat(index.removed(0, 2)).isEqualTo(1);
    assertThat(index.trigramPaths()).isEqualTo(20);
    assertThat(index.query(regex("Main\\.java"), 3)).isEmpty();
    assertThat(index.query(regex("/other/File1\\d\\.c"), 3)).hasSize(10);
  }

  @Test
  void queryIndexKeepsAPathWhileAnotherProfileHasIt() {
    QueryIndex index = new QueryIndex();
    for (int k = 0; k < 20; k++) {
      index.stored(0, 100 + k, entry("/other/File" + k + ".c", "full", 1));
    }
    index.stored(0, 1, entry("/src/Main.java", "basic", 1));
    index.stored(0, 2, entry("/src/Main.java", "full", 1));
    index.removed(0, 1);
    assertThat(index.query(regex("Main\\.java"), 3)).extracting(IndexedEntry::profile).containsExactly("full");
    index.clear();
    assertThat(index.trigramPaths()).isZero();
    assertThat(index.query(regex("Main\\.java"), 3)).isEmpty();
  }
}
