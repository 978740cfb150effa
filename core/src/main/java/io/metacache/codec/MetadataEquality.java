package io.metacache.codec;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Equality and hash codes for JSON-like metadata that compare {@code byte[]} values by content
 * (plain {@link Map#equals} compares arrays by identity).
 */
public final class MetadataEquality {
  private MetadataEquality() {}

  /** Deep equality; maps compare as maps (order ignored), lists in order, arrays by content. */
  public static boolean equals(Object a, Object b) {
    if (a == b) {
      return true;
    }
    if (a == null || b == null) {
      return false;
    }
    if (a instanceof byte[]) {
      return b instanceof byte[] && Arrays.equals((byte[]) a, (byte[]) b);
    }
    if (a instanceof Map) {
      if (!(b instanceof Map)) {
        return false;
      }
      Map<?, ?> ma = (Map<?, ?>) a;
      Map<?, ?> mb = (Map<?, ?>) b;
      if (ma.size() != mb.size()) {
        return false;
      }
      for (Map.Entry<?, ?> e : ma.entrySet()) {
        Object other = mb.get(e.getKey());
        if (other == null && (e.getValue() != null || !mb.containsKey(e.getKey()))) {
          return false;
        }
        if (!equals(e.getValue(), other)) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof List) {
      if (!(b instanceof List)) {
        return false;
      }
      List<?> la = (List<?>) a;
      List<?> lb = (List<?>) b;
      if (la.size() != lb.size()) {
        return false;
      }
      Iterator<?> ia = la.iterator();
      Iterator<?> ib = lb.iterator();
      while (ia.hasNext()) {
        if (!equals(ia.next(), ib.next())) {
          return false;
        }
      }
      return true;
    }
    return a.equals(b);
  }

  /** A hash code consistent with {@link #equals(Object, Object)}. */
  public static int hashCode(Object v) {
    if (v == null) {
      return 0;
    }
    if (v instanceof byte[]) {
      return Arrays.hashCode((byte[]) v);
    }
    if (v instanceof Map) {
      int h = 0;
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        h += java.util.Objects.hashCode(e.getKey()) ^ hashCode(e.getValue());
      }
      return h;
    }
    if (v instanceof List) {
      int h = 1;
      for (Object o : (List<?>) v) {
        h = 31 * h + hashCode(o);
      }
      return h;
    }
    return v.hashCode();
  }
}
