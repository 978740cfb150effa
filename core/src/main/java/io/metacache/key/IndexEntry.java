package io.metacache.key;

/**
 * What {@link PathIndex} remembers about a path; immutable, replaced whole.
 *
 * @param identity the stat and fingerprint taken together
 * @param recordedAtNanos wall-clock time, nanoseconds since the epoch, taken before the stat
 * @param racy whether the record was taken too close to the file's last change to be trusted
 */
record IndexEntry(FileIdentity identity, long recordedAtNanos, boolean racy) {}
