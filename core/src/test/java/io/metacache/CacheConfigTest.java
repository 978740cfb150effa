package io.metacache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.metacache.policy.PolicyKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CacheConfigTest {

  private static CacheConfig fromProperties(Map<String, String> properties) {
    return CacheConfig.from(properties::get, name -> null);
  }

  @Test
  void defaultsAreDocumentedValues() {
    CacheConfig c = CacheConfig.from(name -> null, name -> null);
    assertThat(c.fullHashThreshold()).isEqualTo(1L << 20);
    assertThat(c.sampleChunkSize()).isEqualTo(64 << 10);
    assertThat(c.memoryMaxEntries()).isEqualTo(100_000);
    assertThat(c.memoryMaxBytes()).isEqualTo(256L << 20);
    assertThat(c.memoryPolicy()).isEqualTo(PolicyKind.WTINYLFU);
    assertThat(c.memoryFile()).isEmpty();
    assertThat(c.ttl()).isEqualTo(Duration.ofHours(24));
    assertThat(c.compressionEnabled()).isTrue();
    assertThat(c.compressionLevel()).isEqualTo(3);
    assertThat(c.compressionMinSavings()).isEqualTo(0.10);
    assertThat(c.compressionThreshold()).isEqualTo(4096);
    assertThat(c.cacheDirectory().toString()).endsWith(Path.of(".cache", "metacache").toString());
  }

  @Test
  void everyPropertyIsRead() {
    Map<String, String> p = new HashMap<>();
    p.put(CacheConfig.CACHE_DIR, "/tmp/mc");
    p.put(CacheConfig.FULL_HASH_THRESHOLD, "2MiB");
    p.put(CacheConfig.SAMPLE_CHUNK_SIZE, "16KiB");
    p.put(CacheConfig.STAT_INDEX_MAX_ENTRIES, "5000");
    p.put(CacheConfig.TIMESTAMP_GRANULARITY, "10ms");
    p.put(CacheConfig.MEMORY_MAX_ENTRIES, "1_000");
    p.put(CacheConfig.MEMORY_MAX_BYTES, "64MiB");
    p.put(CacheConfig.MEMORY_MAX_ENTRY_BYTES, "32KiB");
    p.put(CacheConfig.MEMORY_POLICY, "LFU");
    p.put(CacheConfig.MEMORY_FILE, "/tmp/mc/memory.dat");
    p.put(CacheConfig.TTL, "PT2H");
    p.put(CacheConfig.EXPIRY_SWEEP_INTERVAL, "250ms");
    p.put(CacheConfig.COMPRESSION_ENABLED, "false");
    p.put(CacheConfig.COMPRESSION_LEVEL, "9");
    p.put(CacheConfig.COMPRESSION_THRESHOLD, "1KiB");
    p.put(CacheConfig.COMPRESSION_MIN_SAVINGS, "0.25");
    p.put(CacheConfig.COMPRESSION_DICTIONARY, "/tmp/dict");
    p.put(CacheConfig.MAX_DECOMPRESSED_BYTES, "8MiB");
    CacheConfig c = fromProperties(p);
    assertThat(c.cacheDirectory()).isEqualTo(Path.of("/tmp/mc"));
    assertThat(c.fullHashThreshold()).isEqualTo(2L << 20);
    assertThat(c.sampleChunkSize()).isEqualTo(16 << 10);
    assertThat(c.statIndexMaxEntries()).isEqualTo(5000);
    assertThat(c.timestampGranularity()).isEqualTo(Duration.ofMillis(10));
    assertThat(c.memoryMaxEntries()).isEqualTo(1000);
    assertThat(c.memoryMaxBytes()).isEqualTo(64L << 20);
    assertThat(c.memoryMaxEntryBytes()).isEqualTo(32 << 10);
    assertThat(c.memoryPolicy()).isEqualTo(PolicyKind.LFU);
    assertThat(c.memoryFile()).contains(Path.of("/tmp/mc/memory.dat"));
    assertThat(c.ttl()).isEqualTo(Duration.ofHours(2));
    assertThat(c.expirySweepInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(c.compressionEnabled()).isFalse();
    assertThat(c.compressionLevel()).isEqualTo(9);
    assertThat(c.compressionThreshold()).isEqualTo(1024);
    assertThat(c.compressionMinSavings()).isEqualTo(0.25);
    assertThat(c.compressionDictionary()).contains(Path.of("/tmp/dict"));
    assertThat(c.maxDecompressedBytes()).isEqualTo(8 << 20);
  }

  @Test
  void environmentIsTheFallbackAndPropertiesWin() {
    Map<String, String> env = Map.of("METACACHE_MEMORY_MAX_ENTRIES", "777", "METACACHE_TTL", "0",
        "XDG_CACHE_HOME", "/var/cache/u");
    CacheConfig fromEnv = CacheConfig.from(name -> null, env::get);
    assertThat(fromEnv.memoryMaxEntries()).isEqualTo(777);
    assertThat(fromEnv.ttl()).isZero();
    assertThat(fromEnv.cacheDirectory()).isEqualTo(Path.of("/var/cache/u", "metacache"));
    CacheConfig both = CacheConfig.from(Map.of(CacheConfig.MEMORY_MAX_ENTRIES, "5")::get, env::get);
    assertThat(both.memoryMaxEntries()).isEqualTo(5);
    assertThat(CacheConfig.environmentName("metacache.compression.min-savings"))
        .isEqualTo("METACACHE_COMPRESSION_MIN_SAVINGS");
  }

  static Stream<Arguments> badValues() {
    return Stream.of(
        Arguments.of(CacheConfig.FULL_HASH_THRESHOLD, "lots", "byte size"),
        Arguments.of(CacheConfig.FULL_HASH_THRESHOLD, "2GiB", "from 1 to"),
        Arguments.of(CacheConfig.FULL_HASH_THRESHOLD, "-1", "byte size"),
        Arguments.of(CacheConfig.SAMPLE_CHUNK_SIZE, "12XB", "byte size"),
        Arguments.of(CacheConfig.SAMPLE_CHUNK_SIZE, "100", "from 1024 to"),
        Arguments.of(CacheConfig.STAT_INDEX_MAX_ENTRIES, "0", "from 1 to"),
        Arguments.of(CacheConfig.TIMESTAMP_GRANULARITY, "2 fortnights", "duration"),
        Arguments.of(CacheConfig.TIMESTAMP_GRANULARITY, "2h", "duration from"),
        Arguments.of(CacheConfig.MEMORY_MAX_ENTRIES, "many", "whole number"),
        Arguments.of(CacheConfig.MEMORY_MAX_ENTRIES, "0", "from 1 to"),
        Arguments.of(CacheConfig.MEMORY_MAX_ENTRIES, "134217729", "from 1 to 134217728"),
        Arguments.of(CacheConfig.MEMORY_MAX_ENTRIES, "99999999999999999999", "whole number"),
        Arguments.of(CacheConfig.MEMORY_MAX_BYTES, "1KiB", "from 1048576"),
        Arguments.of(CacheConfig.MEMORY_MAX_ENTRY_BYTES, "10", "from 256"),
        Arguments.of(CacheConfig.MEMORY_POLICY, "fifo", "one of lru, lfu, wtinylfu"),
        Arguments.of(CacheConfig.MEMORY_MODE, "public", "shared or private"),
        Arguments.of(CacheConfig.TTL, "-5s", "duration"),
        Arguments.of(CacheConfig.TTL, "5", "unit is required"),
        Arguments.of(CacheConfig.TTL, "P-1D", "not negative"),
        Arguments.of(CacheConfig.EXPIRY_SWEEP_INTERVAL, "0", "duration from"),
        Arguments.of(CacheConfig.COMPRESSION_ENABLED, "yes", "true or false"),
        Arguments.of(CacheConfig.COMPRESSION_LEVEL, "0", "from 1 to 22"),
        Arguments.of(CacheConfig.COMPRESSION_LEVEL, "fast", "whole number"),
        Arguments.of(CacheConfig.COMPRESSION_THRESHOLD, "1TiB", "from 0 to"),
        Arguments.of(CacheConfig.COMPRESSION_MIN_SAVINGS, "1.5", "from 0.0 to 1.0"),
        Arguments.of(CacheConfig.COMPRESSION_MIN_SAVINGS, "NaN", "from 0.0 to 1.0"),
        Arguments.of(CacheConfig.MAX_DECOMPRESSED_BYTES, "1", "from 4096"),
        Arguments.of(CacheConfig.CACHE_DIR, "bad\0path", "file system path"));
  }

  @ParameterizedTest(name = "{0}={1}")
  @MethodSource("badValues")
  void badValueNamesThePropertyTheValueAndWhatIsAccepted(String property, String value, String accepted) {
    assertThatThrownBy(() -> fromProperties(Map.of(property, value)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(property)
        .hasMessageContaining(accepted);
    // The raw value is named too, except where a parser normalized it to a number first.
    assertThatThrownBy(() -> fromProperties(Map.of(property, value)))
        .satisfies(e -> assertThat(e.getMessage()).containsAnyOf(value, value.replace("_", ""),
            Long.toString(safeSize(property, value))));
  }

  private static long safeSize(String property, String value) {
    try {
      return io.metacache.config.ConfigValues.parseSize(property, value);
    } catch (IllegalArgumentException e) {
      return Long.MIN_VALUE;
    }
  }

  @Test
  void badValueFromTheEnvironmentNamesTheProperty() {
    assertThatThrownBy(() -> CacheConfig.from(name -> null, Map.of("METACACHE_MEMORY_POLICY", "random")::get))
        .hasMessageContaining(CacheConfig.MEMORY_POLICY).hasMessageContaining("'random'");
  }

  @Test
  void conflictingValuesAreRefusedAtBuild() {
    assertThatThrownBy(() -> CacheConfig.builder().fullHashThreshold(4096).sampleChunkSize(8192).build())
        .hasMessageContaining(CacheConfig.SAMPLE_CHUNK_SIZE).hasMessageContaining(CacheConfig.FULL_HASH_THRESHOLD);
    assertThatThrownBy(() -> CacheConfig.builder().memoryMaxBytes(1L << 20).memoryMaxEntryBytes(2L << 20).build())
        .hasMessageContaining(CacheConfig.MEMORY_MAX_ENTRY_BYTES).hasMessageContaining(CacheConfig.MEMORY_MAX_BYTES);
    assertThatThrownBy(() -> CacheConfig.builder().maxDecompressedBytes(1L << 20).memoryMaxEntryBytes(8L << 20).build())
        .hasMessageContaining(CacheConfig.MAX_DECOMPRESSED_BYTES);
  }

  @Test
  void builderSettersRefuseBadValuesAtOnce() {
    assertThatThrownBy(() -> CacheConfig.builder().compressionMinSavings(-0.1))
        .hasMessageContaining(CacheConfig.COMPRESSION_MIN_SAVINGS).hasMessageContaining("-0.1");
    assertThatThrownBy(() -> CacheConfig.builder().ttl(Duration.ofSeconds(-1)))
        .hasMessageContaining(CacheConfig.TTL);
    assertThatThrownBy(() -> CacheConfig.builder().memoryPolicy(null))
        .hasMessageContaining(CacheConfig.MEMORY_POLICY);
  }

  @Test
  void toBuilderRoundTrips() {
    CacheConfig c = CacheConfig.builder().memoryMaxEntries(42).ttl(Duration.ZERO).memoryFile(Path.of("m")).build();
    assertThat(c.toBuilder().build().toString()).isEqualTo(c.toString());
  }
}
