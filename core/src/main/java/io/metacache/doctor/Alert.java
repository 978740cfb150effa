package io.metacache.doctor;

import java.util.Objects;

/**
 * One threshold crossed.
 *
 * @param kind what the alert is about
 * @param severity how urgent it is
 * @param subject the tier it concerns, or {@code "cache"}
 * @param message one sentence for a person, with the figures
 * @param value the measured figure
 * @param threshold the bound it crossed
 */
public record Alert(AlertKind kind, Severity severity, String subject, String message, double value, double threshold) {

  /** Checks that every part is present. */
  public Alert {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(message, "message");
  }
}
