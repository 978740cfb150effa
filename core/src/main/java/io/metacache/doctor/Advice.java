package io.metacache.doctor;

import java.util.Objects;

/**
 * A change worth making, with the figure behind it.
 *
 * @param code a stable name: {@code RAISE_MEMORY_MAX_ENTRIES}, {@code RAISE_MEMORY_MAX_BYTES},
 *     {@code COMPRESSION_LOW_SAVINGS}, {@code RAISE_BATCH_SIZE} or {@code SWITCH_POLICY}
 * @param property the configuration property to change, or null
 * @param text one or two sentences for a person: what to do and why
 * @param evidence the figures the advice rests on
 */
public record Advice(String code, String property, String text, String evidence) {

  /** Checks that every required part is present. */
  public Advice {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(evidence, "evidence");
  }
}
