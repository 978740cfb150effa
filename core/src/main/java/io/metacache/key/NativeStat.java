package io.metacache.key;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A stat through a native call, where the runtime allows one. This is the Java 17 version, which
 * has none: {@link FileStat#read} uses NIO. The multi-release jar carries a Java 22 version
 * ({@code META-INF/versions/22}) that calls {@code statx} through the FFM API.
 */
final class NativeStat {
  /**
   * Whether {@link #read} can stat natively in this runtime. Assigned in the initializer, not
   * where declared: a constant {@code false} would be compiled into {@link FileStat}, which must
   * read the field of whichever version of this class the runtime loads.
   */
  static final boolean AVAILABLE;

  static {
    AVAILABLE = false;
  }
  /** What {@link FileStat#read} uses, for benchmarks and diagnostics. */
  static final String IMPLEMENTATION = "nio (Java " + Runtime.version().feature() + ": no native stat before 22)";

  private NativeStat() {}

  /** Never called when {@link #AVAILABLE} is false; answers {@code null} (take the NIO path). */
  static FileStat read(Path file) throws IOException {
    return null;
  }
}
