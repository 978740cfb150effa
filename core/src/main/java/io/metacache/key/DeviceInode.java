package io.metacache.key;

/**
 * A file's identity as a native stat gives it: device and inode. Equal keys mean the same file.
 * {@link #hashCode()} and {@link #toString()} are those of the JDK's own Unix file key
 * ({@code (dev=<hex>,ino=<decimal>)}), so the hash {@link SharedStatRecords} derives from a key is
 * the same whichever stat, native or NIO, a process takes.
 *
 * @param device the device number ({@code st_dev}, as glibc's {@code makedev} composes it)
 * @param inode the inode number
 */
record DeviceInode(long device, long inode) {

  @Override
  public int hashCode() {
    return (int) (device ^ (device >>> 32)) + (int) (inode ^ (inode >>> 32));
  }

  @Override
  public String toString() {
    return "(dev=" + Long.toHexString(device) + ",ino=" + inode + ')';
  }
}
