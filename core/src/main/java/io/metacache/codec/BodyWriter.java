package io.metacache.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes the raw body grammar of {@link EntryLayout} into a growable array, starting after the
 * header so a raw entry needs no extra copy. Reused per thread; not thread-safe.
 */
final class BodyWriter {
  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  byte[] buf;
  int pos;

  BodyWriter(int initialCapacity) {
    buf = new byte[initialCapacity];
  }

  void reset(int start) {
    ensureCapacity(start);
    pos = start;
  }

  /** Writes profile, path and metadata; metadata is trusted to be validated already. */
  void writeBody(CacheEntry e) {
    writeString(e.profile());
    writeString(e.path());
    writeMap(e.metadata());
  }

  private void writeValue(Object v) {
    if (v == null) {
      put(EntryLayout.TAG_NULL);
    } else if (v instanceof String) {
      put(EntryLayout.TAG_STRING);
      writeString((String) v);
    } else if (v instanceof Long) {
      put(EntryLayout.TAG_LONG);
      long x = (Long) v;
      writeVarLong((x << 1) ^ (x >> 63));
    } else if (v instanceof Double) {
      ensure(9);
      buf[pos++] = EntryLayout.TAG_DOUBLE;
      LONG_LE.set(buf, pos, Double.doubleToRawLongBits((Double) v));
      pos += 8;
    } else if (v instanceof Boolean) {
      put((Boolean) v ? EntryLayout.TAG_TRUE : EntryLayout.TAG_FALSE);
    } else if (v instanceof Map) {
      writeMap((Map<?, ?>) v);
    } else if (v instanceof List) {
      List<?> list = (List<?>) v;
      put(EntryLayout.TAG_LIST);
      writeVarInt(list.size());
      for (Object o : list) {
        writeValue(o);
      }
    } else if (v instanceof byte[]) {
      byte[] b = (byte[]) v;
      put(EntryLayout.TAG_BYTES);
      writeVarInt(b.length);
      ensure(b.length);
      System.arraycopy(b, 0, buf, pos, b.length);
      pos += b.length;
    } else {
      // Unreachable for entries built through CacheEntry.Builder.
      throw new IllegalArgumentException("unsupported metadata type " + v.getClass().getName());
    }
  }

  private void writeMap(Map<?, ?> map) {
    put(EntryLayout.TAG_MAP);
    writeVarInt(map.size());
    for (Map.Entry<?, ?> e : map.entrySet()) {
      writeString((String) e.getKey());
      writeValue(e.getValue());
    }
  }

  void writeString(String s) {
    int n = s.length();
    int len = utf8Length(s, n);
    writeVarInt(len);
    ensure(len);
    byte[] b = buf;
    int p = pos;
    if (len == n) {
      for (int i = 0; i < n; i++) {
        b[p + i] = (byte) s.charAt(i);
      }
      pos = p + n;
      return;
    }
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        b[p++] = (byte) c;
      } else if (c < 0x800) {
        b[p++] = (byte) (0xC0 | (c >> 6));
        b[p++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c)) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        b[p++] = (byte) (0xF0 | (cp >> 18));
        b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        b[p++] = (byte) (0x80 | (cp & 0x3F));
      } else {
        b[p++] = (byte) (0xE0 | (c >> 12));
        b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        b[p++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    pos = p;
  }

  // Strings are well-formed (checked by MetadataValidator), so a high surrogate has its pair.
  private static int utf8Length(String s, int n) {
    int len = n;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        if (c < 0x800) {
          len += 1;
        } else if (Character.isHighSurrogate(c)) {
          len += 2;
          i++;
        } else {
          len += 2;
        }
      }
    }
    return len;
  }

  private void writeVarInt(int v) {
    ensure(5);
    while ((v & ~0x7F) != 0) {
      buf[pos++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[pos++] = (byte) v;
  }

  private void writeVarLong(long v) {
    ensure(10);
    while ((v & ~0x7FL) != 0) {
      buf[pos++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[pos++] = (byte) v;
  }

  private void put(byte b) {
    ensure(1);
    buf[pos++] = b;
  }

  private void ensure(int more) {
    if (buf.length - pos < more) {
      ensureCapacity((long) pos + more);
    }
  }

  private void ensureCapacity(long needed) {
    if (needed > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("entry body exceeds 2 GiB");
    }
    if (needed > buf.length) {
      long grown = Math.max(needed, (long) buf.length * 2);
      buf = Arrays.copyOf(buf, (int) Math.min(grown, Integer.MAX_VALUE - 16));
    }
  }
}
