package io.metacache.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What {@link RegexLiterals} reads out of a pattern, and where it gives up. */
class RegexLiteralsTest {

  private static List<List<String>> of(String regex) {
    return RegexLiterals.of(Pattern.compile(regex));
  }

  @Test
  void plainAndEscapedCharactersMakeOneLiteral() {
    assertThat(of("src/main/java")).isEqualTo(List.of(List.of("src/main/java")));
    assertThat(of("\\.java$")).isEqualTo(List.of(List.of(".java")));
    assertThat(of("a\\/b\\/c")).isEqualTo(List.of(List.of("a/b/c")));
    assertThat(of("\\tabc")).isEqualTo(List.of(List.of("\tabc")));
    assertThat(of("\\Qa.b*\\E")).isEqualTo(List.of(List.of("a.b*")));
  }

  @Test
  void variableTextSplitsLiterals() {
    assertThat(of("/p12/F\\d+\\.")).isEqualTo(List.of(List.of("/p12/F")));
    assertThat(of("^/src/.*Test\\.java$")).isEqualTo(List.of(List.of("/src/", "Test.java")));
    assertThat(of("abc\\d{2}def")).isEqualTo(List.of(List.of("abc", "def")));
    assertThat(of("a[bc]def")).isEqualTo(List.of(List.of("def")));
    assertThat(of("[a[b]]cde")).isEqualTo(List.of(List.of("cde")));
    assertThat(of("\\p{Lu}abc\\p{L}def")).isEqualTo(List.of(List.of("abc", "def")));
    assertThat(of("\\bword\\b")).isEqualTo(List.of(List.of("word")));
  }

  @Test
  void groupsAreNotLookedIntoButEndRuns() {
    assertThat(of("foo(bar)?baz")).isEqualTo(List.of(List.of("foo", "baz")));
    assertThat(of("(foo|bar)baz")).isEqualTo(List.of(List.of("baz")));
    assertThat(of("(?:x|y)+abc")).isEqualTo(List.of(List.of("abc")));
    assertThat(of("(?=abc)abd")).isEqualTo(List.of(List.of("abd")));
    assertThat(of("(?<name>abc)def")).isEqualTo(List.of(List.of("def")));
  }

  @Test
  void aQuantifierAllowingZeroDropsTheCharacterBeforeIt() {
    assertThat(of("ab?cde")).isEqualTo(List.of(List.of("cde")));
    assertThat(of("abcd*efg")).isEqualTo(List.of(List.of("abc", "efg")));
    assertThat(of("abcd{0,2}efg")).isEqualTo(List.of(List.of("abc", "efg")));
    assertThat(of("abcd*?efg")).isEqualTo(List.of(List.of("abc", "efg")));
    assertThat(of("\\Qabc.\\E?")).isEqualTo(List.of(List.of("abc")));
  }

  @Test
  void aQuantifierRequiringOneKeepsTheCharacterOnBothSides() {
    assertThat(of("abc+def")).isEqualTo(List.of(List.of("abc", "cdef")));
    assertThat(of("abc{2,}de")).isEqualTo(List.of(List.of("abc", "cde")));
  }

  @Test
  void topLevelAlternativesAreAnOrOfAnds() {
    assertThat(of("abc|def")).isEqualTo(List.of(List.of("abc"), List.of("def")));
    assertThat(of("^/a/abc.*xyz$|\\.java$")).isEqualTo(List.of(List.of("/a/abc", "xyz"), List.of(".java")));
  }

  @Test
  void shortLiteralsImposeNothing() {
    assertThat(of("ab")).isEmpty();
    assertThat(of("a.b.c")).isEmpty();
    assertThat(of("/p[1][2]/[F]\\d+\\.")).isEmpty();
    assertThat(of("abc|de")).as("an alternative without a literal matches anything").isEmpty();
    assertThat(of("")).isEmpty();
  }

  @Test
  void givesUpOnWhatItDoesNotModel() {
    assertThat(of("(?i)abcdef")).as("inline case-insensitive").isEmpty();
    assertThat(of("abc(?x)def")).as("comments mode").isEmpty();
    assertThat(of("abc(?i:x)def")).as("scoped flags").isEmpty();
    assertThat(RegexLiterals.of(Pattern.compile("abcdef", Pattern.CASE_INSENSITIVE))).as("compile flags").isEmpty();
    assertThat(RegexLiterals.of(Pattern.compile("abcdef", Pattern.LITERAL))).isEmpty();
    assertThat(of("(abc)\\1def")).as("back reference").isEmpty();
    assertThat(of("\\x41bcdef")).as("hex escape").isEmpty();
    assertThat(of("\\u0041bcdef")).as("unicode escape").isEmpty();
    assertThat(of("\\0101bcdef")).as("octal escape").isEmpty();
    assertThat(of("[]abc]def")).as("leading ] in a class").isEmpty();
    assertThat(of("abc\uD83D\uDE00?def")).as("supplementary character").isEmpty();
    assertThat(of("abc}def")).as("stray brace").isEmpty();
  }
}
