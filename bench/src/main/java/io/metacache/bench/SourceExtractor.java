package io.metacache.bench;

import io.metacache.Extractor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A realistic extractor for the file-lookup benchmark: reads a Python-like source file and builds
 * about 1 KB of metadata (language, line and word counts, functions, classes, imports, first
 * docstring line), as the seeds' documentation tool does.
 */
final class SourceExtractor implements Extractor {

  static final SourceExtractor INSTANCE = new SourceExtractor();

  @Override
  public Map<String, Object> extract(Path file) throws IOException {
    String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    List<Object> functions = new ArrayList<>();
    List<Object> classes = new ArrayList<>();
    List<Object> imports = new ArrayList<>();
    String doc = "";
    long lines = 0;
    long words = 0;
    for (String line : text.split("\n")) {
      lines++;
      String t = line.strip();
      if (!t.isEmpty()) {
        words += t.split("\\s+").length;
      }
      if (t.startsWith("def ")) {
        functions.add(t.substring(4, Math.max(4, t.indexOf('('))));
      } else if (t.startsWith("class ")) {
        classes.add(t.substring(6, Math.max(6, t.indexOf(':'))));
      } else if (t.startsWith("import ") || t.startsWith("from ")) {
        imports.add(t);
      } else if (doc.isEmpty() && t.startsWith("\"\"\"")) {
        doc = t.replace("\"\"\"", "");
      }
    }
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("language", "python");
    metadata.put("path", file.getFileName().toString());
    metadata.put("bytes", (long) text.length());
    metadata.put("lines", lines);
    metadata.put("words", words);
    metadata.put("functions", functions);
    metadata.put("classes", classes);
    metadata.put("imports", imports);
    metadata.put("doc", doc);
    return metadata;
  }

  /** Source text of about {@code bytes} characters, distinct per {@code seed}. */
  static String source(int seed, int bytes) {
    StringBuilder b = new StringBuilder(bytes + 256);
    b.append("\"\"\"Module ").append(seed).append(": helpers for the metadata pipeline.\"\"\"\n");
    b.append("import os\nimport sys\nfrom typing import Dict, List\n\n");
    for (int i = 0; b.length() < bytes; i++) {
      if (i % 5 == 0) {
        b.append("class Handler").append(seed).append('_').append(i).append(":\n");
      }
      b.append("    def process_").append(seed).append('_').append(i)
          .append("(self, items: List[str]) -> Dict[str, int]:\n")
          .append("        counts = {}\n        for item in items:\n")
          .append("            counts[item] = counts.get(item, 0) + ").append(i).append("\n")
          .append("        return counts\n\n");
    }
    return b.toString();
  }
}
