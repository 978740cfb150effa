package io.metacache.key;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A stat through one {@code statx(2)} call made with the FFM API (final in Java 22): size, mtime
 * and ctime in nanoseconds, inode and device, straight from the kernel's {@code struct statx}
 * into a per-thread native buffer, with none of the NIO attribute map, boxing and
 * {@code FileTime}s. This is the {@code META-INF/versions/22} version of the class; Java 17 to 21
 * load the base version, which has no native stat.
 *
 * <p>It is used when the platform is Linux on x86-64 or AArch64 (where glibc has exported
 * {@code statx} since 2.28; the {@code struct statx} layout is the same on every architecture),
 * when this module may call native code ({@code --enable-native-access}; without it the JDK would
 * warn on the first call, so NIO is used instead, silently), and when the system property
 * {@value #PROPERTY} is not {@code false}.
 *
 * <p>A failed call answers {@code null} and {@link FileStat#read} repeats the stat through NIO,
 * which throws the exception NIO users expect for the {@code errno} (no such file, access
 * denied, ...); so are answered a file system that did not fill every field asked for, and a
 * path that is not plain ASCII in a runtime whose path encoding ({@code sun.jnu.encoding}) is not
 * UTF-8. Each thread keeps its buffers: a call allocates no native memory (the
 * {@link FileStat} and its {@link DeviceInode} are the only objects it makes).
 */
final class NativeStat {
  /** System property: {@code false} makes {@link FileStat#read} use NIO even where this class could stat. */
  static final String PROPERTY = "metacache.stat.native";

  private static final int AT_FDCWD = -100;
  // statx mask bits (linux/stat.h) for the fields read below
  private static final int STATX_TYPE = 0x1;
  private static final int STATX_MODE = 0x2;
  private static final int STATX_MTIME = 0x40;
  private static final int STATX_CTIME = 0x80;
  private static final int STATX_INO = 0x100;
  private static final int STATX_SIZE = 0x200;
  private static final int MASK = STATX_TYPE | STATX_MODE | STATX_MTIME | STATX_CTIME | STATX_INO | STATX_SIZE;

  // struct statx (linux/stat.h), 256 bytes, one layout on every architecture
  private static final int STATX_SIZE_BYTES = 256;
  private static final long STX_MASK = 0; // u32
  private static final long STX_MODE = 28; // u16
  private static final long STX_INO = 32; // u64
  private static final long STX_SIZE = 40; // u64
  private static final long STX_CTIME = 96; // struct statx_timestamp: s64 tv_sec, u32 tv_nsec, s32 reserved
  private static final long STX_MTIME = 112; // struct statx_timestamp
  private static final long STX_DEV_MAJOR = 136; // u32
  private static final long STX_DEV_MINOR = 140; // u32
  private static final long TV_NSEC = 8; // within a statx_timestamp

  private static final int S_IFMT = 0170000;
  private static final int S_IFREG = 0100000;
  private static final int S_IFDIR = 0040000;

  private static final MethodHandle STATX;
  /** Whether {@link #read} can stat natively in this runtime. */
  static final boolean AVAILABLE;
  /** What {@link FileStat#read} uses, for benchmarks and diagnostics. */
  static final String IMPLEMENTATION;
  /** Paths are passed as their chars when every char is ASCII; else encoded with this charset. */
  private static final Charset PATH_CHARSET;
  private static final boolean UTF8_PATHS;

  static {
    String jnu = System.getProperty("sun.jnu.encoding");
    Charset charset;
    try {
      charset = jnu == null ? Charset.defaultCharset() : Charset.forName(jnu);
    } catch (RuntimeException e) {
      charset = Charset.defaultCharset();
    }
    PATH_CHARSET = charset;
    UTF8_PATHS = charset.name().equals("UTF-8");
    String why = unavailableBecause();
    MethodHandle handle = null;
    if (why == null) {
      Linker linker = Linker.nativeLinker();
      // int statx(int dirfd, const char *pathname, int flags, unsigned int mask, struct statx *statxbuf)
      handle = linker.defaultLookup().find("statx")
          .map(address -> linker.downcallHandle(address,
              FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS)))
          .orElse(null);
      if (handle == null) {
        why = "the C library has no statx";
      }
    }
    STATX = handle;
    AVAILABLE = handle != null;
    IMPLEMENTATION = AVAILABLE
        ? "statx (FFM, Java " + Runtime.version().feature() + ")"
        : "nio (Java " + Runtime.version().feature() + ": " + why + ")";
  }

  private NativeStat() {}

  private static String unavailableBecause() {
    if (!Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))) {
      return PROPERTY + " is false";
    }
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "");
    if (!os.equals("linux") || !(arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"))) {
      return "no statx binding for " + os + "/" + arch;
    }
    if (!NativeStat.class.getModule().isNativeAccessEnabled()) {
      return "native access is not enabled (--enable-native-access)";
    }
    return null;
  }

  /** One thread's native buffers: the {@code struct statx} and the NUL-terminated path. */
  private static final class Scratch {
    final MemorySegment statx;
    MemorySegment path;

    Scratch() {
      statx = Arena.ofAuto().allocate(STATX_SIZE_BYTES, 8);
      path = Arena.ofAuto().allocate(512, 8);
    }

    /** The path as a NUL-terminated C string in {@link #path}, or {@code null} if it cannot be passed. */
    MemorySegment encode(String s) {
      int n = s.length();
      ensure(n + 1);
      for (int i = 0; i < n; i++) {
        char c = s.charAt(i);
        if (c >= 0x80) {
          return encodeSlowly(s);
        }
        path.set(JAVA_BYTE, i, (byte) c);
      }
      path.set(JAVA_BYTE, n, (byte) 0);
      return path;
    }

    // A path beyond ASCII: encoded as the JDK encodes file names (rare, so allocating is fine).
    private MemorySegment encodeSlowly(String s) {
      if (!UTF8_PATHS) {
        return null; // the JDK maps such names in ways simplest left to NIO
      }
      byte[] bytes = s.getBytes(PATH_CHARSET);
      ensure(bytes.length + 1);
      MemorySegment.copy(bytes, 0, path, JAVA_BYTE, 0, bytes.length);
      path.set(JAVA_BYTE, bytes.length, (byte) 0);
      return path;
    }

    private void ensure(long bytes) {
      if (path.byteSize() < bytes) {
        path = Arena.ofAuto().allocate(Math.max(bytes, path.byteSize() * 2), 8);
      }
    }
  }

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  /**
   * Stats {@code file} (following symbolic links) with one {@code statx}; {@code null} if the call
   * failed or could not be made (the caller then asks NIO, which throws the right exception).
   *
   * @throws java.nio.file.FileSystemException naming the path if it is not a regular file
   */
  static FileStat read(Path file) throws IOException {
    Scratch scratch = SCRATCH.get();
    MemorySegment path = scratch.encode(file.toString());
    if (path == null) {
      return null;
    }
    MemorySegment buf = scratch.statx;
    int rc;
    try {
      rc = (int) STATX.invokeExact(AT_FDCWD, path, 0, MASK, buf);
    } catch (Throwable t) {
      throw new IllegalStateException("statx downcall failed", t);
    }
    if (rc != 0 || (buf.get(JAVA_INT, STX_MASK) & MASK) != MASK) {
      return null;
    }
    int type = Short.toUnsignedInt(buf.get(JAVA_SHORT, STX_MODE)) & S_IFMT;
    if (type != S_IFREG) {
      throw FileStat.notRegular(file, type == S_IFDIR);
    }
    return new FileStat(
        new DeviceInode(makedev(buf.get(JAVA_INT, STX_DEV_MAJOR), buf.get(JAVA_INT, STX_DEV_MINOR)),
            buf.get(JAVA_LONG, STX_INO)),
        buf.get(JAVA_LONG, STX_SIZE),
        nanos(buf.get(JAVA_LONG, STX_MTIME), buf.get(JAVA_INT, STX_MTIME + TV_NSEC)),
        nanos(buf.get(JAVA_LONG, STX_CTIME), buf.get(JAVA_INT, STX_CTIME + TV_NSEC)));
  }

  /** glibc's {@code makedev}: the {@code st_dev} that {@code stat} reports, and NIO's file key holds. */
  static long makedev(int major, int minor) {
    long ma = Integer.toUnsignedLong(major);
    long mi = Integer.toUnsignedLong(minor);
    return ((ma & 0x00000fffL) << 8) | ((ma & 0xfffff000L) << 32) | (mi & 0x000000ffL) | ((mi & 0xffffff00L) << 12);
  }

  /** Seconds and nanoseconds as nanoseconds since the epoch, saturated as {@code FileTime.to} saturates. */
  private static long nanos(long seconds, int nanos) {
    long high = Math.multiplyHigh(seconds, 1_000_000_000L);
    long low = seconds * 1_000_000_000L;
    if ((high != 0 || low < 0) && (high != -1 || low >= 0)) {
      return seconds < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    long total = low + Integer.toUnsignedLong(nanos);
    return total < low ? Long.MAX_VALUE : total;
  }
}
