package io.metacache;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A metadata field that comes from a file's path (its stat), not its bytes. An extractor that
 * declares such fields ({@link ExtractorInputs#pathFields()}) has them recomputed for each file at
 * every lookup, so copies that share one cached extraction each get their own, and they are never
 * stored. Their values, under {@link #key()}, in this enum's order:
 *
 * <ul>
 *   <li>{@link #SIZE} {@code size}: bytes, a {@code Long};
 *   <li>{@link #MODIFIED} {@code modified}, {@link #CREATED} {@code created}, {@link #ACCESSED}
 *       {@code accessed}: {@link FileTime#toString()} (ISO 8601, UTC); {@code created} is the
 *       mtime where the file system keeps no birth time, as {@link BasicFileAttributes} says;
 *   <li>{@link #PERMISSIONS} {@code permissions}: {@code rwxr-x---} form, or {@code null} where the
 *       file system has no POSIX permissions;
 *   <li>{@link #OWNER} {@code owner}: the owner's name; absent where there are no POSIX permissions.
 * </ul>
 *
 * Size and mtime come from the stat the lookup made for the fingerprint; the others from one more
 * attribute read, made only when one of them is declared.
 */
public enum PathField {
  /** File size in bytes. */
  SIZE("size"),
  /** Last modification time. */
  MODIFIED("modified"),
  /** Creation (birth) time. */
  CREATED("created"),
  /** Last access time. */
  ACCESSED("accessed"),
  /** POSIX permissions, {@code rwxr-x---}. */
  PERMISSIONS("permissions"),
  /** Owner name. */
  OWNER("owner");

  private static final PathField[] ALL = values();
  /** Bits of the fields that need an attribute read beyond the lookup's stat. */
  private static final int NEEDS_READ = CREATED.bit() | ACCESSED.bit() | PERMISSIONS.bit() | OWNER.bit();
  /** Every bit a field has; the rest of an entry's path-fields byte must be zero. */
  static final int ALL_BITS = (1 << ALL.length) - 1;
  private static final boolean UNIX_VIEW = FileSystems.getDefault().supportedFileAttributeViews().contains("unix");
  private static final boolean POSIX_VIEW = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  private static final String UNIX_ATTRIBUTES = "unix:creationTime,lastAccessTime,mode,uid";
  /** Owner names by uid: the JDK looks a name up (getpwuid) on every read of the owner. */
  private static final Map<Integer, String> OWNERS = new ConcurrentHashMap<>();

  private final String key;

  PathField(String key) {
    this.key = key;
  }

  /** The metadata key this field is written under. */
  public String key() {
    return key;
  }

  /** This field's bit in an entry's path-fields byte ({@code docs/format.md}). */
  public int bit() {
    return 1 << ordinal();
  }

  /** The bits of {@code fields}. */
  static int bits(Collection<PathField> fields) {
    int bits = 0;
    for (PathField f : fields) {
      bits |= f.bit();
    }
    return bits;
  }

  /**
   * Puts the {@code fields} of {@code file} into {@code out} in this enum's order, with the values
   * a cache lookup gives them: an extractor that declares path fields calls this so that its result
   * outside the cache is the one the cache returns.
   *
   * @throws IOException if the file's attributes cannot be read
   */
  public static void putAll(Path file, Set<PathField> fields, Map<String, Object> out) throws IOException {
    int bits = bits(fields);
    if (bits == 0) {
      return;
    }
    BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
    put(bits, file, a.size(), a.lastModifiedTime().to(TimeUnit.NANOSECONDS), out);
  }

  /**
   * Puts the fields of {@code bits} into {@code out}, size and mtime as given (the lookup's stat),
   * the others from one attribute read of {@code file} if any is asked for.
   */
  static void put(int bits, Path file, long size, long mtimeNanos, Map<String, Object> out) throws IOException {
    if ((bits & SIZE.bit()) != 0) {
      out.put(SIZE.key, size);
    }
    if ((bits & MODIFIED.bit()) != 0) {
      out.put(MODIFIED.key, FileTimes.iso(mtimeNanos));
    }
    if ((bits & NEEDS_READ) == 0) {
      return;
    }
    if (UNIX_VIEW && file.getFileSystem() == FileSystems.getDefault()) {
      Map<String, Object> a = Files.readAttributes(file, UNIX_ATTRIBUTES);
      putTimes(bits, (FileTime) a.get("creationTime"), (FileTime) a.get("lastAccessTime"), out);
      if ((bits & PERMISSIONS.bit()) != 0) {
        out.put(PERMISSIONS.key, permissions((Integer) a.get("mode")));
      }
      if ((bits & OWNER.bit()) != 0) {
        out.put(OWNER.key, owner(file, (Integer) a.get("uid")));
      }
      return;
    }
    if (POSIX_VIEW || file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      PosixFileAttributes a = Files.readAttributes(file, PosixFileAttributes.class);
      putTimes(bits, a.creationTime(), a.lastAccessTime(), out);
      if ((bits & PERMISSIONS.bit()) != 0) {
        out.put(PERMISSIONS.key, permissions(a.permissions()));
      }
      if ((bits & OWNER.bit()) != 0) {
        out.put(OWNER.key, a.owner().getName());
      }
      return;
    }
    BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
    putTimes(bits, a.creationTime(), a.lastAccessTime(), out);
    if ((bits & PERMISSIONS.bit()) != 0) {
      out.put(PERMISSIONS.key, null);
    }
  }

  private static void putTimes(int bits, FileTime created, FileTime accessed, Map<String, Object> out) {
    if ((bits & CREATED.bit()) != 0) {
      out.put(CREATED.key, FileTimes.iso(created));
    }
    if ((bits & ACCESSED.bit()) != 0) {
      out.put(ACCESSED.key, FileTimes.iso(accessed));
    }
  }

  private static String owner(Path file, int uid) throws IOException {
    String name = OWNERS.get(uid);
    if (name == null) {
      name = Files.getOwner(file).getName();
      // The owner may have changed between the two reads: cache the name only for the uid it is of.
      if (((Integer) Files.getAttribute(file, "unix:uid")) == uid) {
        OWNERS.put(uid, name);
      }
    }
    return name;
  }

  private static String permissions(int mode) {
    char[] c = new char[9];
    String rwx = "rwx";
    for (int i = 0; i < 9; i++) {
      c[i] = (mode & (0400 >> i)) != 0 ? rwx.charAt(i % 3) : '-';
    }
    return new String(c);
  }

  private static String permissions(Set<PosixFilePermission> set) {
    return java.nio.file.attribute.PosixFilePermissions.toString(set);
  }
}
