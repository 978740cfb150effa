package io.metacache.tiers.disk;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.TreeSet;

/**
 * The in-memory index of the files on disk: key to file length and expires-at, kept in access order
 * (exact LRU: a lookup moves the key to the young end), plus an expiry order so a sweep touches only
 * expired entries.
 * Not thread-safe: the tier guards it with its lock.
 */
final class DiskIndex {

  /** One indexed file; replaced as a whole on overwrite. Its last access is its place in the LRU order. */
  static final class Node {
    final long keyHigh;
    final long keyLow;
    final long fileLength;
    final long expiresAtMillis;

    Node(long keyHigh, long keyLow, long fileLength, long expiresAtMillis) {
      this.keyHigh = keyHigh;
      this.keyLow = keyLow;
      this.fileLength = fileLength;
      this.expiresAtMillis = expiresAtMillis;
    }

    boolean expiredAt(long nowMillis) {
      return expiresAtMillis != 0 && expiresAtMillis <= nowMillis;
    }
  }

  private record Key(long high, long low) {}

  private static final Comparator<Node> EXPIRY_ORDER = Comparator
      .comparingLong((Node n) -> n.expiresAtMillis)
      .thenComparingLong(n -> n.keyHigh)
      .thenComparingLong(n -> n.keyLow);

  /** Access order: the eldest (first) is the least recently used. */
  private final LinkedHashMap<Key, Node> lru = new LinkedHashMap<>(1024, 0.75f, true);
  /** Nodes that can expire, soonest first. */
  private final TreeSet<Node> expiring = new TreeSet<>(EXPIRY_ORDER);
  private long bytes;

  /** The node for the key, marked most recently used; {@code null} if absent. */
  Node touch(long keyHigh, long keyLow) {
    return lru.get(new Key(keyHigh, keyLow));
  }

  /** Whether the key is held; does not count as a use. */
  boolean contains(long keyHigh, long keyLow) {
    return lru.containsKey(new Key(keyHigh, keyLow));
  }

  /** Adds or replaces the key's node, as most recently used; returns the one it replaced. */
  Node put(Node node) {
    Node old = lru.put(new Key(node.keyHigh, node.keyLow), node);
    if (old != null) {
      unaccount(old);
    }
    bytes += node.fileLength;
    if (node.expiresAtMillis != 0) {
      expiring.add(node);
    }
    return old;
  }

  /** Removes the key's node; returns it, or {@code null} if absent. */
  Node remove(long keyHigh, long keyLow) {
    Node old = lru.remove(new Key(keyHigh, keyLow));
    if (old != null) {
      unaccount(old);
    }
    return old;
  }

  /** Removes {@code node} only if it is still the key's current node. */
  boolean removeIfCurrent(Node node) {
    Key key = new Key(node.keyHigh, node.keyLow);
    if (lru.containsKey(key) && lru.get(key) == node) {
      lru.remove(key);
      unaccount(node);
      return true;
    }
    return false;
  }

  /** The least recently used node, or {@code null} when empty. */
  Node eldest() {
    Iterator<Node> it = lru.values().iterator();
    return it.hasNext() ? it.next() : null;
  }

  /** The node that expires soonest, or {@code null} if none can expire. */
  Node soonestExpiring() {
    return expiring.isEmpty() ? null : expiring.first();
  }

  /** Every node, least recently used first. */
  List<Node> nodes() {
    return new ArrayList<>(lru.values());
  }

  void clear() {
    lru.clear();
    expiring.clear();
    bytes = 0;
  }

  int size() {
    return lru.size();
  }

  long bytes() {
    return bytes;
  }

  private void unaccount(Node node) {
    bytes -= node.fileLength;
    if (node.expiresAtMillis != 0) {
      expiring.remove(node);
    }
  }
}
