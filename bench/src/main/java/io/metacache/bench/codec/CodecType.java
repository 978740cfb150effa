package io.metacache.bench.codec;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import io.metacache.codec.CacheEntry;
import io.metacache.codec.CodecOptions;
import io.metacache.codec.DictionaryTrainer;
import io.metacache.codec.EntryCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.agrona.MutableDirectBuffer;

/** Codec competitors: this codec (raw, zstd, zstd with a dictionary) and Jackson CBOR/JSON. */
public enum CodecType {
  /** EntryCodec, never compressing. */
  METACACHE_RAW {
    @Override
    public EntrySerializer create() {
      return ours(CodecOptions.builder().compressionThreshold(Integer.MAX_VALUE).build());
    }
  },
  /** EntryCodec with default options (zstd level 3 from 512 bytes, if it saves 10%). */
  METACACHE_ZSTD {
    @Override
    public EntrySerializer create() {
      return ours(CodecOptions.defaults());
    }
  },
  /** EntryCodec with default options and an 8 KiB dictionary trained on 2,000 other entries. */
  METACACHE_ZSTD_DICT {
    @Override
    public EntrySerializer create() {
      byte[] dict = DictionaryTrainer.train(SampleEntries.entries(2000, 12345), 8 * 1024);
      return ours(CodecOptions.builder().dictionary(dict).build());
    }
  },
  /** Jackson CBOR of a map holding every entry field and the metadata. */
  JACKSON_CBOR {
    @Override
    public EntrySerializer create() {
      return jackson(new CBORMapper());
    }
  },
  /** Jackson JSON of the same map (byte[] becomes base64 text and is not restored). */
  JACKSON_JSON {
    @Override
    public EntrySerializer create() {
      return jackson(new ObjectMapper());
    }
  };

  /** A new serializer of this type. */
  public abstract EntrySerializer create();

  private static EntrySerializer ours(CodecOptions options) {
    EntryCodec codec = new EntryCodec(options);
    return new EntrySerializer() {
      @Override
      public byte[] encode(CacheEntry entry) {
        return codec.encode(entry);
      }

      @Override
      public int encode(CacheEntry entry, MutableDirectBuffer dst) {
        return codec.encode(entry, dst, 0);
      }

      @Override
      public Object decode(byte[] bytes) {
        return codec.decode(bytes);
      }
    };
  }

  private static EntrySerializer jackson(ObjectMapper mapper) {
    TypeReference<Map<String, Object>> type = new TypeReference<>() {};
    return new EntrySerializer() {
      @Override
      public byte[] encode(CacheEntry entry) {
        try {
          return mapper.writeValueAsBytes(asMap(entry));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }

      @Override
      public int encode(CacheEntry entry, MutableDirectBuffer dst) {
        byte[] b = encode(entry);
        dst.putBytes(0, b);
        return b.length;
      }

      @Override
      public Object decode(byte[] bytes) {
        try {
          return mapper.readValue(bytes, type);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
  }

  /** Every entry field as a map, so Jackson writes what EntryCodec writes. */
  static Map<String, Object> asMap(CacheEntry e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("path", e.path());
    m.put("profile", e.profile());
    m.put("fingerprintHigh", e.fingerprintHigh());
    m.put("fingerprintLow", e.fingerprintLow());
    m.put("size", e.size());
    m.put("mtimeNanos", e.mtimeNanos());
    m.put("extractionTimeNanos", e.extractionTimeNanos());
    m.put("cachedAtMillis", e.cachedAtMillis());
    m.put("expiresAtMillis", e.expiresAtMillis());
    m.put("accessCount", e.accessCount());
    m.put("lastAccessMillis", e.lastAccessMillis());
    m.put("compressionRatio", e.compressionRatio());
    m.put("metadata", e.metadata());
    return m;
  }
}
