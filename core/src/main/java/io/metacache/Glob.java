package io.metacache;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Key and path patterns: {@code *} matches any run of characters ({@code :} and {@code /}
 * included), {@code ?} any one character, a backslash escapes the next character; everything
 * else matches itself. The whole key must match: {@code document:*} matches every key that starts
 * with {@code document:}.
 */
final class Glob {
  private Glob() {}

  static Pattern compile(String glob) {
    Objects.requireNonNull(glob, "pattern");
    if (glob.isEmpty()) {
      throw new IllegalArgumentException("pattern must not be empty");
    }
    StringBuilder regex = new StringBuilder(glob.length() + 8);
    StringBuilder literal = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '\\' && i + 1 < glob.length()) {
        literal.append(glob.charAt(++i));
      } else if (c == '*' || c == '?') {
        if (literal.length() > 0) {
          regex.append(Pattern.quote(literal.toString()));
          literal.setLength(0);
        }
        regex.append(c == '*' ? ".*" : ".");
      } else {
        literal.append(c);
      }
    }
    if (literal.length() > 0) {
      regex.append(Pattern.quote(literal.toString()));
    }
    return Pattern.compile(regex.toString(), Pattern.DOTALL);
  }
}
