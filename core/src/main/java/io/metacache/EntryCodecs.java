package io.metacache;

import io.metacache.codec.CodecOptions;
import io.metacache.codec.EntryCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The entry codec a configuration asks for: compression threshold, savings, level, body bound, dictionary. */
final class EntryCodecs {
  private EntryCodecs() {}

  /** The codec of {@code c}; throws {@code IllegalArgumentException} if its dictionary cannot be read. */
  static EntryCodec fromConfig(CacheConfig c) {
    CodecOptions.Builder b = CodecOptions.builder()
        .compressionThreshold(c.compressionEnabled() ? c.compressionThreshold() : Integer.MAX_VALUE)
        .minSavings(c.compressionMinSavings())
        .zstdLevel(c.compressionLevel())
        .maxBodyBytes(c.maxDecompressedBytes());
    if (c.compressionDictionary().isPresent()) {
      Path dictionary = c.compressionDictionary().get();
      try {
        b.dictionary(Files.readAllBytes(dictionary));
      } catch (IOException e) {
        throw new IllegalArgumentException("Invalid value for " + CacheConfig.COMPRESSION_DICTIONARY + ": '"
            + dictionary + "'; expected a readable zstd dictionary file (" + e + ")", e);
      }
    }
    return new EntryCodec(b.build());
  }
}
