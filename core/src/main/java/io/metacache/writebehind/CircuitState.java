package io.metacache.writebehind;

/** State of a tier's circuit breaker, as health checks report it. */
public enum CircuitState {
  /** Writes flow to the tier. */
  CLOSED,
  /** The tier kept failing: writes are parked in its backlog until the wait is over. */
  OPEN,
  /** Probing: one trial call decides between {@link #CLOSED} and {@link #OPEN}. */
  HALF_OPEN
}
