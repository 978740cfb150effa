package io.metacache.key;

import java.io.IOException;
import java.nio.file.Path;

/** A file kept changing while it was fingerprinted, on the first attempt and on the retry. */
public final class FileChangedDuringHashException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path path;

  /** Creates the exception for {@code path}, whose stat went from {@code before} to {@code after}. */
  public FileChangedDuringHashException(Path path, FileStat before, FileStat after) {
    super("file changed while it was fingerprinted (retried once): " + path
        + " (before: " + before + ", after: " + after + ")");
    this.path = path;
  }

  /** Returns the file that changed. */
  public Path path() {
    return path;
  }
}
