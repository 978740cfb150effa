package io.metacache.codec;

import io.metacache.codec.CorruptEntryException.Reason;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses a raw body. Every length and count is checked against the bytes that remain before
 * anything is allocated, and nesting is bounded, so hostile input fails with
 * {@link CorruptEntryException} ({@link Reason#BAD_BODY}) rather than exhausting memory or stack.
 * One instance per decode; not thread-safe.
 */
final class BodyReader {
  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  // Pre-size collections from the declared count only up to this; beyond it, grow as read.
  private static final int MAX_PRESIZE = 1024;

  private final byte[] buf;
  private int pos;
  private final int limit;

  BodyReader(byte[] buf, int offset, int length) {
    this.buf = buf;
    this.pos = offset;
    this.limit = offset + length;
  }

  String readString() {
    int len = readLength();
    String s = new String(buf, pos, len, StandardCharsets.UTF_8);
    pos += len;
    return s;
  }

  Map<String, Object> readRootMap() {
    if (pos >= limit) {
      throw bad("body ends before the metadata map");
    }
    byte tag = buf[pos++];
    if (tag != EntryLayout.TAG_MAP) {
      throw bad("metadata must be a map (tag 0x08), found tag 0x" + hex(tag));
    }
    return readMap(1);
  }

  /**
   * Writes the root metadata map as JSON text, as {@link MetadataJson} writes the decoded map,
   * without building it. The same bounds and nesting checks as {@link #readRootMap()}; repeated
   * keys within a map are not looked for.
   */
  void writeRootMapAsJson(StringBuilder out) {
    if (pos >= limit) {
      throw bad("body ends before the metadata map");
    }
    byte tag = buf[pos++];
    if (tag != EntryLayout.TAG_MAP) {
      throw bad("metadata must be a map (tag 0x08), found tag 0x" + hex(tag));
    }
    writeMapAsJson(out, 1);
  }

  private void writeValueAsJson(StringBuilder out, int depth) {
    if (pos >= limit) {
      throw bad("body ends where a value tag was expected");
    }
    byte tag = buf[pos++];
    switch (tag) {
      case EntryLayout.TAG_NULL -> out.append("null");
      case EntryLayout.TAG_FALSE -> out.append("false");
      case EntryLayout.TAG_TRUE -> out.append("true");
      case EntryLayout.TAG_LONG -> {
        long z = readVarLong();
        out.append((z >>> 1) ^ -(z & 1));
      }
      case EntryLayout.TAG_DOUBLE -> {
        if (limit - pos < 8) {
          throw bad("double needs 8 bytes, " + (limit - pos) + " remain");
        }
        MetadataJson.writeDouble(out, Double.longBitsToDouble((long) LONG_LE.get(buf, pos)));
        pos += 8;
      }
      case EntryLayout.TAG_STRING -> MetadataJson.writeString(out, readString());
      case EntryLayout.TAG_BYTES -> {
        int len = readLength();
        out.append('"').append(Base64.getEncoder().encodeToString(Arrays.copyOfRange(buf, pos, pos + len))).append('"');
        pos += len;
      }
      case EntryLayout.TAG_LIST -> {
        checkDepth(depth + 1);
        int count = readVarInt();
        if (count > limit - pos) {
          throw bad("list claims " + count + " elements but only " + (limit - pos) + " bytes remain");
        }
        out.append('[');
        for (int i = 0; i < count; i++) {
          if (i > 0) {
            out.append(',');
          }
          writeValueAsJson(out, depth + 1);
        }
        out.append(']');
      }
      case EntryLayout.TAG_MAP -> writeMapAsJson(out, depth + 1);
      default -> throw bad("unknown value tag 0x" + hex(tag) + " at body offset " + (pos - 1));
    }
  }

  private void writeMapAsJson(StringBuilder out, int depth) {
    checkDepth(depth);
    int count = readVarInt();
    if (count > (limit - pos) / 2) {
      throw bad("map claims " + count + " entries but only " + (limit - pos) + " bytes remain");
    }
    out.append('{');
    for (int i = 0; i < count; i++) {
      if (i > 0) {
        out.append(',');
      }
      MetadataJson.writeString(out, readString());
      out.append(':');
      writeValueAsJson(out, depth);
    }
    out.append('}');
  }

  void expectEnd() {
    if (pos != limit) {
      throw bad((limit - pos) + " trailing bytes after the metadata map");
    }
  }

  private Object readValue(int depth) {
    if (pos >= limit) {
      throw bad("body ends where a value tag was expected");
    }
    byte tag = buf[pos++];
    switch (tag) {
      case EntryLayout.TAG_NULL:
        return null;
      case EntryLayout.TAG_FALSE:
        return Boolean.FALSE;
      case EntryLayout.TAG_TRUE:
        return Boolean.TRUE;
      case EntryLayout.TAG_LONG: {
        long z = readVarLong();
        return (z >>> 1) ^ -(z & 1);
      }
      case EntryLayout.TAG_DOUBLE: {
        if (limit - pos < 8) {
          throw bad("double needs 8 bytes, " + (limit - pos) + " remain");
        }
        double d = Double.longBitsToDouble((long) LONG_LE.get(buf, pos));
        pos += 8;
        return d;
      }
      case EntryLayout.TAG_STRING:
        return readString();
      case EntryLayout.TAG_BYTES: {
        int len = readLength();
        byte[] b = Arrays.copyOfRange(buf, pos, pos + len);
        pos += len;
        return b;
      }
      case EntryLayout.TAG_LIST:
        return readList(depth + 1);
      case EntryLayout.TAG_MAP:
        return readMap(depth + 1);
      default:
        throw bad("unknown value tag 0x" + hex(tag) + " at body offset " + (pos - 1));
    }
  }

  private List<Object> readList(int depth) {
    checkDepth(depth);
    int count = readVarInt();
    // Each element takes at least one byte (its tag).
    if (count > limit - pos) {
      throw bad("list claims " + count + " elements but only " + (limit - pos) + " bytes remain");
    }
    List<Object> list = new ArrayList<>(Math.min(count, MAX_PRESIZE));
    for (int i = 0; i < count; i++) {
      list.add(readValue(depth));
    }
    return Collections.unmodifiableList(list);
  }

  private Map<String, Object> readMap(int depth) {
    checkDepth(depth);
    int count = readVarInt();
    // Each entry takes at least two bytes (key length and value tag).
    if (count > (limit - pos) / 2) {
      throw bad("map claims " + count + " entries but only " + (limit - pos) + " bytes remain");
    }
    Map<String, Object> map = new LinkedHashMap<>(Math.min(count, MAX_PRESIZE) * 4 / 3 + 1);
    for (int i = 0; i < count; i++) {
      String key = readString();
      map.put(key, readValue(depth));
      if (map.size() != i + 1) {
        throw bad("duplicate map key \"" + key + '"');
      }
    }
    return Collections.unmodifiableMap(map);
  }

  private void checkDepth(int depth) {
    if (depth > EntryLayout.MAX_NESTING_DEPTH) {
      throw bad("nesting deeper than " + EntryLayout.MAX_NESTING_DEPTH);
    }
  }

  private int readLength() {
    int len = readVarInt();
    if (len > limit - pos) {
      throw bad("length " + len + " exceeds the " + (limit - pos) + " bytes that remain");
    }
    return len;
  }

  private int readVarInt() {
    long v = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      if (pos >= limit) {
        throw bad("body ends inside a varint");
      }
      byte b = buf[pos++];
      v |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        if (v > Integer.MAX_VALUE) {
          throw bad("varint " + v + " exceeds 2^31-1");
        }
        return (int) v;
      }
    }
    throw bad("varint longer than 5 bytes");
  }

  private long readVarLong() {
    long v = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (pos >= limit) {
        throw bad("body ends inside a varint");
      }
      byte b = buf[pos++];
      if (shift == 63 && (b & 0x7E) != 0) {
        throw bad("varint overflows 64 bits");
      }
      v |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        return v;
      }
    }
    throw bad("varint longer than 10 bytes");
  }

  private static String hex(byte b) {
    return String.format("%02x", b & 0xFF);
  }

  private static CorruptEntryException bad(String message) {
    return new CorruptEntryException(Reason.BAD_BODY, message);
  }
}
