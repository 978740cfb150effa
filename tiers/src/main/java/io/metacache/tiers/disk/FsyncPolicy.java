package io.metacache.tiers.disk;

/**
 * What a disk-tier write forces to stable storage before it counts as done. Whatever the policy,
 * a reader never gets a torn value (the rename is atomic and the checksum catches what a crash
 * leaves behind); the policy only decides how much a power loss may take back.
 */
enum FsyncPolicy {
  /** Nothing: the OS writes back when it likes. A crash may lose recent entries. */
  NONE,
  /** The entry file's data before its rename (the default). A crash may lose a recent rename. */
  FILE,
  /** As {@link #FILE}, then every directory a batch changed, once per batch: renames survive a crash. */
  FULL
}
