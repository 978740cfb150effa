package io.metacache;

import io.metacache.spi.Keys;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A key namespace for the key/value API, such as {@code document:parse}: one or more segments of
 * {@code [A-Za-z0-9_-]} joined by {@code :}. Keys in it are {@code document:parse:<id>}; keys of
 * memoized calls use a hash of the arguments as the id ({@link #keyFor(Object)}); the namespace's
 * TTL is {@code metacache.ttl.document.parse} (see {@link KeyValueCache}).
 */
public final class Namespace {
  private final List<String> segments;
  private final String prefix;

  private Namespace(List<String> segments) {
    this.segments = List.copyOf(segments);
    this.prefix = String.join(":", segments) + ":";
  }

  /**
   * A namespace of the given segments.
   *
   * @throws IllegalArgumentException if there are none or one is not {@code [A-Za-z0-9_-]+}
   */
  public static Namespace of(String... segments) {
    Objects.requireNonNull(segments, "segments");
    if (segments.length == 0) {
      throw new IllegalArgumentException("a namespace needs at least one segment");
    }
    for (String s : segments) {
      if (!isSegment(s)) {
        throw new IllegalArgumentException("namespace segment '" + s + "': expected 1-64 characters of [A-Za-z0-9_-]");
      }
    }
    return new Namespace(Arrays.asList(segments));
  }

  /** Parses {@code document:parse}. */
  public static Namespace parse(String namespace) {
    Objects.requireNonNull(namespace, "namespace");
    return of(namespace.split(":", -1));
  }

  /** This namespace with one more segment. */
  public Namespace child(String segment) {
    List<String> more = new ArrayList<>(segments);
    more.add(segment);
    return of(more.toArray(new String[0]));
  }

  /** {@code <namespace>:<id>}; the id may hold any characters, {@code :} included. */
  public String key(String id) {
    Objects.requireNonNull(id, "id");
    if (id.isEmpty()) {
      throw new IllegalArgumentException("id must not be empty");
    }
    return prefix + id;
  }

  /**
   * {@code <namespace>:<32 hex digits>}: XXH3-128 of the canonical form of {@code arguments}, a
   * JSON-like value (String, Number, Boolean, null, byte[], List, Map with String keys). Map keys
   * are sorted first, so equal arguments give equal keys whatever their map order.
   *
   * @throws IllegalArgumentException if the arguments are not JSON-like
   */
  public String keyFor(Object arguments) {
    long[] h = ArgumentHash.of(arguments);
    return prefix + Keys.hex(h[0], h[1]);
  }

  /** The glob matching every key of this namespace: {@code document:parse:*}. */
  public String pattern() {
    return prefix + "*";
  }

  /** The operation name of the TTL property: segments joined by {@code .}. */
  public String operation() {
    return String.join(".", segments);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Namespace && ((Namespace) o).segments.equals(segments);
  }

  @Override
  public int hashCode() {
    return segments.hashCode();
  }

  @Override
  public String toString() {
    return String.join(":", segments);
  }

  static boolean isSegment(String s) {
    if (s == null || s.isEmpty() || s.length() > 64) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-')) {
        return false;
      }
    }
    return true;
  }
}
