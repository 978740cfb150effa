package io.metacache.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The index answers exactly what a brute-force filter over the live entries answers, whatever
 * sequence of puts, removals by key and clock advances came before.
 */
class QueryIndexPropertiesTest {
  static final List<String> PATHS = List.of("/a/Main.java", "/a/util.py", "/b/lib.c", "/b/srv.go", "/c/x.java",
      "/c/y.py", "/d/z.go", "/d/w.c");
  static final List<String> LANGS = List.of("java", "python", "c", "go");
  static final List<String> NAMES = List.of("main", "run", "get", "Cache", "Node", "init");
  static final List<String> DOCS = List.of("README.md", "docs/format.md", "https://x.org/a");
  static final List<String> REGEXES = List.of("^/a/", "\\.java$", "/[bc]/", "y", "^/d/.*\\.c$", "Main",
      "til\\.py|lib\\.c", "/c/x\\.java$");

  /** One step: put (key id, entry), remove a key id, or advance the clock. */
  record Op(int kind, int key, IndexedEntry entry, long advance) {}

  record Query(String language, String function, String className, String doc, String profile, String regex, int limit) {
    MetadataQuery build() {
      MetadataQuery.Builder b = MetadataQuery.builder().limit(limit);
      if (language != null) b.language(language);
      if (function != null) b.function(function);
      if (className != null) b.className(className);
      if (doc != null) b.referencedDoc(doc);
      if (profile != null) b.profile(profile);
      if (regex != null) b.pathRegex(regex);
      return b.build();
    }

    boolean bruteForce(IndexedEntry e) {
      return (language == null || language.equals(e.language()))
          && (function == null || e.functions().contains(function))
          && (className == null || e.classes().contains(className))
          && (doc == null || e.referencedDocs().contains(doc))
          && (profile == null || profile.equals(e.profile()))
          && (regex == null || Pattern.compile(regex).matcher(e.path()).find());
    }
  }

  @Property(tries = 300)
  void indexAnswersEqualBruteForce(@ForAll("ops") List<Op> ops, @ForAll("queries") List<Query> queries) {
    QueryIndex index = new QueryIndex();
    // The model: the latest entry of each (path, profile) and its key. Identical files share a
    // key, so one key may back several paths; a removal by key drops them all.
    Map<List<String>, Map.Entry<Integer, IndexedEntry>> model = new HashMap<>();
    long now = 1_000;
    for (Op op : ops) {
      switch (op.kind) {
        case 0: {
          // a new put replaces the same path+profile's older entry under another key
          IndexedEntry e = withTimes(op.entry, now, op.advance == 0 ? 0 : now + op.advance);
          model.put(List.of(e.path(), e.profile()), Map.entry(op.key, e));
          index.stored(0, op.key, e);
          break;
        }
        case 1:
          model.values().removeIf(m -> m.getKey() == op.key);
          index.removed(0, op.key);
          break;
        default:
          now += op.advance;
      }
      // interleave queries with the changes
      Query q = queries.get(Math.abs(op.key) % queries.size());
      check(index, model, q, now);
    }
    for (Query q : queries) {
      check(index, model, q, now);
    }
  }

  private static void check(QueryIndex index, Map<List<String>, Map.Entry<Integer, IndexedEntry>> model, Query q,
      long now) {
    final long t = now;
    List<IndexedEntry> expected = model.values().stream().map(Map.Entry::getValue)
        .filter(e -> !e.isExpired(t) && q.bruteForce(e))
        .sorted(Comparator.comparing(IndexedEntry::path).thenComparing(IndexedEntry::profile))
        .limit(q.limit)
        .collect(Collectors.toList());
    assertThat(index.query(q.build(), now)).as("%s", q).isEqualTo(expected);
    // the query purged what expired: the path trigrams hold exactly the live documents' paths
    assertThat(index.trigramPaths()).isEqualTo(model.values().stream().map(Map.Entry::getValue)
        .filter(e -> !e.isExpired(t)).map(IndexedEntry::path).distinct().count());
  }

  private static IndexedEntry withTimes(IndexedEntry e, long cachedAt, long expiresAt) {
    return new IndexedEntry(e.path(), e.profile(), e.language(), e.functions(), e.classes(), e.referencedDocs(),
        cachedAt, expiresAt);
  }

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<IndexedEntry> entries = Combinators.combine(
        Arbitraries.of(PATHS), Arbitraries.of("basic", "full"), Arbitraries.of(LANGS).injectNull(0.2),
        Arbitraries.of(NAMES).set().ofMaxSize(3), Arbitraries.of(NAMES).set().ofMaxSize(2),
        Arbitraries.of(DOCS).set().ofMaxSize(2))
        .as((p, prof, lang, fns, cls, docs) -> new IndexedEntry(p, prof, lang, fns, cls, docs, 0, 0));
    Arbitrary<Op> op = Combinators.combine(Arbitraries.integers().between(0, 9), Arbitraries.integers().between(0, 11),
        entries, Arbitraries.of(0L, 0L, 50L, 200L, 1000L))
        .as((k, key, e, adv) -> new Op(k < 6 ? 0 : k < 8 ? 1 : 2, key, e, adv));
    return op.list().ofMinSize(1).ofMaxSize(60);
  }

  @Provide
  Arbitrary<List<Query>> queries() {
    return Combinators.combine(Arbitraries.of(LANGS).injectNull(0.6), Arbitraries.of(NAMES).injectNull(0.6),
        Arbitraries.of(NAMES).injectNull(0.7), Arbitraries.of(DOCS).injectNull(0.7),
        Arbitraries.of("basic", "full").injectNull(0.7), Arbitraries.of(REGEXES).injectNull(0.6),
        Arbitraries.integers().between(1, 10))
        .as(Query::new).list().ofMinSize(1).ofMaxSize(8);
  }

  @Test
  void anInvalidRegexIsAClearError() {
    assertThatThrownBy(() -> MetadataQuery.builder().pathRegex("a(b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid path regex 'a(b'");
    assertThatThrownBy(() -> MetadataQuery.builder().limit(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void indexFieldsAcceptNamesAndMapsWithNames() {
    IndexedEntry e = IndexedEntry.of("/p", "full", Map.of("language", "go",
        "functions", List.of("a", Map.of("name", "b"), 3, " "), "classes", "notAList"), 1, 0);
    assertThat(e.language()).isEqualTo("go");
    assertThat(e.functions()).isEqualTo(Set.of("a", "b"));
    assertThat(e.classes()).isEmpty();
    assertThat(new ArrayList<>(e.referencedDocs())).isEmpty();
  }
}
