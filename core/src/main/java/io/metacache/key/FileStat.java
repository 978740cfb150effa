package io.metacache.key;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What one {@code stat} of a regular file says about it: identity, size and timestamps.
 *
 * <p>Where the default file system has the {@code unix} attribute view (Linux, macOS), one
 * {@code stat} yields the file key (device and inode), size, mtime and ctime. ctime matters: it
 * cannot be set from user space, so a rewrite that restores size and mtime (an archive extraction,
 * {@code cp -p}, {@code touch -d}) still changes the stat. Reading it through the attribute map
 * costs about 1.5x the bare {@link BasicFileAttributes} read (a map and boxing on top of the same
 * system call; see {@code StatFastPathBenchmark}), which we pay for that guarantee. Elsewhere the
 * basic view is used and ctime is {@link #NO_CTIME}.
 *
 * <p>On Java 22 and later, on Linux, the same fields come from one {@code statx} call made through
 * the FFM API (the multi-release jar's {@code NativeStat}), with none of that map and boxing: the
 * file key is then a device-and-inode pair. It needs {@code --enable-native-access=ALL-UNNAMED}
 * (in {@code jvm.options}; without it NIO is used) and is turned off by the system property
 * {@code metacache.stat.native=false}. Any failure of the native call is retried through NIO, so
 * the exceptions are NIO's either way.
 *
 * @param fileKey the file system's identity of the file (device and inode on Unix), compared with
 *     {@code equals}; may be {@code null} where the platform has none
 * @param size the size in bytes
 * @param mtimeNanos last modification time, nanoseconds since the epoch
 * @param ctimeNanos last status change time, nanoseconds since the epoch, or {@link #NO_CTIME}
 */
public record FileStat(Object fileKey, long size, long mtimeNanos, long ctimeNanos) {

  /** The {@link #ctimeNanos()} of a platform without ctime. */
  public static final long NO_CTIME = Long.MIN_VALUE;

  private static final FileSystem DEFAULT_FILE_SYSTEM = FileSystems.getDefault();
  private static final boolean UNIX_VIEW =
      FileSystems.getDefault().supportedFileAttributeViews().contains("unix");
  private static final String UNIX_ATTRIBUTES = "unix:fileKey,size,lastModifiedTime,ctime,mode";
  private static final int S_IFMT = 0170000;
  private static final int S_IFREG = 0100000;
  private static final int S_IFDIR = 0040000;

  /**
   * Stats {@code file} (following symbolic links) with one system call.
   *
   * @throws java.nio.file.NoSuchFileException if it does not exist
   * @throws FileSystemException naming the path if it is a directory or not a regular file
   * @throws IOException if the stat fails otherwise
   */
  public static FileStat read(Path file) throws IOException {
    if (NativeStat.AVAILABLE && file.getFileSystem() == DEFAULT_FILE_SYSTEM) {
      FileStat stat = NativeStat.read(file);
      if (stat != null) {
        return stat;
      }
    }
    if (UNIX_VIEW && file.getFileSystem() == DEFAULT_FILE_SYSTEM) {
      Map<String, Object> a = Files.readAttributes(file, UNIX_ATTRIBUTES);
      int type = (Integer) a.get("mode") & S_IFMT;
      if (type != S_IFREG) {
        throw notRegular(file, type == S_IFDIR);
      }
      return new FileStat(
          a.get("fileKey"),
          (Long) a.get("size"),
          nanos((FileTime) a.get("lastModifiedTime")),
          nanos((FileTime) a.get("ctime")));
    }
    BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
    if (!a.isRegularFile()) {
      throw notRegular(file, a.isDirectory());
    }
    return new FileStat(a.fileKey(), a.size(), nanos(a.lastModifiedTime()), NO_CTIME);
  }

  /** Returns whether ctime is known. */
  public boolean hasCtime() {
    return ctimeNanos != NO_CTIME;
  }

  private static long nanos(FileTime time) {
    return time.to(TimeUnit.NANOSECONDS);
  }

  /** What {@link #read} uses in this runtime: {@code statx} through FFM, or NIO and why. */
  public static String implementation() {
    return NativeStat.IMPLEMENTATION;
  }

  static FileSystemException notRegular(Path file, boolean directory) {
    return new FileSystemException(file.toString(), null,
        directory ? "is a directory; only regular files can be fingerprinted"
            : "is not a regular file (device, FIFO or socket); only regular files can be"
                + " fingerprinted");
  }
}
