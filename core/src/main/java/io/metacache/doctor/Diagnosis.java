package io.metacache.doctor;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What the doctor found over one window.
 *
 * @param window the time between the two samples compared ({@link Duration#ZERO} when there was
 *     only one: rates and drops are then not judged)
 * @param alerts thresholds crossed, the most severe first
 * @param advice changes worth making
 */
public record Diagnosis(Duration window, List<Alert> alerts, List<Advice> advice) {

  /** Copies the lists. */
  public Diagnosis {
    Objects.requireNonNull(window, "window");
    alerts = List.copyOf(alerts);
    advice = List.copyOf(advice);
  }

  /** Whether no alert was raised. */
  public boolean healthy() {
    return alerts.isEmpty();
  }

  /** Whether any alert is {@link Severity#CRITICAL}. */
  public boolean critical() {
    return alerts.stream().anyMatch(a -> a.severity() == Severity.CRITICAL);
  }

  /** The alerts of one kind. */
  public List<Alert> alerts(AlertKind kind) {
    return alerts.stream().filter(a -> a.kind() == kind).toList();
  }

  /** The report as plain text: one line per alert and per advice, or a line saying all is well. */
  public String toText() {
    StringBuilder sb = new StringBuilder();
    if (alerts.isEmpty()) {
      sb.append("No alerts");
      if (!window.isZero()) {
        sb.append(" over the last ").append(Durations.describe(window));
      }
      sb.append(".\n");
    }
    for (Alert a : alerts) {
      sb.append(a.severity()).append(' ').append(a.kind()).append(" (").append(a.subject()).append("): ")
          .append(a.message()).append('\n');
    }
    for (Advice a : advice) {
      sb.append("ADVICE ").append(a.code()).append(": ").append(a.text()).append(" (").append(a.evidence())
          .append(")\n");
    }
    return sb.toString();
  }
}
