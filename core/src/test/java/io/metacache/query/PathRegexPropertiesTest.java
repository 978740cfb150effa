package io.metacache.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/**
 * Path-regex queries through the trigram index answer exactly what {@link Matcher#find()} over
 * every path answers; the literals read out of a regex are in every match; the trigram index's
 * candidates are exactly the paths holding every trigram, whatever adds and removals came before.
 *
 * <p>Paths and regexes share a five-character alphabet, so that regexes match often and common
 * trigrams have postings large enough to turn into bitsets and back.
 */
class PathRegexPropertiesTest {
  static final String ALPHABET = "abc/.";
  static final List<String> LANGS = List.of("java", "go");

  // ---------------------------------------------------------------- properties

  @Property(tries = 400)
  void indexedPathRegexQueryEqualsFindOverEveryPath(@ForAll("paths") List<String> paths,
      @ForAll("regexes") String regex, @ForAll("limits") int limit, @ForAll boolean withLanguage) {
    QueryIndex index = new QueryIndex();
    List<IndexedEntry> all = new ArrayList<>();
    Map<List<String>, IndexedEntry> latest = new HashMap<>();
    int key = 0;
    for (String path : paths) {
      String profile = key % 3 == 0 ? "basic" : "full";
      IndexedEntry e = new IndexedEntry(path, profile, LANGS.get(key % 2), Set.of(), Set.of(), Set.of(), key, 0);
      index.stored(0, key++, e);
      latest.put(List.of(path, profile), e);
    }
    all.addAll(latest.values());
    MetadataQuery.Builder b = MetadataQuery.builder().pathRegex(regex).limit(limit);
    if (withLanguage) {
      b.language("java");
    }
    Pattern p = Pattern.compile(regex);
    List<IndexedEntry> expected = all.stream()
        .filter(e -> p.matcher(e.path()).find() && (!withLanguage || e.language().equals("java")))
        .sorted(Comparator.comparing(IndexedEntry::path).thenComparing(IndexedEntry::profile))
        .limit(limit)
        .collect(Collectors.toList());
    assertThat(index.query(b.build(), 1)).as("%s over %s", regex, paths).isEqualTo(expected);
  }

  @Property(tries = 1000)
  void everyMatchContainsTheLiteralsOfAnAlternative(@ForAll("regexes") String regex,
      @ForAll("paths") List<String> texts) {
    List<List<String>> anyOf = RegexLiterals.of(Pattern.compile(regex));
    Matcher m = Pattern.compile(regex).matcher("");
    for (String text : texts) {
      m.reset(text);
      while (m.find()) {
        String match = m.group();
        if (!anyOf.isEmpty()) {
          assertThat(anyOf).as("%s found '%s' in '%s'", regex, match, text)
              .anySatisfy(literals -> assertThat(literals).allSatisfy(l -> assertThat(match).contains(l)));
        }
        if (m.end() == text.length()) {
          break;
        }
      }
    }
  }

  @Property(tries = 300)
  void candidatesAreThePathsHoldingEveryTrigram(@ForAll("pathOps") List<Integer> ops,
      @ForAll("longPaths") List<String> pool, @ForAll("literals") List<List<String>> anyOf) {
    PathTrigramIndex index = new PathTrigramIndex();
    Map<String, Integer> documents = new HashMap<>();
    for (int op : ops) {
      String path = pool.get(Math.floorMod(op, pool.size()));
      if (op >= 0) {
        index.add(path);
        documents.merge(path, 1, Integer::sum);
      } else if (documents.containsKey(path)) {
        index.remove(path);
        documents.computeIfPresent(path, (k, n) -> n == 1 ? null : n - 1);
      }
    }
    assertThat(index.paths()).isEqualTo(documents.size());
    PathTrigramIndex.Candidates candidates = index.candidates(anyOf);
    int[] ids = candidates.toArray();
    assertThat(candidates.size()).isEqualTo(ids.length);
    for (int k = 1; k < ids.length; k++) {
      assertThat(ids[k]).as("sorted and distinct").isGreaterThan(ids[k - 1]);
    }
    Set<String> got = new TreeSet<>();
    for (int id : ids) {
      got.add(index.path(id));
    }
    Set<String> expected = documents.keySet().stream()
        .filter(path -> anyOf.stream().anyMatch(literals -> literals.stream().allMatch(l -> holdsTrigrams(path, l))))
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(got).as("%s", anyOf).isEqualTo(expected);
    assertThat(index.bound(anyOf)).isGreaterThanOrEqualTo(ids.length);
    // and once everything is removed, nothing is left behind
    documents.forEach((path, n) -> {
      for (int k = 0; k < n; k++) {
        index.remove(path);
      }
    });
    assertThat(index.paths()).isZero();
    assertThat(index.trigrams()).isZero();
  }

  private static boolean holdsTrigrams(String path, String literal) {
    for (int k = 0; k + PathTrigramIndex.GRAM <= literal.length(); k++) {
      if (!path.contains(literal.substring(k, k + PathTrigramIndex.GRAM))) {
        return false;
      }
    }
    return true;
  }

  @Property(tries = 50)
  void aLongPathSetOfOneTrigramStaysExactThroughBitsets(@ForAll @IntRange(min = 100, max = 400) int n) {
    // many paths share "abc": its posting becomes a bitset, then shrinks back to an array
    PathTrigramIndex index = new PathTrigramIndex();
    for (int k = 0; k < n; k++) {
      index.add("abc" + k);
    }
    assertThat(index.candidates(List.of(List.of("abc"))).toArray()).hasSize(n);
    for (int k = 0; k < n; k += 2) {
      index.remove("abc" + k);
    }
    int[] left = index.candidates(List.of(List.of("abc"))).toArray();
    assertThat(left).hasSize(n / 2);
    for (int id : left) {
      assertThat(Integer.parseInt(index.path(id).substring(3)) % 2).isEqualTo(1);
    }
    for (int k = 1; k < n; k += 2) {
      index.remove("abc" + k);
    }
    assertThat(index.candidates(List.of(List.of("abc"))).toArray()).isEmpty();
    assertThat(index.trigrams()).isZero();
  }

  // ---------------------------------------------------------------- generators

  @Provide
  Arbitrary<List<String>> paths() {
    Arbitrary<String> path = Arbitraries.strings().withChars(ALPHABET.toCharArray()).ofMinLength(0).ofMaxLength(14);
    return path.list().ofMinSize(0).ofMaxSize(200);
  }

  /**
   * Longer paths over four characters of skewed frequency, so that trigrams range from rare to
   * held by most paths: postings of both forms, turning into bitsets and back.
   */
  @Provide
  Arbitrary<List<String>> longPaths() {
    return skewed(0, 60).list().ofMinSize(1).ofMaxSize(500).withSizeDistribution(RandomDistribution.uniform());
  }

  private static Arbitrary<String> skewed(int min, int max) {
    Arbitrary<Character> c = Arbitraries.frequencyOf(Tuple.of(10, Arbitraries.just('a')),
        Tuple.of(4, Arbitraries.just('b')), Tuple.of(2, Arbitraries.just('c')), Tuple.of(1, Arbitraries.just('/')));
    return c.list().ofMinSize(min).ofMaxSize(max)
        .map(cs -> cs.stream().map(String::valueOf).collect(Collectors.joining()));
  }

  @Provide
  Arbitrary<Integer> limits() {
    return Arbitraries.oneOf(Arbitraries.integers().between(1, 30), Arbitraries.just(Integer.MAX_VALUE));
  }

  @Provide
  Arbitrary<List<Integer>> pathOps() {
    return Arbitraries.integers().between(-250, 1000).list().ofMaxSize(1500)
        .withSizeDistribution(RandomDistribution.uniform());
  }

  @Provide
  Arbitrary<List<List<String>>> literals() {
    return skewed(3, 6).list().ofMinSize(1).ofMaxSize(3).list().ofMinSize(1).ofMaxSize(3);
  }

  /**
   * Regexes over the alphabet: one to three alternatives, each an optional {@code ^}, one to six
   * atoms (literals with {@code .} escaped, {@code .}, {@code .*}, {@code [a-z]}, a character
   * with {@code ?}, {@code +} or {@code {0,2}}, an escaped dot, a group of two literals) and an
   * optional {@code $}.
   */
  @Provide
  Arbitrary<String> regexes() {
    Arbitrary<String> text = Arbitraries.strings().withChars(ALPHABET.toCharArray()).ofMinLength(1).ofMaxLength(5);
    Arbitrary<String> literal = text.map(PathRegexPropertiesTest::escape);
    Arbitrary<String> c = Arbitraries.of('a', 'b', 'c', '/').map(String::valueOf);
    Arbitrary<String> atom = Arbitraries.frequencyOf(
        Tuple.of(6, literal),
        Tuple.of(1, Arbitraries.just(".")),
        Tuple.of(1, Arbitraries.just(".*")),
        Tuple.of(1, Arbitraries.of("[a-z]", "[^/]", "[a-c.]+")),
        Tuple.of(2, Combinators.combine(c, Arbitraries.of("?", "+", "{0,2}", "*")).as(String::concat)),
        Tuple.of(1, Arbitraries.just("\\.")),
        Tuple.of(1, Combinators.combine(literal, literal, Arbitraries.of("", "?", "+")).as(
            (x, y, q) -> "(" + x + "|" + y + ")" + q)));
    Arbitrary<String> branch = Combinators.combine(Arbitraries.of("", "", "^"),
        atom.list().ofMinSize(1).ofMaxSize(6), Arbitraries.of("", "", "$"))
        .as((start, atoms, end) -> start + String.join("", atoms) + end);
    return branch.list().ofMinSize(1).ofMaxSize(3).map(bs -> String.join("|", bs));
  }

  private static String escape(String text) {
    StringBuilder sb = new StringBuilder();
    for (char ch : text.toCharArray()) {
      if (ch == '.') {
        sb.append("\\.");
      } else if (ch == '/' && sb.length() % 2 == 0) {
        sb.append("\\/");
      } else {
        sb.append(ch);
      }
    }
    return sb.toString();
  }
}
