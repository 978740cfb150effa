package io.metacache.extract;

import io.metacache.Extractor;
import io.metacache.ExtractorInputs;
import io.metacache.PathField;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.tika.Tika;

/**
 * The {@code basic} profile. The MIME type comes from Tika's detector over the first bytes of the
 * content (magic numbers, XML roots, text heuristics), refined by the file name where the content
 * alone is ambiguous (plain text that is Java source, for example); the extension comes from the
 * name. So the result is a function of the bytes and the file name ({@link #INPUTS}), plus the
 * path fields (size, times, permissions, owner) that a cache recomputes for each copy.
 */
final class BasicExtractor implements Extractor {
  /** The bytes and the file name, and every {@link PathField}. */
  static final ExtractorInputs INPUTS = ExtractorInputs.contentAndName(PathField.values());

  /** Keys this extractor writes. */
  static final String SIZE = "size";
  static final String MIME_TYPE = "mimeType";

  private final Tika tika = new Tika();

  @Override
  public Map<String, Object> extract(Path file) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    PathField.putAll(file, INPUTS.pathFields(), m);
    m.put(MIME_TYPE, detect(file));
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    m.put("extension", dot > 0 ? name.substring(dot + 1) : "");
    return m;
  }

  @Override
  public ExtractorInputs inputs() {
    return INPUTS;
  }

  String detect(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return tika.detect(in, file.getFileName().toString());
    }
  }
}
