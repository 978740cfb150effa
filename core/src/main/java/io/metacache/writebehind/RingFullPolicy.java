package io.metacache.writebehind;

/** What a write does when the write-behind ring has no free slot. */
public enum RingFullPolicy {
  /** Wait for a free slot: the ring's backpressure reaches the caller. The default. */
  BLOCK,
  /** Discard the write and count it; lower tiers miss it, the memory tier still has it. */
  DROP,
  /** Apply the write to every lower tier synchronously on the caller's thread. */
  WRITE_THROUGH;

  /** The policy named {@code block}, {@code drop} or {@code write-through} (case-insensitive). */
  public static RingFullPolicy parse(String property, String value) {
    switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "block": return BLOCK;
      case "drop": return DROP;
      case "write-through": return WRITE_THROUGH;
      default: throw io.metacache.config.ConfigValues.invalid(property, value, "block, drop or write-through");
    }
  }
}
