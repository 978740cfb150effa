package io.metacache.policy;

import java.util.Arrays;

/**
 * Keys that recently left the cache, remembered by kind (two kinds) and only the most recent
 * {@code depth} of each: the "would a slightly larger region have kept it?" evidence for adapting
 * region sizes. Keys only, in a {@link KeyIndex} and two rings of primitive arrays; a key that
 * leaves again replaces its older record; no allocation once the arrays have grown.
 */
final class Ghosts {

  /** No record of the key. */
  static final int NONE = -1;

  private final KeyIndex index;
  private final int depth;
  private final int[][] ringSlot = new int[2][];
  private final long[][] ringSeq = new long[2][];
  private final int[] ringPos = new int[2];
  private long[] slotSeq;
  private byte[] slotKind;
  private long seq;

  Ghosts(int depth) {
    this.depth = Math.max(1, depth);
    this.index = new KeyIndex(Math.min(2 * this.depth, 1 << 16));
    for (int k = 0; k < 2; k++) {
      ringSlot[k] = new int[this.depth];
      ringSeq[k] = new long[this.depth];
      Arrays.fill(ringSlot[k], NONE);
    }
    slotSeq = new long[index.slotCapacity()];
    slotKind = new byte[index.slotCapacity()];
  }

  /** Records that the key with this hash left the cache as {@code kind} (0 or 1). */
  void add(long hash, long high, long low, int kind) {
    int slot = index.find(hash, high, low);
    if (slot == KeyIndex.NONE) {
      slot = index.insert(hash, high, low);
      if (index.slotCapacity() > slotSeq.length) {
        slotSeq = Arrays.copyOf(slotSeq, index.slotCapacity());
        slotKind = Arrays.copyOf(slotKind, index.slotCapacity());
      }
    }
    int pos = ringPos[kind];
    int old = ringSlot[kind][pos];
    if (old != NONE && slotSeq[old] == ringSeq[kind][pos]) {
      index.remove(old);
    }
    long s = ++seq;
    slotSeq[slot] = s;
    slotKind[slot] = (byte) kind;
    ringSlot[kind][pos] = slot;
    ringSeq[kind][pos] = s;
    ringPos[kind] = (pos + 1 == depth) ? 0 : pos + 1;
  }

  /** Removes the key's record and returns its kind, or {@link #NONE}. */
  int take(long hash, long high, long low) {
    int slot = index.find(hash, high, low);
    if (slot == KeyIndex.NONE) {
      return NONE;
    }
    int kind = slotKind[slot];
    slotSeq[slot] = 0;
    index.remove(slot);
    return kind;
  }

  void clear() {
    index.clear();
    for (int k = 0; k < 2; k++) {
      Arrays.fill(ringSlot[k], NONE);
      ringPos[k] = 0;
    }
  }
}
