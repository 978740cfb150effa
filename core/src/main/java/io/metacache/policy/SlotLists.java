package io.metacache.policy;

import java.util.Arrays;

/**
 * Intrusive doubly linked lists over slots: every slot is in at most one list at a time, and the
 * links live in two int arrays indexed by slot, so moving a slot costs a few array writes and no
 * allocation. Lists are numbered; their heads (least recent) and tails (most recent) live in two
 * more int arrays, which grow for policies that open lists dynamically (LFU frequency buckets).
 * Which list a slot is in is the caller's business.
 */
final class SlotLists {

  /** The "no slot" link. */
  static final int NIL = -1;

  private int[] prev;
  private int[] next;
  private int[] head;
  private int[] tail;

  SlotLists(int slotCapacity, int listCapacity) {
    prev = new int[slotCapacity];
    next = new int[slotCapacity];
    head = new int[listCapacity];
    tail = new int[listCapacity];
    Arrays.fill(head, NIL);
    Arrays.fill(tail, NIL);
  }

  /** Grows the per-slot links to at least {@code capacity} slots. */
  void ensureSlotCapacity(int capacity) {
    if (capacity > prev.length) {
      prev = Arrays.copyOf(prev, capacity);
      next = Arrays.copyOf(next, capacity);
    }
  }

  /** Grows the list table to at least {@code capacity} lists; new lists are empty. */
  void ensureListCapacity(int capacity) {
    if (capacity > head.length) {
      int old = head.length;
      head = Arrays.copyOf(head, capacity);
      tail = Arrays.copyOf(tail, capacity);
      Arrays.fill(head, old, capacity, NIL);
      Arrays.fill(tail, old, capacity, NIL);
    }
  }

  /** The least recent slot of the list, or {@link #NIL}. */
  int head(int list) {
    return head[list];
  }

  boolean isEmpty(int list) {
    return head[list] == NIL;
  }

  /** The slot after {@code slot} towards the tail, or {@link #NIL}. */
  int next(int slot) {
    return next[slot];
  }

  /** Appends a slot that is in no list at the tail. */
  void addLast(int list, int slot) {
    int t = tail[list];
    prev[slot] = t;
    next[slot] = NIL;
    if (t == NIL) {
      head[list] = slot;
    } else {
      next[t] = slot;
    }
    tail[list] = slot;
  }

  /** Prepends a slot that is in no list at the head. */
  void addFirst(int list, int slot) {
    int h = head[list];
    prev[slot] = NIL;
    next[slot] = h;
    if (h == NIL) {
      tail[list] = slot;
    } else {
      prev[h] = slot;
    }
    head[list] = slot;
  }

  /** Unlinks a slot from the list it is in. */
  void remove(int list, int slot) {
    int p = prev[slot];
    int n = next[slot];
    if (p == NIL) {
      head[list] = n;
    } else {
      next[p] = n;
    }
    if (n == NIL) {
      tail[list] = p;
    } else {
      prev[n] = p;
    }
  }

  /** Moves a slot of the list to its tail. */
  void moveToLast(int list, int slot) {
    if (tail[list] != slot) {
      remove(list, slot);
      addLast(list, slot);
    }
  }

  /** Empties every list (the slot links become garbage). */
  void clear() {
    Arrays.fill(head, NIL);
    Arrays.fill(tail, NIL);
  }
}
