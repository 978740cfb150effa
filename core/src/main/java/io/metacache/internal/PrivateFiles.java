package io.metacache.internal;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * The cache's files are private to the user that runs it: every directory it creates is 0700 and
 * every file 0600, set explicitly after creation so that no umask widens (or narrows) them; a
 * directory it is given must not be writable by anybody else.
 *
 * <p>Why refuse rather than fix: a directory that another user can write lets that user plant
 * entries (the cache would serve them as extracted metadata) or swap files under a process; a
 * directory owned by another user can be changed by that user at any time. Metadata also holds
 * paths, owners and GPS coordinates, so directories the cache creates are readable by nobody else.
 *
 * <p>On a file system without POSIX permissions (Windows, some network mounts) these calls create
 * and open with the platform's defaults and check nothing.
 */
public final class PrivateFiles {
  /** Permissions of every directory the cache creates. */
  public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
  /** Permissions of every file the cache creates. */
  public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OTHERS =
      EnumSet.complementOf(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
          PosixFilePermission.OWNER_EXECUTE));
  private static final Set<PosixFilePermission> WRITE_BY_OTHERS =
      EnumSet.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

  private PrivateFiles() {}

  /**
   * The cache's own directory: creates it and its missing parents 0700, or checks an existing one
   * ({@link #checkDirectory}). An existing directory's read bits are left as they are.
   *
   * @throws UnsafeDirectoryException if it exists and another user can write it
   */
  public static Path directory(Path dir) throws IOException {
    Path absolute = dir.toAbsolutePath().normalize();
    if (Files.isDirectory(absolute)) {
      checkDirectory(absolute);
      return dir;
    }
    createMissing(absolute);
    return dir;
  }

  /**
   * A directory of the cache's own making inside the cache directory ({@code sqlite/}, {@code
   * memory/}, {@code procs/}...): created 0700, or checked and, when it is ours, narrowed to 0700
   * (directories of older versions were 0755).
   */
  public static Path subdirectory(Path dir) throws IOException {
    Path absolute = dir.toAbsolutePath().normalize();
    if (!Files.isDirectory(absolute)) {
      createMissing(absolute);
      return dir;
    }
    checkDirectory(absolute);
    PosixFileAttributeView view = Files.getFileAttributeView(absolute, PosixFileAttributeView.class);
    if (view != null) {
      Set<PosixFilePermission> perms = view.readAttributes().permissions();
      if (perms.stream().anyMatch(OTHERS::contains)) {
        view.setPermissions(DIRECTORY);
      }
    }
    return dir;
  }

  /**
   * Refuses a directory that a user other than this process's can write: one with the group or
   * other write bit, or one owned by another user.
   *
   * @throws UnsafeDirectoryException naming the directory and the fix
   */
  public static void checkDirectory(Path dir) throws IOException {
    Path absolute = dir.toAbsolutePath().normalize();
    PosixFileAttributeView view = Files.getFileAttributeView(absolute, PosixFileAttributeView.class);
    if (view == null) {
      return;
    }
    PosixFileAttributes attributes = view.readAttributes();
    String owner = attributes.owner().getName();
    String me = currentUser();
    if (me != null && !owner.equals(me)) {
      throw new UnsafeDirectoryException("refusing to use " + absolute + ": it is owned by " + owner + ", not by "
          + me + ", who runs this process; use a directory of your own (metacache.dir, or --cache-dir)");
    }
    Set<PosixFilePermission> writers = EnumSet.noneOf(PosixFilePermission.class);
    for (PosixFilePermission p : attributes.permissions()) {
      if (WRITE_BY_OTHERS.contains(p)) {
        writers.add(p);
      }
    }
    if (!writers.isEmpty()) {
      throw new UnsafeDirectoryException("refusing to use " + absolute + ": other users can write it ("
          + PosixFilePermissions.toString(attributes.permissions()) + ") and could plant entries; run 'chmod "
          + "go-w " + absolute + "' (or 'chmod 700 " + absolute + "' to keep them from reading it too)");
    }
  }

  /** Sets {@code file} to 0600 (a file the cache created or owns); nothing without POSIX permissions. */
  public static void restrict(Path file) throws IOException {
    PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    if (view != null && !view.readAttributes().permissions().equals(FILE)) {
      view.setPermissions(FILE);
    }
  }

  /** Creates {@code file} empty and 0600 if it does not exist; an existing file is set to 0600. */
  public static Path file(Path file) throws IOException {
    try {
      Files.createFile(file);
    } catch (FileAlreadyExistsException e) {
      // created by another process or an earlier session: narrowed below all the same
    }
    restrict(file);
    return file;
  }

  /** Whether the file system of {@code path} has POSIX permissions. */
  public static boolean posix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  private static void createMissing(Path absolute) throws IOException {
    Path parent = absolute.getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      createMissing(parent);
    }
    try {
      Files.createDirectory(absolute);
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(absolute)) {
        throw e;
      }
      checkDirectory(absolute); // another process made it first: it must still be safe
      return;
    }
    PosixFileAttributeView view = Files.getFileAttributeView(absolute, PosixFileAttributeView.class);
    if (view != null) {
      view.setPermissions(DIRECTORY); // explicitly: mkdir's mode is masked by the umask
    }
  }

  private static String currentUser() {
    String name = System.getProperty("user.name");
    return name == null || name.isBlank() || name.equals("?") ? null : name;
  }
}
