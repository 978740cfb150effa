package io.metacache.spi;

/** Receives stored entries one at a time from an enumeration ({@link EnumerableTier}). */
@FunctionalInterface
public interface EntryVisitor {

  /**
   * One stored entry: its key and its encoded bytes, owned by the visitor from now on. The bytes
   * are as stored: they may be expired or corrupt; the caller decodes and checks them.
   */
  void visit(long keyHigh, long keyLow, byte[] encodedEntry);
}
