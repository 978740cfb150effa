package io.metacache.policy;

/**
 * Sorts nodes by stamp: heapsort over a pair of parallel primitive arrays, in place, no
 * allocation, O(n log n) whatever the input. The stamps of one sort are distinct.
 */
final class StampSort {

  private StampSort() {}

  /** Orders {@code stamps[0..count)} ascending, moving {@code nodes} along with them. */
  static void sort(long[] stamps, int[] nodes, int count) {
    for (int i = count / 2 - 1; i >= 0; i--) {
      siftDown(stamps, nodes, i, count);
    }
    for (int end = count - 1; end > 0; end--) {
      swap(stamps, nodes, 0, end);
      siftDown(stamps, nodes, 0, end);
    }
  }

  private static void siftDown(long[] stamps, int[] nodes, int root, int count) {
    long stamp = stamps[root];
    int node = nodes[root];
    int i = root;
    while (true) {
      int child = 2 * i + 1;
      if (child >= count) {
        break;
      }
      if (child + 1 < count && stamps[child + 1] > stamps[child]) {
        child++;
      }
      if (stamps[child] <= stamp) {
        break;
      }
      stamps[i] = stamps[child];
      nodes[i] = nodes[child];
      i = child;
    }
    stamps[i] = stamp;
    nodes[i] = node;
  }

  private static void swap(long[] stamps, int[] nodes, int a, int b) {
    long s = stamps[a];
    stamps[a] = stamps[b];
    stamps[b] = s;
    int n = nodes[a];
    nodes[a] = nodes[b];
    nodes[b] = n;
  }
}
