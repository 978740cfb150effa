package io.metacache.doctor;

/** How urgent an {@link Alert} is. */
public enum Severity {
  /** Worth a look: the cache works, but not as well as it could. */
  WARNING,
  /** The cache is failing at part of its job: a tier is down or entries are corrupt. */
  CRITICAL
}
