package io.metacache.testkit;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.util.concurrent.Callable;

/**
 * Runs a piece of a test as a caller that file permissions bind, also when the tests run as root
 * (as CI does). Root reads and writes whatever the permission bits say because it holds
 * {@code CAP_DAC_OVERRIDE} and {@code CAP_DAC_READ_SEARCH}; on Linux capabilities belong to a
 * thread, so {@link #call} runs the action on a fresh thread that first drops both from its
 * effective, permitted and inheritable sets ({@code capset(2)}, for good: the thread ends with the
 * action). File system calls made on that thread then meet the permission checks any other user
 * meets: an unreadable file cannot be opened, a read-only directory cannot be written. For a user
 * that is not root the drop changes nothing. Only calls made on that thread are bound: the action
 * must do its file work itself, not hand it to another thread.
 *
 * <p>Elsewhere than Linux the action runs unchanged on the fresh thread (an ordinary user is bound
 * anyway); a test run there as a privileged user then fails on its assertions, it does not pass
 * without having seen the fault.
 */
public final class Unprivileged {
  private static final int LINUX_CAPABILITY_VERSION_3 = 0x20080522;
  private static final int CAP_DAC_OVERRIDE = 1;
  private static final int CAP_DAC_READ_SEARCH = 2;
  private static final int DAC_CAPABILITIES = (1 << CAP_DAC_OVERRIDE) | (1 << CAP_DAC_READ_SEARCH);

  private Unprivileged() {}

  /** glibc's wrappers of the capability system calls; both act on the calling thread (pid 0). */
  interface CLibrary extends Library {
    /** {@code header}: version, pid; {@code data}: effective, permitted, inheritable, twice (64 bits). */
    int capget(int[] header, int[] data);

    int capset(int[] header, int[] data);
  }

  private static final class Holder {
    static final CLibrary C = Platform.isLinux() ? Native.load(Platform.C_LIBRARY_NAME, CLibrary.class) : null;
  }

  /**
   * Runs {@code action} on a thread without the permission-bypassing capabilities and returns its
   * result; an exception or assertion error it throws is rethrown here, on the caller's thread.
   *
   * @throws IllegalStateException if the capabilities could not be dropped
   */
  public static <T> T call(Callable<T> action) throws Exception {
    Object[] result = new Object[1];
    Throwable[] failure = new Throwable[1];
    Thread thread = new Thread(() -> {
      try {
        dropPermissionOverrides();
        result[0] = action.call();
      } catch (Throwable t) {
        failure[0] = t;
      }
    }, "unprivileged");
    thread.start();
    thread.join();
    Throwable t = failure[0];
    if (t instanceof Exception e) {
      throw e;
    }
    if (t instanceof Error e) {
      throw e;
    }
    @SuppressWarnings("unchecked")
    T value = (T) result[0];
    return value;
  }

  /** {@link #call} for an action without a result. */
  public static void run(ThrowingRunnable action) throws Exception {
    call(() -> {
      action.run();
      return null;
    });
  }

  /** An action that may throw. */
  @FunctionalInterface
  public interface ThrowingRunnable {
    void run() throws Exception;
  }

  private static void dropPermissionOverrides() {
    CLibrary c = Holder.C;
    if (c == null) {
      return;
    }
    int[] header = {LINUX_CAPABILITY_VERSION_3, 0};
    int[] data = new int[6];
    if (c.capget(header, data) != 0) {
      throw new IllegalStateException("capget failed, errno " + Native.getLastError());
    }
    for (int set = 0; set < 3; set++) { // effective, permitted, inheritable of the low 32 capabilities
      data[set] &= ~DAC_CAPABILITIES;
    }
    header[0] = LINUX_CAPABILITY_VERSION_3;
    header[1] = 0;
    if (c.capset(header, data) != 0) {
      throw new IllegalStateException("capset could not drop CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH, errno "
          + Native.getLastError());
    }
    int[] check = new int[6];
    if (c.capget(new int[] {LINUX_CAPABILITY_VERSION_3, 0}, check) != 0 || (check[0] & DAC_CAPABILITIES) != 0) {
      throw new IllegalStateException("the thread still holds a permission-bypassing capability");
    }
  }
}
