package io.metacache.query;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.regex.Matcher;

/**
 * Secondary indexes over cached entries: by language, function, class and referenced document,
 * plus every entry in path order and the trigrams of every path for path patterns.
 *
 * <h2>Shape</h2>
 * One document per (path, profile), the latest written: a file re-cached after a change replaces
 * its old document even though its key (a content hash) changed. Each key maps back to the
 * documents it backs (identical files share a key), so a removal by key, which is all that
 * invalidation, eviction and remote messages carry, finds them. Postings are sorted maps from a
 * document's reference to the document itself, and the documents a sorted map, so a query walks
 * its smallest posting in result order, reading each document without a lookup, and stops at the
 * limit: the cost is that posting's length in the worst case, the limit in the best. (A posting
 * that held references only would cost a lookup in the documents per candidate, O(log n) path
 * comparisons, for the same memory: a {@code TreeSet} is a {@code TreeMap} inside.) A path
 * pattern reuses one {@link Matcher} per query.
 *
 * <h2>Path patterns</h2>
 * A {@link PathTrigramIndex} keeps, for each trigram, the paths that contain it. When literals
 * that every match must contain can be read out of the pattern ({@link RegexLiterals}), the paths
 * holding all their trigrams are the candidates: the pattern is run on those alone, the survivors
 * sorted, and their documents read in order. The planner weighs that against the in-order walk of
 * the smallest term posting (or of every document): the walk stops at the limit, so with {@code k}
 * candidates among {@code n} documents it is expected to read about {@code limit * n / k} of them,
 * and a candidate is counted {@value #CANDIDATE_COST} walk steps (a sort and a lookup besides the
 * match). A pattern with no such literal, or case-insensitive, is walked as before: the same
 * results, at the cost of a full scan.
 *
 * <h2>Expiry</h2>
 * Each document keeps its entry's expires-at; queries skip expired documents, and a min-heap of
 * expiry times lets {@link #purgeExpired} drop them in O(due log n).
 *
 * <h2>Concurrency</h2>
 * A read-write lock: queries share it, changes take it exclusively. Changes are a few map
 * operations per indexed term, and one posting update per trigram of a path that joins or leaves
 * the index (not of one replaced under the same path). Queries only read, the path trigrams
 * included, so they can share the lock.
 */
public final class QueryIndex {
  /** What one trigram candidate costs in steps of an in-order walk (see the class comment). */
  static final int CANDIDATE_COST = 2;

  private record Ref(String path, String profile) implements Comparable<Ref> {
    @Override
    public int compareTo(Ref o) {
      int c = path.compareTo(o.path);
      return c != 0 ? c : profile.compareTo(o.profile);
    }
  }

  private record Key(long high, long low) {}

  private record Doc(Key key, IndexedEntry entry) {}

  private record Expiry(long at, Ref ref, Key key) {}

  private static final NavigableMap<Ref, Doc> EMPTY = Collections.emptyNavigableMap();

  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final NavigableMap<Ref, Doc> docs = new TreeMap<>();
  private final Map<Key, List<Ref>> byKey = new HashMap<>();
  private final Map<String, NavigableMap<Ref, Doc>> byLanguage = new HashMap<>();
  private final Map<String, NavigableMap<Ref, Doc>> byFunction = new HashMap<>();
  private final Map<String, NavigableMap<Ref, Doc>> byClass = new HashMap<>();
  private final Map<String, NavigableMap<Ref, Doc>> byDoc = new HashMap<>();
  private final PriorityQueue<Expiry> expiries = new PriorityQueue<>(Comparator.comparingLong(Expiry::at));
  private final PathTrigramIndex trigrams = new PathTrigramIndex();

  /**
   * Indexes the entry stored under the key. It replaces the document of the same path and profile
   * unless that one was cached later ({@code cachedAtMillis}), which a rebuild from an older copy
   * must not undo.
   */
  public void stored(long keyHigh, long keyLow, IndexedEntry entry) {
    Ref ref = new Ref(entry.path(), entry.profile());
    Key key = new Key(keyHigh, keyLow);
    lock.writeLock().lock();
    try {
      Doc old = docs.get(ref);
      if (old != null && old.entry.cachedAtMillis() > entry.cachedAtMillis()) {
        return;
      }
      // counted before the old document goes, so that a replacement keeps the path's trigrams
      trigrams.add(entry.path());
      if (old != null) {
        unindex(ref, old);
      }
      Doc doc = new Doc(key, entry);
      docs.put(ref, doc);
      byKey.computeIfAbsent(key, k -> new ArrayList<>(1)).add(ref);
      if (entry.language() != null) {
        post(byLanguage, entry.language(), ref, doc);
      }
      for (String f : entry.functions()) {
        post(byFunction, f, ref, doc);
      }
      for (String c : entry.classes()) {
        post(byClass, c, ref, doc);
      }
      for (String d : entry.referencedDocs()) {
        post(byDoc, d, ref, doc);
      }
      if (entry.expiresAtMillis() != 0) {
        expiries.add(new Expiry(entry.expiresAtMillis(), ref, key));
        if (expiries.size() > 2 * docs.size() + 1024) {
          compactExpiries();
        }
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Drops every document backed by the key; returns how many. */
  public int removed(long keyHigh, long keyLow) {
    lock.writeLock().lock();
    try {
      List<Ref> refs = byKey.get(new Key(keyHigh, keyLow));
      if (refs == null) {
        return 0;
      }
      int n = 0;
      for (Ref ref : List.copyOf(refs)) {
        Doc doc = docs.get(ref);
        if (doc != null && doc.key.high() == keyHigh && doc.key.low() == keyLow) {
          unindex(ref, doc);
          n++;
        }
      }
      return n;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Drops everything. */
  public void clear() {
    lock.writeLock().lock();
    try {
      docs.clear();
      byKey.clear();
      byLanguage.clear();
      byFunction.clear();
      byClass.clear();
      byDoc.clear();
      expiries.clear();
      trigrams.clear();
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Drops the documents whose entries expired at or before {@code nowMillis}; returns how many. */
  public int purgeExpired(long nowMillis) {
    lock.readLock().lock();
    try {
      Expiry head = expiries.peek();
      if (head == null || head.at > nowMillis) {
        return 0;
      }
    } finally {
      lock.readLock().unlock();
    }
    lock.writeLock().lock();
    try {
      int n = 0;
      while (!expiries.isEmpty() && expiries.peek().at <= nowMillis) {
        Expiry e = expiries.poll();
        Doc doc = docs.get(e.ref);
        if (doc != null && doc.key.equals(e.key) && doc.entry.expiresAtMillis() == e.at) {
          unindex(e.ref, doc);
          n++;
        }
      }
      return n;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** The unexpired entries matching {@code query}, sorted by path then profile, at most its limit. */
  public List<IndexedEntry> query(MetadataQuery query, long nowMillis) {
    purgeExpired(nowMillis);
    lock.readLock().lock();
    try {
      NavigableMap<Ref, Doc> posting = smallestPosting(query);
      Collection<Doc> walk = (posting != null ? posting : docs).values();
      Matcher pathMatcher = query.pathPattern().map(p -> p.matcher("")).orElse(null);
      int[] paths = pathCandidates(query, walk.size());
      if (paths != null) {
        return fromPaths(paths, query, pathMatcher, nowMillis);
      }
      List<IndexedEntry> out = new ArrayList<>(Math.min(query.limit(), 64));
      for (Doc doc : walk) {
        IndexedEntry e = doc.entry;
        if (!e.isExpired(nowMillis) && query.matches(e, pathMatcher)) {
          out.add(e);
          if (out.size() >= query.limit()) {
            break;
          }
        }
      }
      return out;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Documents indexed now, expired ones not yet purged included. */
  public int size() {
    lock.readLock().lock();
    try {
      return docs.size();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Distinct paths in the path trigram index: one per path with a document indexed (for tests). */
  int trigramPaths() {
    lock.readLock().lock();
    try {
      return trigrams.paths();
    } finally {
      lock.readLock().unlock();
    }
  }

  // ---------------------------------------------------------------- internals

  /**
   * The ids of the paths that may match the query's path pattern, when reading those and their
   * documents is expected to be cheaper than an in-order walk of {@code walk} documents; else null.
   */
  private int[] pathCandidates(MetadataQuery q, int walk) {
    List<List<String>> literals = q.pathLiterals();
    if (literals.isEmpty() || walk == 0 || trigrams.bound(literals) >= walk) {
      return null;
    }
    PathTrigramIndex.Candidates candidates = trigrams.candidates(literals);
    int k = candidates.size();
    long steps = q.limit() >= walk ? walk : Math.min(walk, (long) q.limit() * docs.size() / Math.max(k, 1));
    return (long) CANDIDATE_COST * k < steps ? candidates.toArray() : null;
  }

  /** The answer from the candidate paths: those the pattern finds, in order, with their documents. */
  private List<IndexedEntry> fromPaths(int[] ids, MetadataQuery q, Matcher pathMatcher, long nowMillis) {
    List<String> hits = new ArrayList<>();
    for (int id : ids) {
      String path = trigrams.path(id);
      if (pathMatcher.reset(path).find()) {
        hits.add(path);
      }
    }
    Collections.sort(hits); // the documents' order: by path, then profile
    List<IndexedEntry> out = new ArrayList<>(Math.min(q.limit(), 64));
    for (String path : hits) {
      // the path's documents, one per profile, from the first: one descent, then successors
      for (Map.Entry<Ref, Doc> e : docs.tailMap(new Ref(path, ""), true).entrySet()) {
        if (!e.getKey().path.equals(path)) {
          break;
        }
        IndexedEntry entry = e.getValue().entry;
        if (!entry.isExpired(nowMillis) && q.matchesTerms(entry)) {
          out.add(entry);
          if (out.size() >= q.limit()) {
            return out;
          }
        }
      }
    }
    return out;
  }

  /** The shortest posting among the query's terms; an empty set if a term has none; null if no terms. */
  private NavigableMap<Ref, Doc> smallestPosting(MetadataQuery q) {
    NavigableMap<Ref, Doc> best = null;
    best = smaller(best, q.language().map(v -> posting(byLanguage, v)).orElse(null));
    best = smaller(best, q.function().map(v -> posting(byFunction, v)).orElse(null));
    best = smaller(best, q.className().map(v -> posting(byClass, v)).orElse(null));
    best = smaller(best, q.referencedDoc().map(v -> posting(byDoc, v)).orElse(null));
    return best;
  }

  private static NavigableMap<Ref, Doc> smaller(NavigableMap<Ref, Doc> a, NavigableMap<Ref, Doc> b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return b.size() < a.size() ? b : a;
  }

  private static NavigableMap<Ref, Doc> posting(Map<String, NavigableMap<Ref, Doc>> index, String term) {
    NavigableMap<Ref, Doc> refs = index.get(term);
    return refs != null ? refs : EMPTY;
  }

  private static void post(Map<String, NavigableMap<Ref, Doc>> index, String term, Ref ref, Doc doc) {
    index.computeIfAbsent(term, t -> new TreeMap<>()).put(ref, doc);
  }

  private static void unpost(Map<String, NavigableMap<Ref, Doc>> index, String term, Ref ref) {
    NavigableMap<Ref, Doc> refs = index.get(term);
    if (refs != null && refs.remove(ref) != null && refs.isEmpty()) {
      index.remove(term);
    }
  }

  private void unindex(Ref ref, Doc doc) {
    docs.remove(ref);
    trigrams.remove(ref.path);
    List<Ref> refs = byKey.get(doc.key);
    if (refs != null && refs.remove(ref) && refs.isEmpty()) {
      byKey.remove(doc.key);
    }
    IndexedEntry e = doc.entry;
    if (e.language() != null) {
      unpost(byLanguage, e.language(), ref);
    }
    for (String f : e.functions()) {
      unpost(byFunction, f, ref);
    }
    for (String c : e.classes()) {
      unpost(byClass, c, ref);
    }
    for (String d : e.referencedDocs()) {
      unpost(byDoc, d, ref);
    }
  }

  private void compactExpiries() {
    expiries.clear();
    for (Map.Entry<Ref, Doc> e : docs.entrySet()) {
      long at = e.getValue().entry.expiresAtMillis();
      if (at != 0) {
        expiries.add(new Expiry(at, e.getKey(), e.getValue().key));
      }
    }
  }
}
