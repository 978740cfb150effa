package io.metacache.memory;

/**
 * A shared memory tier cannot be joined as configured: the processes using it now created it
 * with other settings, or its control file is damaged while they still hold it open.
 */
public final class IncompatibleSharedTierException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  IncompatibleSharedTierException(String message) {
    super(message);
  }
}
