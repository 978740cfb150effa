package io.metacache;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import net.openhft.hashing.LongTupleHashFunction;

/**
 * XXH3-128 of a JSON-like value's canonical form: a type tag per value, lengths before contents,
 * integers as 64-bit, floating point as IEEE-754 bits, map entries sorted by key. Distinct values
 * (a string "1" and a number 1, a list and its elements spread out) never share a form.
 */
final class ArgumentHash {
  private static final LongTupleHashFunction HASH = LongTupleHashFunction.xx128(0x6d632e61726773L); // "mc.args"

  private ArgumentHash() {}

  /** {high, low} of the hash. */
  static long[] of(Object value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    write(out, value, 0);
    long[] h = HASH.hashBytes(out.toByteArray());
    return new long[] {h[1], h[0]};
  }

  private static void write(ByteArrayOutputStream out, Object v, int depth) {
    if (depth > 64) {
      throw new IllegalArgumentException("arguments nest deeper than 64 levels");
    }
    if (v == null) {
      out.write('n');
    } else if (v instanceof Boolean) {
      out.write((Boolean) v ? 't' : 'f');
    } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      out.write('l');
      writeLong(out, ((Number) v).longValue());
    } else if (v instanceof Double || v instanceof Float) {
      out.write('d');
      writeLong(out, Double.doubleToLongBits(((Number) v).doubleValue()));
    } else if (v instanceof String) {
      byte[] utf8 = ((String) v).getBytes(StandardCharsets.UTF_8);
      out.write('s');
      writeLong(out, utf8.length);
      out.writeBytes(utf8);
    } else if (v instanceof byte[]) {
      byte[] bytes = (byte[]) v;
      out.write('b');
      writeLong(out, bytes.length);
      out.writeBytes(bytes);
    } else if (v instanceof List) {
      Collection<?> list = (Collection<?>) v;
      out.write('L');
      writeLong(out, list.size());
      for (Object e : list) {
        write(out, e, depth + 1);
      }
    } else if (v instanceof Map) {
      Map<?, ?> map = (Map<?, ?>) v;
      List<String> keys = new ArrayList<>(map.size());
      for (Object k : map.keySet()) {
        if (!(k instanceof String)) {
          throw new IllegalArgumentException("arguments: map keys must be strings, got " + describe(k));
        }
        keys.add((String) k);
      }
      keys.sort(null);
      out.write('M');
      writeLong(out, keys.size());
      for (String k : keys) {
        write(out, k, depth + 1);
        write(out, map.get(k), depth + 1);
      }
    } else {
      throw new IllegalArgumentException("arguments must be JSON-like (String, Number, Boolean, null, byte[], "
          + "List, Map with String keys); got " + describe(v));
    }
  }

  private static String describe(Object o) {
    return o == null ? "null" : o.getClass().getName();
  }

  private static void writeLong(ByteArrayOutputStream out, long v) {
    for (int i = 56; i >= 0; i -= 8) {
      out.write((int) (v >>> i));
    }
  }
}
