package io.metacache.writebehind;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lowers the scheduling priority of the calling thread, so that write-behind work takes the CPU
 * only when the application's own threads leave it. On Linux the nice value is a per-thread
 * attribute and {@code setpriority(PRIO_PROCESS, 0, n)} sets the calling thread's; raising one's
 * own nice value needs no privilege. Java's {@link Thread#setPriority} is ignored on Linux by
 * default, hence the native call (JNA, already on the classpath for Chronicle).
 *
 * <p>Best effort: elsewhere than Linux, or if the call fails, the thread keeps its priority and
 * the failure is logged once. A lowered priority never starves the pipeline: when the ring fills,
 * writers wait for it, and waiting writers leave the CPU to the pipeline.
 */
final class BackgroundPriority {
  private static final Logger LOG = LoggerFactory.getLogger(WriteBehindPipeline.class);
  private static final int PRIO_PROCESS = 0;
  private static volatile boolean warned;

  private BackgroundPriority() {}

  /** The C library call used; loaded on first use. */
  interface CLibrary extends Library {
    int setpriority(int which, int who, int prio);
  }

  private static final class Holder {
    static final CLibrary C = load();

    private static CLibrary load() {
      try {
        return Platform.isLinux() ? Native.load(Platform.C_LIBRARY_NAME, CLibrary.class) : null;
      } catch (LinkageError | RuntimeException e) {
        warnOnce("cannot load the C library (" + e + ")");
        return null;
      }
    }
  }

  /**
   * Sets the calling thread's nice value to {@code nice} (0 = leave it alone).
   *
   * @return whether the priority was lowered
   */
  static boolean lowerCurrentThread(int nice) {
    if (nice == 0) {
      return false;
    }
    CLibrary c = Holder.C;
    if (c == null) {
      if (!Platform.isLinux()) {
        warnOnce("thread nice values are set on Linux only");
      }
      return false;
    }
    try {
      if (c.setpriority(PRIO_PROCESS, 0, nice) == 0) {
        return true;
      }
      warnOnce("setpriority failed with errno " + Native.getLastError());
    } catch (LinkageError | RuntimeException e) {
      warnOnce("setpriority failed (" + e + ")");
    }
    return false;
  }

  private static void warnOnce(String why) {
    if (!warned) {
      warned = true;
      LOG.info("write-behind threads keep the normal priority ({}): {}", WriteBehindPipeline.Builder.NICE, why);
    }
  }
}
