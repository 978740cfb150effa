package io.metacache.query;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Literal strings that every match of a regular expression must contain, read conservatively out
 * of its source: the necessary condition a {@link PathTrigramIndex} narrows a path query with.
 *
 * <p>The answer is an OR of ANDs: one list of literals per top-level alternative ({@code a|b}),
 * every match containing all the literals of at least one alternative. Only literals of
 * {@value PathTrigramIndex#GRAM} characters or more are kept; an alternative without one imposes
 * nothing, and then neither does the whole expression (the empty answer: no condition).
 *
 * <p>Plain characters and escaped punctuation ({@code \.}, {@code \/}), {@code \t}-style escapes
 * and {@code \Q...\E} extend a run of literal text. Anything that matches variable or no text ends
 * the run: {@code .}, classes ({@code [...]}, {@code \d}, {@code \p{..}}), anchors and boundaries,
 * and groups, which are not looked into (a group's alternatives and quantifier are its own). A
 * quantifier that allows zero repetitions takes the character before it out of the run; one that
 * requires a repetition ends the run after it and starts the next with it. Wherever the source
 * holds something this reader does not model it gives up (no condition) rather than guess:
 * flags, whether given to {@link Pattern#compile(String, int)} or inline ({@code (?i)},
 * {@code (?x)}: case-insensitive and comment modes change what a literal matches), back
 * references, hexadecimal, Unicode, octal and control-character escapes, characters outside the
 * Basic Multilingual Plane, and unusual class syntax. Giving up costs a full scan, never a result.
 */
final class RegexLiterals {

  /** Thrown inside the reader where it gives up. */
  private static final class GiveUp extends RuntimeException {
    GiveUp() {
      super(null, null, false, false);
    }
  }

  private static final GiveUp GIVE_UP = new GiveUp();

  private final String s;
  private int i;
  private int depth;
  private final StringBuilder run = new StringBuilder();
  private List<String> branch = new ArrayList<>();
  private final List<List<String>> branches = new ArrayList<>();

  private RegexLiterals(String source) {
    this.s = source;
  }

  /**
   * The literals every match of {@code pattern} contains: for some element, all of its strings (each
   * at least {@value PathTrigramIndex#GRAM} characters). Empty when no such condition could be read.
   */
  static List<List<String>> of(Pattern pattern) {
    if (pattern.flags() != 0) {
      return List.of();
    }
    return of(pattern.pattern());
  }

  /** {@link #of(Pattern)} for the source of a pattern compiled without flags. */
  static List<List<String>> of(String regex) {
    RegexLiterals reader = new RegexLiterals(regex);
    try {
      reader.read();
    } catch (GiveUp e) {
      return List.of();
    }
    for (List<String> b : reader.branches) {
      if (b.isEmpty()) {
        return List.of();
      }
    }
    return List.copyOf(reader.branches);
  }

  // ---------------------------------------------------------------- reader

  private void read() {
    int n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      switch (c) {
        case '\\':
          escape();
          break;
        case '[':
          endRun();
          skipClass();
          quantifier();
          break;
        case '(':
          endRun();
          openGroup();
          break;
        case ')':
          endRun();
          if (--depth < 0) {
            throw GIVE_UP;
          }
          i++;
          quantifier();
          break;
        case '.':
        case '^':
        case '$':
          endRun();
          i++;
          quantifier();
          break;
        case '|':
          endRun();
          i++;
          if (depth == 0) {
            branches.add(branch);
            branch = new ArrayList<>();
          }
          break;
        case '*':
        case '+':
        case '?':
        case '{':
          // a quantifier with no literal before it (at the start, after an anchor): its own atom
          // already ended the run
          endRun();
          quantifier();
          break;
        case ']':
        case '}':
          throw GIVE_UP;
        default:
          i++;
          literal(c);
      }
    }
    endRun();
    if (depth != 0) {
      throw GIVE_UP;
    }
    branches.add(branch);
  }

  /** A literal character just consumed, and the quantifier after it, if any. */
  private void literal(char c) {
    if (Character.isSurrogate(c)) {
      // a quantifier applies to the whole code point, two chars here: not modelled
      throw GIVE_UP;
    }
    int min = quantifier();
    if (min == 0) {
      endRun();
    } else if (min > 0) {
      run.append(c);
      endRun();
      run.append(c);
    } else {
      run.append(c);
    }
  }

  private void escape() {
    if (i + 1 >= s.length()) {
      throw GIVE_UP;
    }
    char d = s.charAt(i + 1);
    i += 2;
    if (d < 128 && !Character.isLetterOrDigit(d)) {
      literal(d);
      return;
    }
    switch (d) {
      case 't': literal('\t'); return;
      case 'n': literal('\n'); return;
      case 'r': literal('\r'); return;
      case 'f': literal('\f'); return;
      case 'a': literal('\u0007'); return;
      case 'e': literal('\u001B'); return;
      case 'Q':
        quoted();
        return;
      case 'd': case 'D': case 'w': case 'W': case 's': case 'S': case 'h': case 'H': case 'v': case 'V':
      case 'R': case 'X':
        endRun();
        quantifier();
        return;
      case 'b': case 'B': case 'A': case 'G': case 'z': case 'Z':
        endRun();
        if (d == 'b' && i < s.length() && s.charAt(i) == '{') {
          throw GIVE_UP; // \b{g}
        }
        quantifier();
        return;
      case 'p': case 'P':
        endRun();
        if (i < s.length() && s.charAt(i) == '{') {
          int close = s.indexOf('}', i);
          if (close < 0) {
            throw GIVE_UP;
          }
          i = close + 1;
        } else {
          i++;
        }
        quantifier();
        return;
      default:
        throw GIVE_UP;
    }
  }

  /** {@code \Q...\E}: each character a literal, the last one taking a quantifier after {@code \E}. */
  private void quoted() {
    int end = s.indexOf("\\E", i);
    int stop = end < 0 ? s.length() : end;
    if (stop == i) {
      i = end < 0 ? stop : end + 2;
      return;
    }
    for (int k = i; k < stop - 1; k++) {
      char c = s.charAt(k);
      if (Character.isSurrogate(c)) {
        throw GIVE_UP;
      }
      run.append(c);
    }
    char last = s.charAt(stop - 1);
    i = end < 0 ? stop : end + 2;
    literal(last);
  }

  /**
   * Reads the quantifier at {@code i}, if any, with its lazy or possessive suffix. Returns the least
   * number of repetitions it allows, or -1 if there is none.
   */
  private int quantifier() {
    if (i >= s.length()) {
      return -1;
    }
    int min;
    char c = s.charAt(i);
    if (c == '*' || c == '?') {
      min = 0;
      i++;
    } else if (c == '+') {
      min = 1;
      i++;
    } else if (c == '{') {
      int k = i + 1;
      int digits = k;
      while (k < s.length() && Character.isDigit(s.charAt(k)) && s.charAt(k) < 128) {
        k++;
      }
      if (k == digits || k - digits > 9) {
        throw GIVE_UP;
      }
      min = Integer.parseInt(s, digits, k, 10);
      if (k < s.length() && s.charAt(k) == ',') {
        k++;
        while (k < s.length() && Character.isDigit(s.charAt(k)) && s.charAt(k) < 128) {
          k++;
        }
      }
      if (k >= s.length() || s.charAt(k) != '}') {
        throw GIVE_UP;
      }
      i = k + 1;
    } else {
      return -1;
    }
    if (i < s.length() && (s.charAt(i) == '?' || s.charAt(i) == '+')) {
      i++;
    }
    if (i < s.length() && "*+?{".indexOf(s.charAt(i)) >= 0) {
      throw GIVE_UP; // a quantified quantifier: not modelled
    }
    return min;
  }

  /** Skips a character class from its {@code [}, nested classes and escapes included. */
  private void skipClass() {
    int n = s.length();
    int nesting = 0;
    do {
      // at a '[' opening a class, nested or not
      i++;
      nesting++;
      if (i < n && s.charAt(i) == '^') {
        i++;
      }
      if (i < n && s.charAt(i) == ']') {
        throw GIVE_UP; // a leading ']' is a literal in some dialects: not modelled
      }
      while (i < n) {
        char c = s.charAt(i);
        if (c == '\\') {
          if (i + 1 >= n || s.charAt(i + 1) == 'Q' || s.charAt(i + 1) == 'c') {
            throw GIVE_UP; // \Q...\E and \c[ could hide a bracket
          }
          i += 2;
        } else if (c == '[') {
          break;
        } else if (c == ']') {
          i++;
          if (--nesting == 0) {
            return;
          }
        } else {
          i++;
        }
      }
    } while (i < n);
    throw GIVE_UP;
  }

  /** Enters a group at its {@code (}: capturing, non-capturing, named, atomic or a look-around. */
  private void openGroup() {
    i++;
    if (i < s.length() && s.charAt(i) == '?') {
      char k = i + 1 < s.length() ? s.charAt(i + 1) : 0;
      char k2 = i + 2 < s.length() ? s.charAt(i + 2) : 0;
      if (k == ':' || k == '=' || k == '!' || k == '>') {
        i += 2;
      } else if (k == '<' && (k2 == '=' || k2 == '!')) {
        i += 3;
      } else if (k == '<' && Character.isLetter(k2)) {
        int close = s.indexOf('>', i);
        if (close < 0) {
          throw GIVE_UP;
        }
        i = close + 1;
      } else {
        throw GIVE_UP; // inline flags, (?i) and the like
      }
    }
    depth++;
  }

  /** Ends the literal run; a top-level one long enough joins the current alternative. */
  private void endRun() {
    if (depth == 0 && run.length() >= PathTrigramIndex.GRAM) {
      String literal = run.toString();
      if (!branch.contains(literal)) {
        branch.add(literal);
      }
    }
    run.setLength(0);
  }
}
