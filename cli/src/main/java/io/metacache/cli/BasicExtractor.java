package io.metacache.cli;

import io.metacache.Extractor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code basic} profile: size, times, permissions and a content type guessed by the JDK's
 * file type detectors.
 */
final class BasicExtractor implements Extractor {

  @Override
  public Map<String, Object> extract(Path file) throws IOException {
    BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("size", attrs.size());
    m.put("modified", attrs.lastModifiedTime().toString());
    m.put("created", attrs.creationTime().toString());
    try {
      PosixFileAttributes posix = Files.readAttributes(file, PosixFileAttributes.class);
      m.put("permissions", PosixFilePermissions.toString(posix.permissions()));
      m.put("owner", posix.owner().getName());
    } catch (UnsupportedOperationException e) {
      m.put("permissions", null);
    }
    String type = Files.probeContentType(file);
    m.put("contentType", type);
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    m.put("extension", dot > 0 ? name.substring(dot + 1) : "");
    return m;
  }
}
