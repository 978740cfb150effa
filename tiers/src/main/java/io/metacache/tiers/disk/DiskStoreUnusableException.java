package io.metacache.tiers.disk;

import java.io.IOException;

/**
 * The disk tier's directory holds something the tier cannot open or recover (a state or lock file
 * that is not one, a shard that is not a directory): the tier moves the directory aside and
 * starts empty. Not thrown for what moving aside would not fix, such as denied permissions or
 * another process's lock held too long.
 */
final class DiskStoreUnusableException extends IOException {
  private static final long serialVersionUID = 1L;

  DiskStoreUnusableException(String message, Throwable cause) {
    super(message, cause);
  }
}
