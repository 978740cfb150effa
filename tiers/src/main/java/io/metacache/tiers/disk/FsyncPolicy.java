package io.metacache.tiers.disk;

/**
 * What a disk-tier write forces to stable storage before it counts as done. Whatever the policy,
 * a reader never gets a torn value (the rename is atomic and the checksum catches what a crash
 * leaves behind); the policy only decides how much a power loss may take back.
 */
enum FsyncPolicy {
  /**
   * Nothing: the OS writes back when it likes (the default). A process crash loses nothing the
   * tier acknowledged (the page cache survives it); a power loss may lose recent entries or tear
   * them, which the checksums catch. The durability class of SQLite's WAL with
   * {@code synchronous=NORMAL}, which the SQLite tier uses; an fsync per entry costs about
   * 0.7 ms on a virtual disk, which would bound the tier to some 1,400 writes per second.
   */
  NONE,
  /** The entry file's data before its rename. A power loss may lose a recent rename. */
  FILE,
  /** As {@link #FILE}, then every directory a batch changed, once per batch: renames survive a crash. */
  FULL
}
