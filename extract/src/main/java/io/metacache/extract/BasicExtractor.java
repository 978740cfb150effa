package io.metacache.extract;

import io.metacache.Extractor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.tika.Tika;

/**
 * The {@code basic} profile. The MIME type comes from Tika's detector over the first bytes of the
 * content (magic numbers, XML roots, text heuristics), refined by the file name where the content
 * alone is ambiguous (plain text that is Java source, for example).
 */
final class BasicExtractor implements Extractor {
  /** Keys this extractor writes. */
  static final String SIZE = "size";
  static final String MIME_TYPE = "mimeType";

  private final Tika tika = new Tika();

  @Override
  public Map<String, Object> extract(Path file) throws IOException {
    BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(SIZE, attrs.size());
    m.put("modified", attrs.lastModifiedTime().toString());
    m.put("created", attrs.creationTime().toString());
    m.put("accessed", attrs.lastAccessTime().toString());
    try {
      PosixFileAttributes posix = Files.readAttributes(file, PosixFileAttributes.class);
      m.put("permissions", PosixFilePermissions.toString(posix.permissions()));
      m.put("owner", posix.owner().getName());
    } catch (UnsupportedOperationException e) {
      m.put("permissions", null);
    }
    m.put(MIME_TYPE, detect(file));
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    m.put("extension", dot > 0 ? name.substring(dot + 1) : "");
    return m;
  }

  String detect(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return tika.detect(in, file.getFileName().toString());
    }
  }
}
