package io.metacache.extract;

import java.nio.file.Path;
import java.util.Locale;

/** Source languages the {@code full} profile analyses, chosen by file extension, with their lexical rules. */
enum SourceLanguage {
  JAVA("java", "//", true, false),
  PYTHON("python", "#", false, true),
  C("c", "//", true, false),
  GO("go", "//", true, false);

  /** The value written under {@code language}. */
  final String id;
  /** The line-comment opener. */
  final String lineComment;
  /** Whether {@code /* ... *}{@code /} block comments exist. */
  final boolean blockComments;
  /** Whether triple-quoted strings (Python docstrings) exist; they are read as comments. */
  final boolean tripleQuotes;

  SourceLanguage(String id, String lineComment, boolean blockComments, boolean tripleQuotes) {
    this.id = id;
    this.lineComment = lineComment;
    this.blockComments = blockComments;
    this.tripleQuotes = tripleQuotes;
  }

  /** The language of a file by its extension, or {@code null}. */
  static SourceLanguage of(Path file) {
    Path name = file.getFileName();
    if (name == null) {
      return null;
    }
    String n = name.toString().toLowerCase(Locale.ROOT);
    int dot = n.lastIndexOf('.');
    if (dot < 0) {
      return null;
    }
    switch (n.substring(dot + 1)) {
      case "java": return JAVA;
      case "py": case "pyi": return PYTHON;
      case "c": case "h": return C;
      case "go": return GO;
      default: return null;
    }
  }
}
