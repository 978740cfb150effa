package io.metacache.codec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks and copies JSON-like metadata.
 *
 * <p>Accepted values: {@code null}, {@link Boolean}, {@link Long} (and {@link Integer},
 * {@link Short}, {@link Byte}, widened to {@code Long}), {@link Double} (and {@link Float},
 * widened to {@code Double}), {@link String} (well-formed UTF-16, so it has a UTF-8 form),
 * {@code byte[]}, {@link List} and {@link Map} with {@code String} keys, nested at most
 * {@link EntryLayout#MAX_NESTING_DEPTH} levels. Anything else is refused with an
 * {@link IllegalArgumentException} that names the key path (e.g. {@code exif.thumbnail[3]}) and
 * the offending type.
 */
public final class MetadataValidator {
  private MetadataValidator() {}

  /**
   * Returns an unmodifiable deep copy of {@code metadata} with numbers widened, preserving map
   * order. {@code byte[]} values are copied; callers must not modify the arrays they read back.
   *
   * @throws IllegalArgumentException if any value is not JSON-like
   */
  public static Map<String, Object> copyOf(Map<?, ?> metadata) {
    if (metadata == null) {
      throw new IllegalArgumentException("metadata must not be null (use an empty map)");
    }
    return copyMap(metadata, new StringBuilder(), 1);
  }

  /**
   * Checks {@code metadata} without keeping the copy.
   *
   * @throws IllegalArgumentException if any value is not JSON-like
   */
  public static void validate(Map<?, ?> metadata) {
    copyOf(metadata);
  }

  private static Map<String, Object> copyMap(Map<?, ?> map, StringBuilder path, int depth) {
    checkDepth(path, depth);
    Map<String, Object> copy = new LinkedHashMap<>(capacityFor(map.size()));
    int mark = path.length();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      Object key = e.getKey();
      if (!(key instanceof String)) {
        throw new IllegalArgumentException("metadata key at '" + display(path)
            + "' must be a String, not " + typeName(key));
      }
      String k = (String) key;
      if (mark > 0) {
        path.append('.');
      }
      path.append(k);
      checkString(k, path, "key");
      copy.put(k, copyValue(e.getValue(), path, depth));
      path.setLength(mark);
    }
    return Collections.unmodifiableMap(copy);
  }

  private static List<Object> copyList(List<?> list, StringBuilder path, int depth) {
    checkDepth(path, depth);
    List<Object> copy = new ArrayList<>(list.size());
    int mark = path.length();
    int i = 0;
    for (Object v : list) {
      path.append('[').append(i++).append(']');
      copy.add(copyValue(v, path, depth));
      path.setLength(mark);
    }
    return Collections.unmodifiableList(copy);
  }

  private static Object copyValue(Object v, StringBuilder path, int depth) {
    if (v == null || v instanceof Boolean || v instanceof Long || v instanceof Double) {
      return v;
    }
    if (v instanceof String) {
      checkString((String) v, path, "value");
      return v;
    }
    if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof Float) {
      return ((Float) v).doubleValue();
    }
    if (v instanceof byte[]) {
      return ((byte[]) v).clone();
    }
    if (v instanceof Map) {
      return copyMap((Map<?, ?>) v, path, depth + 1);
    }
    if (v instanceof List) {
      return copyList((List<?>) v, path, depth + 1);
    }
    throw new IllegalArgumentException("metadata value at '" + display(path)
        + "' has unsupported type " + typeName(v)
        + " (allowed: null, Boolean, Long/Integer/Short/Byte, Double/Float, String, byte[],"
        + " List, Map<String, ?>)");
  }

  private static void checkDepth(StringBuilder path, int depth) {
    if (depth > EntryLayout.MAX_NESTING_DEPTH) {
      throw new IllegalArgumentException("metadata at '" + display(path)
          + "' is nested deeper than " + EntryLayout.MAX_NESTING_DEPTH
          + " levels (or is cyclic)");
    }
  }

  // A lone surrogate has no UTF-8 form; refusing it keeps decode(encode(x)) equal to x.
  private static void checkString(String s, StringBuilder path, String what) {
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          throw new IllegalArgumentException("metadata " + what + " at '" + display(path)
              + "' is a String with an unpaired surrogate at index " + i
              + " (not representable in UTF-8)");
        }
      }
    }
  }

  static boolean isWellFormed(String s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          return false;
        }
      }
    }
    return true;
  }

  private static String display(StringBuilder path) {
    return path.length() == 0 ? "<root>" : path.toString();
  }

  private static String typeName(Object o) {
    return o == null ? "null" : o.getClass().getName();
  }

  private static int capacityFor(int size) {
    return size < 3 ? size + 1 : (int) Math.min(Integer.MAX_VALUE, (long) size * 4 / 3 + 1);
  }
}
