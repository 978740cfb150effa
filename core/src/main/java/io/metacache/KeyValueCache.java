package io.metacache;

import io.metacache.codec.CacheEntry;
import io.metacache.key.CacheKey;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A generic key/value cache over the same tiers as the file cache ({@link MetaCache#keyValue()}).
 *
 * <h2>Storage</h2>
 * A value is stored as an ordinary entry: key {@link CacheKey#ofName} of the string key (a domain
 * of its own, so it never collides with a file key), path = the string key, profile
 * {@value #PROFILE}, metadata {@code {"value": <value>}}, size and mtime 0. It therefore goes to
 * memory at once and through the write-behind pipeline to every lower tier, is read through the
 * same tiers with promotion, and is seen at once by the process that wrote it. Values are
 * JSON-like (String, Boolean, Long, Double, byte[], List, Map with String keys); integers come
 * back as {@code Long}, floats as {@code Double}. Key/value entries are not in the query indexes.
 *
 * <h2>Time to live</h2>
 * {@code set(key, value)} and {@link #memoize(Namespace, Function)} take the TTL of the key's
 * operation: {@code metacache.ttl.<namespace with . for :>}, the longest prefix that is set, else
 * {@code metacache.ttl}. A zero TTL never expires.
 *
 * <h2>Patterns</h2>
 * {@link #invalidatePattern} walks every entry held in memory and in each lower tier that can be
 * walked (SQLite, disk), after flushing pending writes: O(entries cached), meant for occasional
 * maintenance, not per request. Keys only in Redis (written by another process) are not seen;
 * their deletion reaches Redis when found in any walked tier.
 *
 * <h2>Memoizing</h2>
 * {@link #memoize} wraps a function: the key is the namespace plus a hash of the argument; a hit
 * returns the cached result; concurrent misses on one key share one call (single flight); an
 * exception reaches every waiting caller and nothing is cached; a {@code null} result is returned
 * but not cached.
 */
public final class KeyValueCache {
  /** The profile of key/value entries. */
  public static final String PROFILE = "kv";
  /** The metadata key holding the value. */
  static final String VALUE = "value";

  private final NamedEntries entries;
  private final ConcurrentHashMap<String, CompletableFuture<Object>> inFlight = new ConcurrentHashMap<>();

  KeyValueCache(NamedEntries entries) {
    this.entries = entries;
  }

  /** The key/value API of {@code cache}; the same as {@link MetaCache#keyValue()}. */
  public static KeyValueCache of(MetaCache cache) {
    return Objects.requireNonNull(cache, "cache").keyValue();
  }

  /** Stores {@code value} under {@code key} with the key's operation TTL. */
  public void set(String key, Object value) {
    set(key, value, entries.operationTtls().forKey(checkKey(key)));
  }

  /** Stores {@code value} under {@code key}; a zero {@code ttl} never expires. */
  public void set(String key, Object value, Duration ttl) {
    store(key, value, ttl);
  }

  /** The value under {@code key}, if any tier holds an unexpired one. */
  public Optional<Object> get(String key) {
    CacheEntry entry = entries.get(CacheKey.ofName(checkKey(key)));
    return entry == null ? Optional.empty() : Optional.ofNullable(entry.metadata().get(VALUE));
  }

  /**
   * The value under {@code key} as {@code type}.
   *
   * @throws ClassCastException if the value is of another type
   */
  public <T> Optional<T> get(String key, Class<T> type) {
    return get(key).map(type::cast);
  }

  /** Whether any tier holds an unexpired value under {@code key}. */
  public boolean exists(String key) {
    return entries.get(CacheKey.ofName(checkKey(key))) != null;
  }

  /** Removes {@code key} from every tier; returns whether a value was held. */
  public boolean delete(String key) {
    CacheKey k = CacheKey.ofName(checkKey(key));
    boolean held = entries.get(k) != null;
    entries.remove(k.high(), k.low());
    return held;
  }

  /**
   * The time {@code key} has left: empty if absent, {@link ChronoUnit#FOREVER}'s duration if it
   * never expires.
   */
  public Optional<Duration> ttl(String key) {
    CacheEntry entry = entries.get(CacheKey.ofName(checkKey(key)));
    if (entry == null) {
      return Optional.empty();
    }
    if (entry.expiresAtMillis() == 0) {
      return Optional.of(ChronoUnit.FOREVER.getDuration());
    }
    return Optional.of(Duration.ofMillis(Math.max(0, entry.expiresAtMillis() - entries.nowMillis())));
  }

  /** The TTL {@code set(key, value)} would use: the key's operation TTL ({@code metacache.ttl.<operation>}). */
  public Duration ttlFor(String key) {
    return entries.operationTtls().forKey(checkKey(key));
  }

  /**
   * Removes every key matching {@code glob} ({@code *} any characters, {@code ?} one, {@code \}
   * escapes) from every tier; returns how many keys it removed. Walks the whole cache (see the
   * class comment for the cost).
   */
  public int invalidatePattern(String glob) {
    Pattern pattern = Glob.compile(glob);
    return entries.removeWhere(e -> PROFILE.equals(e.profile()) && pattern.matcher(e.path()).matches());
  }

  /** {@link #memoize(Namespace, Function, Duration)} with the namespace's operation TTL. */
  public <A, R> Function<A, R> memoize(Namespace namespace, Function<? super A, ? extends R> function) {
    Objects.requireNonNull(namespace, "namespace");
    return memoize(namespace, function, entries.operationTtls().forOperation(namespace.operation())
        .orElse(entries.operationTtls().defaultTtl()));
  }

  /**
   * A function that caches {@code function}'s results under {@code namespace:<hash of argument>}
   * for {@code ttl}. The argument must be JSON-like (wrap several in a {@code List}); so must the
   * result. A cached result comes back in stored form (integers as {@code Long}), and so does a
   * freshly computed one, so every call returns the same types.
   */
  public <A, R> Function<A, R> memoize(Namespace namespace, Function<? super A, ? extends R> function, Duration ttl) {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(function, "function");
    checkTtl(ttl);
    return argument -> {
      String key = namespace.keyFor(argument);
      @SuppressWarnings("unchecked")
      R result = (R) computeIfAbsent(key, () -> function.apply(argument), ttl);
      return result;
    };
  }

  // ---------------------------------------------------------------- internals

  private Object computeIfAbsent(String key, java.util.function.Supplier<Object> compute, Duration ttl) {
    Optional<Object> hit = get(key);
    if (hit.isPresent()) {
      return hit.get();
    }
    CompletableFuture<Object> mine = new CompletableFuture<>();
    CompletableFuture<Object> shared = inFlight.putIfAbsent(key, mine);
    if (shared != null) {
      return await(shared);
    }
    try {
      // A flight that finished between our miss and our registration has stored its result.
      Optional<Object> late = get(key);
      Object value;
      if (late.isPresent()) {
        value = late.get();
      } else {
        value = compute.get();
        if (value != null) {
          value = store(key, value, ttl);
        }
      }
      mine.complete(value);
      return value;
    } catch (RuntimeException | Error e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      inFlight.remove(key, mine);
    }
  }

  private static Object await(CompletableFuture<Object> shared) {
    try {
      return shared.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a memoized call", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw new IllegalStateException(cause);
    }
  }

  /** Stores and returns the value in stored form. */
  private Object store(String key, Object value, Duration ttl) {
    Objects.requireNonNull(value, "value (null values are not stored; use delete)");
    checkTtl(ttl);
    CacheEntry entry = entries.put(CacheKey.ofName(checkKey(key)), key, Map.of(VALUE, value), ttl);
    return entry.metadata().get(VALUE);
  }

  private static String checkKey(String key) {
    Objects.requireNonNull(key, "key");
    if (key.isEmpty()) {
      throw new IllegalArgumentException("key must not be empty");
    }
    return key;
  }

  private static void checkTtl(Duration ttl) {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative()) {
      throw new IllegalArgumentException("ttl: expected zero (never expire) or a positive duration, got " + ttl);
    }
  }
}
