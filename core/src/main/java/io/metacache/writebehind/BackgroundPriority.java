package io.metacache.writebehind;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lowers the scheduling priority of the calling thread, so that write-behind work takes the CPU
 * only when the application's own threads leave it.
 *
 * <p>Two strengths, both per thread on Linux and both allowed without privilege:
 * <ul>
 *   <li>{@link #IDLE} (the default): the {@code SCHED_IDLE} policy, as RocksDB offers for its
 *       background threads. Such a thread never preempts a normal one on wake-up and is preempted
 *       by any normal thread that wakes, so a {@code put} is not interrupted by the tier writes it
 *       queued; a nice value, however high, still lets a waking background thread preempt the
 *       caller once its share of the CPU is owed.
 *   <li>a nice value, 1 to 19, by {@code setpriority(PRIO_PROCESS, 0, n)}, which sets the calling
 *       thread's on Linux. 0 leaves the thread alone.
 * </ul>
 * Java's {@link Thread#setPriority} is ignored on Linux by default, hence the native calls (JNA,
 * already on the classpath for Chronicle).
 *
 * <p>Best effort: elsewhere than Linux, or if a call fails (a seccomp profile may forbid
 * {@code sched_setscheduler}), the thread keeps the strongest priority it could get (nice 19 when
 * idle was refused) and the failure is logged once. A lowered priority never starves the
 * pipeline: when the ring fills, writers wait for it, and waiting writers leave the CPU to the
 * pipeline. The price of idle is priority inversion under full load: while every core runs
 * normal threads, a lane holding a tier's lock (the disk tier's index lock, say) runs slowly, and
 * a reader needing that lock waits for it.
 */
final class BackgroundPriority {
  private static final Logger LOG = LoggerFactory.getLogger(WriteBehindPipeline.class);
  private static final int PRIO_PROCESS = 0;
  private static final int SCHED_IDLE = 5;
  private static final int MAX_NICE = 19;
  /** The priority argument meaning the {@code SCHED_IDLE} policy rather than a nice value. */
  static final int IDLE = -1;
  private static volatile boolean warned;

  private BackgroundPriority() {}

  /** The C library calls used; loaded on first use. */
  interface CLibrary extends Library {
    int setpriority(int which, int who, int prio);

    int sched_setscheduler(int pid, int policy, int[] param);
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
   * Lowers the calling thread to {@code priority}: {@link #IDLE}, or a nice value (0 = leave it
   * alone).
   *
   * @return whether the priority was lowered as asked
   */
  static boolean lowerCurrentThread(int priority) {
    if (priority == 0) {
      return false;
    }
    CLibrary c = Holder.C;
    if (c == null) {
      if (!Platform.isLinux()) {
        warnOnce("thread priorities are set on Linux only");
      }
      return false;
    }
    try {
      boolean niced = c.setpriority(PRIO_PROCESS, 0, priority == IDLE ? MAX_NICE : priority) == 0;
      if (!niced) {
        warnOnce("setpriority failed with errno " + Native.getLastError());
        return false;
      }
      if (priority != IDLE) {
        return true;
      }
      if (c.sched_setscheduler(0, SCHED_IDLE, new int[] {0}) == 0) {
        return true;
      }
      warnOnce("sched_setscheduler(SCHED_IDLE) failed with errno " + Native.getLastError() + "; nice 19 instead");
    } catch (LinkageError | RuntimeException e) {
      warnOnce("lowering the priority failed (" + e + ")");
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
