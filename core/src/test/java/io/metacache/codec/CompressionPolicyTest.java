package io.metacache.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CompressionPolicyTest {
  private final EntryCodec codec = new EntryCodec();

  private static CacheEntry entryWith(Object value) {
    return CacheEntry.builder().path("/f").profile("full").metadata(Map.of("v", value)).build();
  }

  private static int stored(byte[] e) {
    return EntryBytes.intAt(e, EntryLayout.STORED_BODY_LENGTH_OFFSET);
  }

  private static int raw(byte[] e) {
    return EntryBytes.intAt(e, EntryLayout.RAW_BODY_LENGTH_OFFSET);
  }

  @Test
  void belowThresholdIsStoredRaw() {
    byte[] e = codec.encode(entryWith("a".repeat(300)));
    assertThat(raw(e)).isLessThan(CodecOptions.DEFAULT_COMPRESSION_THRESHOLD);
    assertThat(EntryBytes.flags(e)).isZero();
    assertThat(stored(e)).isEqualTo(raw(e));
    assertThat(EntryBytes.ratio(e)).isEqualTo(1.0f);
    assertThat(codec.decode(e).compressionRatio()).isEqualTo(1.0f);
  }

  @Test
  void incompressibleIsStoredRawWithTheFlagClear() {
    byte[] noise = new byte[8192];
    new SplittableRandom(1).nextBytes(noise);
    byte[] e = codec.encode(entryWith(noise));
    assertThat(raw(e)).isGreaterThan(CodecOptions.DEFAULT_COMPRESSION_THRESHOLD);
    assertThat(EntryBytes.flags(e) & EntryLayout.FLAG_COMPRESSED).isZero();
    assertThat(stored(e)).isEqualTo(raw(e));
    assertThat((byte[]) codec.decode(e).metadata().get("v")).isEqualTo(noise);
  }

  @Test
  void compressibleIsStoredCompressedWithRatioBelowOne() {
    CacheEntry entry = entryWith("the same sentence again and again. ".repeat(100));
    byte[] e = codec.encode(entry);
    assertThat(EntryBytes.flags(e)).isEqualTo(EntryLayout.FLAG_COMPRESSED);
    assertThat(stored(e)).isLessThan(raw(e));
    float ratio = EntryBytes.ratio(e);
    assertThat(ratio).isLessThan(0.9f).isEqualTo((float) stored(e) / raw(e));
    CacheEntry decoded = codec.decode(e);
    assertThat(decoded.compressionRatio()).isEqualTo(ratio);
    assertThat(decoded).isEqualTo(entry.withCompressionRatio(ratio));
  }

  @Test
  void savingsBelowTheMinimumAreStoredRaw() {
    // Half text, half noise: compresses by roughly half, not by 90%.
    byte[] noise = new byte[2000];
    new SplittableRandom(2).nextBytes(noise);
    CacheEntry entry = entryWith(List.of("x".repeat(2000), noise));
    byte[] lenient = codec.encode(entry);
    assertThat(EntryBytes.flags(lenient)).isEqualTo(EntryLayout.FLAG_COMPRESSED);
    EntryCodec strict = new EntryCodec(CodecOptions.builder().minSavings(0.9).build());
    byte[] e = strict.encode(entry);
    assertThat(EntryBytes.flags(e)).isZero();
    assertThat(strict.decode(e)).isEqualTo(entry);
  }

  @Test
  void dictionaryShrinksSmallEntriesAndIsNamedInTheHeader() {
    List<CacheEntry> samples = MetadataArbitraries.realisticEntries(500, 11);
    byte[] dict = DictionaryTrainer.train(samples, 8192);
    EntryCodec withDict = new EntryCodec(CodecOptions.builder().dictionary(dict).build());
    CacheEntry probe = MetadataArbitraries.realisticEntries(1, 99).get(0);

    byte[] plain = codec.encode(probe);
    byte[] dicted = withDict.encode(probe);
    assertThat(EntryBytes.flags(dicted))
        .isEqualTo(EntryLayout.FLAG_COMPRESSED | EntryLayout.FLAG_DICTIONARY);
    assertThat(EntryBytes.intAt(dicted, EntryLayout.DICTIONARY_ID_OFFSET))
        .isEqualTo(withDict.options().dictionaryId()).isNotZero();
    assertThat(dicted.length).isLessThan(plain.length);
    assertThat(withDict.decode(dicted)).isEqualTo(probe.withCompressionRatio(EntryBytes.ratio(dicted)));
  }

  @Test
  void optionsRefuseBadValues() {
    assertThatThrownBy(() -> CodecOptions.builder().compressionThreshold(-1))
        .hasMessageContaining("compressionThreshold");
    assertThatThrownBy(() -> CodecOptions.builder().minSavings(1.0)).hasMessageContaining("minSavings");
    assertThatThrownBy(() -> CodecOptions.builder().minSavings(Double.NaN)).hasMessageContaining("minSavings");
    assertThatThrownBy(() -> CodecOptions.builder().zstdLevel(99)).hasMessageContaining("zstdLevel");
    assertThatThrownBy(() -> CodecOptions.builder().maxBodyBytes(0)).hasMessageContaining("maxBodyBytes");
    assertThatThrownBy(() -> CodecOptions.builder().dictionary(new byte[100]))
        .hasMessageContaining("not a trained zstd dictionary");
    assertThatThrownBy(() -> DictionaryTrainer.train(List.of(), 4096)).hasMessageContaining("at least 8");
  }

  @Test
  void encodeRefusesBodiesAboveTheCap() {
    EntryCodec tiny = new EntryCodec(CodecOptions.builder().maxBodyBytes(64).build());
    assertThatThrownBy(() -> tiny.encode(entryWith("y".repeat(100))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBodyBytes");
  }
}
