package io.metacache.extract;

/**
 * Splits source text into code and comments. In the code, comments and string or character
 * literals are replaced by spaces (newlines kept, so line structure and offsets survive), so the
 * symbol patterns never match inside them. Comment text, and Python triple-quoted strings
 * (docstrings), are collected for document references.
 *
 * <p>Handles {@code //} or {@code #} line comments, {@code /* *}{@code /} block comments, double-
 * and single-quoted literals with backslash escapes, Java text blocks and Python triple quotes,
 * Go raw strings in backquotes. Not handled: C preprocessor logic (both branches of an
 * {@code #if} are read; in C a {@code #} line is kept as code), Python string prefixes beyond
 * their quotes (harmless), and nested block comments (no language here has them).
 */
final class SourceLexer {
  /** The result: code with comments and literals blanked, and the comments' text. */
  record Lexed(String code, String comments) {}

  private SourceLexer() {}

  static Lexed lex(String src, SourceLanguage lang) {
    int n = src.length();
    StringBuilder code = new StringBuilder(n);
    StringBuilder comments = new StringBuilder();
    int i = 0;
    while (i < n) {
      char c = src.charAt(i);
      if (src.startsWith(lang.lineComment, i) && !(lang == SourceLanguage.C && c == '#')) {
        int end = src.indexOf('\n', i);
        end = end < 0 ? n : end;
        comments.append(src, i + lang.lineComment.length(), end).append('\n');
        blank(code, src, i, end);
        i = end;
      } else if (lang.blockComments && src.startsWith("/*", i)) {
        int end = src.indexOf("*/", i + 2);
        end = end < 0 ? n : end + 2;
        comments.append(src, i + 2, Math.max(i + 2, end - 2)).append('\n');
        blank(code, src, i, end);
        i = end;
      } else if ((lang.tripleQuotes || lang == SourceLanguage.JAVA)
          && (src.startsWith("\"\"\"", i) || lang.tripleQuotes && src.startsWith("'''", i))) {
        String quote = src.substring(i, i + 3);
        int end = src.indexOf(quote, i + 3);
        end = end < 0 ? n : end + 3;
        if (lang.tripleQuotes) {
          comments.append(src, i + 3, Math.max(i + 3, end - 3)).append('\n');
        }
        blank(code, src, i, end);
        i = end;
      } else if (c == '"' || c == '\'' || (c == '`' && lang == SourceLanguage.GO)) {
        int end = endOfLiteral(src, i, c);
        blank(code, src, i, end);
        i = end;
      } else {
        code.append(c);
        i++;
      }
    }
    return new Lexed(code.toString(), comments.toString());
  }

  /** Index after the literal opened at {@code start}; a literal never spans a newline unless raw. */
  private static int endOfLiteral(String src, int start, char quote) {
    int i = start + 1;
    boolean raw = quote == '`';
    while (i < src.length()) {
      char c = src.charAt(i);
      if (c == '\\' && !raw) {
        i += 2;
      } else if (c == quote) {
        return i + 1;
      } else if (c == '\n' && !raw) {
        return i; // unterminated (or a Python/Go apostrophe we misread): stop at the line's end
      } else {
        i++;
      }
    }
    return src.length();
  }

  private static void blank(StringBuilder code, String src, int from, int to) {
    for (int i = from; i < to; i++) {
      code.append(src.charAt(i) == '\n' ? '\n' : ' ');
    }
  }
}
