package io.metacache.key;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@link FileStat#read} against NIO's own view of real files, whichever implementation the
 * runtime uses: run in the test JVM and in child JVMs of other Java versions
 * ({@link NativeStatProbe}). Each check that does not hold adds a line to the answer.
 */
final class StatChecks {
  /** Nanosecond mtimes, with digits below the microsecond, before and after the epoch. */
  static final long[] MTIMES = {1_600_000_000_987_654_321L, 1_700_000_000_000_000_001L, -1_234_567_891L};

  private StatChecks() {}

  /** Runs every check on fresh files under {@code dir}; the answer lists the failures (empty: all held). */
  static List<String> run(Path dir) throws IOException {
    List<String> failures = new ArrayList<>();
    int i = 0;
    for (long mtime : MTIMES) {
      Path file = dir.resolve("file-" + i++);
      Files.write(file, new byte[100 + i]);
      Files.setLastModifiedTime(file, FileTime.from(mtime, TimeUnit.NANOSECONDS));
      sameAsNio(file, file, failures);
    }
    if ("UTF-8".equals(System.getProperty("sun.jnu.encoding"))) { // else Java cannot name such a file
      Path named = dir.resolve("non-ascii-\u00e9\u4e2d.txt");
      Files.write(named, "x".getBytes(StandardCharsets.UTF_8));
      sameAsNio(named, named, failures);
    }
    Path target = dir.resolve("file-0");
    Path symlink = Files.createSymbolicLink(dir.resolve("symlink"), target);
    sameAsNio(symlink, target, failures);
    Path chain = Files.createSymbolicLink(dir.resolve("chain"), symlink);
    sameAsNio(chain, target, failures);
    Path relative = Files.createSymbolicLink(dir.resolve("relative"), Path.of("file-1"));
    sameAsNio(relative, dir.resolve("file-1"), failures);
    Path hardLink = Files.createLink(dir.resolve("hard"), target);
    if (!FileStat.read(hardLink).equals(FileStat.read(target))) {
      failures.add("a hard link's stat differs from its file's");
    }
    throws_(dir.resolve("missing"), NoSuchFileException.class, null, failures);
    Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("gone"));
    throws_(dangling, NoSuchFileException.class, null, failures);
    throws_(dir.resolve("missing-dir/file"), NoSuchFileException.class, null, failures);
    throws_(dir, FileSystemException.class, "is a directory", failures);
    throws_(target.resolve("below-a-file"), FileSystemException.class, null, failures);
    return failures;
  }

  // FileStat.read(path) against NIO's unix view of `file` (the link's target for a link)
  private static void sameAsNio(Path path, Path file, List<String> failures) throws IOException {
    FileStat stat = FileStat.read(path);
    Map<String, Object> nio = Files.readAttributes(file, "unix:fileKey,size,lastModifiedTime,ctime");
    long mtime = ((FileTime) nio.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS);
    long ctime = ((FileTime) nio.get("ctime")).to(TimeUnit.NANOSECONDS);
    Object key = nio.get("fileKey");
    String what = path + " (" + FileStat.implementation() + ")";
    if (stat.size() != (Long) nio.get("size")) {
      failures.add(what + ": size " + stat.size() + ", NIO " + nio.get("size"));
    }
    if (stat.mtimeNanos() != mtime) {
      failures.add(what + ": mtime " + stat.mtimeNanos() + ", NIO " + mtime);
    }
    if (stat.ctimeNanos() != ctime) {
      failures.add(what + ": ctime " + stat.ctimeNanos() + ", NIO " + ctime);
    }
    // a native stat's key is another class than NIO's, but names the same device and inode and
    // hashes alike (SharedStatRecords hashes keys across processes)
    if (!stat.fileKey().toString().equals(key.toString()) || stat.fileKey().hashCode() != key.hashCode()) {
      failures.add(what + ": file key " + stat.fileKey() + " #" + stat.fileKey().hashCode()
          + ", NIO " + key + " #" + key.hashCode());
    }
    if (!stat.equals(FileStat.read(path))) {
      failures.add(what + ": two stats of an unchanged file differ");
    }
  }

  private static void throws_(Path path, Class<? extends IOException> type, String message, List<String> failures) {
    try {
      FileStat stat = FileStat.read(path);
      failures.add(path + ": expected " + type.getSimpleName() + ", got " + stat);
    } catch (IOException e) {
      if (!type.isInstance(e) || (message != null && !String.valueOf(e.getMessage()).contains(message))) {
        failures.add(path + ": expected " + type.getSimpleName() + (message == null ? "" : " saying " + message)
            + ", got " + e);
      }
    }
  }
}
