package io.metacache.query;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.agrona.collections.IntArrayList;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.Object2IntHashMap;

/**
 * Which indexed paths contain a given three-character substring (a trigram), so that a path
 * regular expression is tested only against the paths holding every trigram of the literals it
 * requires (see {@link RegexLiterals}), as Google Code Search and PostgreSQL's {@code pg_trgm} do.
 *
 * <h2>Shape</h2>
 * Each distinct path gets a small int id (reused after the path leaves) and a count of the
 * documents that have it (one per profile). A trigram, its three UTF-16 chars packed into a long,
 * maps to a posting of path ids: a sorted {@code int[]} while it is short, a bitset over the id
 * space once the array would be the larger ({@code size > capacity / 32}, capacity being the
 * id table's length), back to an array below half that, so neither form costs much more than
 * twice the other and an insert into an array moves at most {@code capacity / 32} ints. No object
 * per (trigram, path) pair: memory is four to eight bytes per distinct trigram of each path, or an
 * eighth of a byte per id for a trigram common to many (100,000 benchmark paths of about 55
 * characters: 1,515 trigrams, 158 of them bitsets, about 6 MB of postings).
 *
 * <h2>Queries</h2>
 * {@link #candidates} takes one alternative's trigrams smallest posting first: from an array it
 * filters the ids by membership in each other posting; from a bitset (every posting large) it ANDs
 * the words and keeps the answer a bitset, counted but not listed until the planner wants it.
 * Alternatives are merged. Candidates are a superset of the matches; the caller runs the real
 * matcher on their paths.
 *
 * <h2>Concurrency</h2>
 * None of its own: {@link QueryIndex} changes it under its write lock and reads it under its read
 * lock, and reads only look up (no iterator, no shared scratch buffer), so concurrent readers are
 * safe.
 */
final class PathTrigramIndex {
  /** Characters in a gram. */
  static final int GRAM = 3;

  /** Below this many ids a posting stays an array whatever the id space. */
  private static final int MIN_BITSET = 64;

  private final Object2IntHashMap<String> ids = new Object2IntHashMap<>(-1);
  private final Long2ObjectHashMap<Posting> postings = new Long2ObjectHashMap<>();
  private final IntArrayList freeIds = new IntArrayList();
  private String[] paths = new String[64];
  private int[] documents = new int[64];
  private int nextId;

  /** A document with this path was indexed. */
  void add(String path) {
    int id = ids.getValue(path);
    if (id >= 0) {
      documents[id]++;
      return;
    }
    id = freeIds.isEmpty() ? newId() : freeIds.popInt();
    ids.put(path, id);
    paths[id] = path;
    documents[id] = 1;
    int capacity = paths.length;
    for (int k = 0; k + GRAM <= path.length(); k++) {
      long gram = gram(path, k);
      Posting p = postings.get(gram);
      if (p == null) {
        p = new Posting();
        postings.put(gram, p);
      }
      p.add(id, capacity);
    }
  }

  /** A document with this path was dropped. */
  void remove(String path) {
    int id = ids.getValue(path);
    if (id < 0 || --documents[id] > 0) {
      return;
    }
    ids.removeKey(path);
    paths[id] = null;
    freeIds.addInt(id);
    int capacity = paths.length;
    for (int k = 0; k + GRAM <= path.length(); k++) {
      long gram = gram(path, k);
      Posting p = postings.get(gram);
      if (p != null && p.remove(id, capacity) && p.size == 0) {
        postings.remove(gram);
      }
    }
  }

  /** Drops everything. */
  void clear() {
    ids.clear();
    postings.clear();
    freeIds.clear();
    paths = new String[64];
    documents = new int[64];
    nextId = 0;
  }

  /** Distinct paths indexed. */
  int paths() {
    return ids.size();
  }

  /** Distinct trigrams indexed. */
  int trigrams() {
    return postings.size();
  }

  /** The path of an id {@link #candidates} returned. */
  String path(int id) {
    return paths[id];
  }

  /**
   * An upper bound on how many paths {@link #candidates} would return for {@code anyOf} (the
   * smallest posting of each alternative, summed), found without intersecting anything.
   */
  long bound(List<List<String>> anyOf) {
    long bound = 0;
    for (List<String> literals : anyOf) {
      int smallest = Integer.MAX_VALUE;
      for (String literal : literals) {
        for (int k = 0; k + GRAM <= literal.length(); k++) {
          Posting p = postings.get(gram(literal, k));
          smallest = Math.min(smallest, p == null ? 0 : p.size);
        }
      }
      bound += smallest == Integer.MAX_VALUE ? ids.size() : smallest;
    }
    return bound;
  }

  /**
   * The paths that contain every trigram of every literal of at least one alternative of
   * {@code anyOf}. Literals shorter than {@value #GRAM} add no trigram.
   */
  Candidates candidates(List<List<String>> anyOf) {
    Candidates union = null;
    for (List<String> literals : anyOf) {
      Candidates branch = intersect(literals);
      union = union == null ? branch : union.or(branch);
    }
    return union == null ? new Candidates(new int[0], null) : union;
  }

  /**
   * Path ids from {@link #candidates}: a sorted array, or a bitset when they came from large
   * postings, so that the planner can count them before paying for a list.
   */
  static final class Candidates {
    private final int[] ids;
    private final long[] bits;
    private final int size;

    private Candidates(int[] ids, long[] bits) {
      this.ids = ids;
      this.bits = bits;
      this.size = ids != null ? ids.length : cardinality(bits);
    }

    /** How many. */
    int size() {
      return size;
    }

    /** The ids, ascending. */
    int[] toArray() {
      return ids != null ? ids : toIds(bits);
    }

    Candidates or(Candidates o) {
      if (ids != null && o.ids != null) {
        return new Candidates(merge(ids, o.ids), null);
      }
      long[] a = bits != null ? bits.clone() : toBits(ids, 0);
      long[] b = o.bits != null ? o.bits : toBits(o.ids, 0);
      if (b.length > a.length) {
        a = Arrays.copyOf(a, b.length);
      }
      for (int w = 0; w < b.length; w++) {
        a[w] |= b[w];
      }
      return new Candidates(null, a);
    }
  }

  // ---------------------------------------------------------------- internals

  private int newId() {
    if (nextId == paths.length) {
      paths = Arrays.copyOf(paths, paths.length * 2);
      documents = Arrays.copyOf(documents, documents.length * 2);
    }
    return nextId++;
  }

  static long gram(CharSequence s, int at) {
    return ((long) s.charAt(at) << 32) | ((long) s.charAt(at + 1) << 16) | s.charAt(at + 2);
  }

  private Candidates intersect(List<String> literals) {
    List<Posting> list = new ArrayList<>();
    for (String literal : literals) {
      for (int k = 0; k + GRAM <= literal.length(); k++) {
        Posting p = postings.get(gram(literal, k));
        if (p == null) {
          return new Candidates(new int[0], null);
        }
        if (!list.contains(p)) {
          list.add(p);
        }
      }
    }
    if (list.isEmpty()) {
      // no trigram, no condition: every path
      int[] all = new int[ids.size()];
      int n = 0;
      for (int id = 0; id < nextId; id++) {
        if (paths[id] != null) {
          all[n++] = id;
        }
      }
      return new Candidates(all, null);
    }
    list.sort(Comparator.comparingInt(p -> p.size));
    Posting first = list.get(0);
    int[] out;
    if (first.bits == null) {
      out = Arrays.copyOf(first.ids, first.size);
      list.remove(0);
    } else {
      // every posting is large: AND the bitsets, then filter by any array (a posting shrinking
      // back towards an array can be larger than a bitset one)
      long[] and = first.bits.clone();
      for (Posting p : list) {
        if (p.bits != null && p != first) {
          for (int w = 0; w < and.length; w++) {
            and[w] &= w < p.bits.length ? p.bits[w] : 0;
          }
        }
      }
      list.removeIf(p -> p.bits != null);
      if (list.isEmpty()) {
        return new Candidates(null, and);
      }
      out = toIds(and);
    }
    int n = out.length;
    for (int j = 0; j < list.size() && n > 0; j++) {
      n = list.get(j).retain(out, n);
    }
    return new Candidates(n == out.length ? out : Arrays.copyOf(out, n), null);
  }

  private static int cardinality(long[] bits) {
    int count = 0;
    for (long w : bits) {
      count += Long.bitCount(w);
    }
    return count;
  }

  private static long[] toBits(int[] ids, int words) {
    long[] b = new long[Math.max(words, ids.length == 0 ? 0 : (ids[ids.length - 1] >>> 6) + 1)];
    for (int id : ids) {
      b[id >>> 6] |= 1L << id;
    }
    return b;
  }

  private static int[] toIds(long[] bits) {
    int[] out = new int[cardinality(bits)];
    int n = 0;
    for (int w = 0; w < bits.length; w++) {
      for (long word = bits[w]; word != 0; word &= word - 1) {
        out[n++] = (w << 6) + Long.numberOfTrailingZeros(word);
      }
    }
    return out;
  }

  private static int[] merge(int[] a, int[] b) {
    int[] out = new int[a.length + b.length];
    int i = 0;
    int j = 0;
    int n = 0;
    while (i < a.length && j < b.length) {
      if (a[i] < b[j]) {
        out[n++] = a[i++];
      } else if (a[i] > b[j]) {
        out[n++] = b[j++];
      } else {
        out[n++] = a[i++];
        j++;
      }
    }
    while (i < a.length) {
      out[n++] = a[i++];
    }
    while (j < b.length) {
      out[n++] = b[j++];
    }
    return Arrays.copyOf(out, n);
  }

  /** The path ids holding one trigram: a sorted array, or a bitset when that is smaller. */
  private static final class Posting {
    int[] ids = new int[2];
    long[] bits;
    int size;

    boolean contains(int id) {
      if (bits != null) {
        int w = id >>> 6;
        return w < bits.length && (bits[w] & (1L << id)) != 0;
      }
      return Arrays.binarySearch(ids, 0, size, id) >= 0;
    }

    /**
     * Keeps in {@code out[0..n)}, sorted, the ids this posting holds; returns how many. Against an
     * array, one galloping pass: each search starts where the last one ended.
     */
    int retain(int[] out, int n) {
      int kept = 0;
      if (bits != null) {
        for (int k = 0; k < n; k++) {
          if (contains(out[k])) {
            out[kept++] = out[k];
          }
        }
        return kept;
      }
      int from = 0;
      for (int k = 0; k < n && from < size; k++) {
        int id = out[k];
        int to = from;
        for (int step = 1; to < size && ids[to] < id; step <<= 1) {
          from = to + 1;
          to += step;
        }
        int at = Arrays.binarySearch(ids, from, Math.min(to + 1, size), id);
        if (at >= 0) {
          out[kept++] = id;
          from = at + 1;
        } else {
          from = -at - 1;
        }
      }
      return kept;
    }

    void add(int id, int capacity) {
      if (bits != null) {
        int w = id >>> 6;
        if (w >= bits.length) {
          bits = Arrays.copyOf(bits, Math.max(w + 1, capacity >>> 6));
        }
        if ((bits[w] & (1L << id)) == 0) {
          bits[w] |= 1L << id;
          size++;
        }
        return;
      }
      int at = Arrays.binarySearch(ids, 0, size, id);
      if (at >= 0) {
        return;
      }
      at = -at - 1;
      if (size == ids.length) {
        ids = Arrays.copyOf(ids, size * 2);
      }
      System.arraycopy(ids, at, ids, at + 1, size - at);
      ids[at] = id;
      size++;
      if (size > Math.max(MIN_BITSET, capacity >>> 5)) {
        bits = toBits(Arrays.copyOf(ids, size), (capacity + 63) >>> 6);
        ids = null;
      }
    }

    /** Whether the id was there. */
    boolean remove(int id, int capacity) {
      if (bits != null) {
        int w = id >>> 6;
        if (w >= bits.length || (bits[w] & (1L << id)) == 0) {
          return false;
        }
        bits[w] &= ~(1L << id);
        size--;
        if (size < Math.max(MIN_BITSET, capacity >>> 5) / 2) {
          ids = Arrays.copyOf(toIds(bits), Math.max(2, size * 2));
          bits = null;
        }
        return true;
      }
      int at = Arrays.binarySearch(ids, 0, size, id);
      if (at < 0) {
        return false;
      }
      System.arraycopy(ids, at + 1, ids, at, size - at - 1);
      size--;
      return true;
    }
  }
}
