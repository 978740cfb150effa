package io.metacache.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The shadow policies sample one key in a power of two up to 64 and leave each shadow at least 256
 * entries; a loop just larger than the bound defeats LRU and not W-TinyLFU, and the shadows say so; and a
 * sampled shadow's hit ratio is close to that of the same policy run on every key at the full
 * bound (the SHARDS scaling the doctor's advice rests on).
 */
class ShadowPoliciesTest {

  @Test
  void theSampleRateLeavesEachShadowAtLeast256EntriesAndIsAtMost64() {
    assertThat(new ShadowPolicies(100).sampleRate()).isEqualTo(1);
    assertThat(new ShadowPolicies(1_024).sampleRate()).isEqualTo(4);
    assertThat(new ShadowPolicies(16_384).sampleRate()).isEqualTo(64);
    assertThat(new ShadowPolicies(1_000_000).sampleRate()).isEqualTo(64);
  }

  @Test
  void aLoopLargerThanTheBoundDefeatsLruAndNotWindowTinyLfu() {
    ShadowPolicies shadows = new ShadowPolicies(200); // rate 1: every key, bound 200
    for (int round = 0; round < 50; round++) {
      for (long k = 0; k < 220; k++) {
        shadows.request(k, k * 31);
      }
    }
    ShadowHitRates r = shadows.rates();
    assertThat(r.requests()).isEqualTo(50 * 220);
    assertThat(r.hitRate(PolicyKind.LRU)).isZero();
    assertThat(r.hitRate(PolicyKind.WTINYLFU)).as("its admission filter keeps most of the loop").isGreaterThan(0.8);
  }

  @Test
  void aRemovedKeyMissesInEveryShadow() {
    ShadowPolicies shadows = new ShadowPolicies(100);
    shadows.request(1, 2);
    shadows.remove(1, 2);
    shadows.request(1, 2);
    assertThat(shadows.rates().hits()).allSatisfy((kind, hits) -> assertThat(hits).as("%s", kind).isZero());
  }

  @Test
  void aSampledShadowHitsWithinThreePointsOfTheFullSizedPolicy() {
    long bound = 16_384; // sampled at one key in 64: shadows of 256 entries
    ShadowPolicies shadows = new ShadowPolicies(bound);
    EvictionPolicy full = EvictionPolicies.create(PolicyKind.LRU, bound);
    EvictionPolicy.EvictionSink ignore = (h, l, w) -> { };
    SplittableRandom random = new SplittableRandom(7);
    double[] cdf = zipfCdf(200_000, 0.8);
    long fullHits = 0;
    int requests = 2_000_000;
    for (int i = 0; i < requests; i++) {
      long key = java.util.Arrays.binarySearch(cdf, random.nextDouble());
      key = key < 0 ? -key - 1 : key;
      long high = key * 0x9E3779B97F4A7C15L;
      long low = key ^ 0x5DEECE66DL;
      shadows.request(high, low);
      if (full.contains(high, low)) {
        fullHits++;
        full.recordAccess(high, low);
      } else {
        full.recordWrite(high, low, 1, ignore);
      }
    }
    ShadowHitRates r = shadows.rates();
    assertThat(r.sampleRate()).isEqualTo(64);
    assertThat(r.hitRate(PolicyKind.LRU)).isCloseTo((double) fullHits / requests,
        org.assertj.core.data.Offset.offset(0.03));
  }

  /** The cumulative distribution of Zipf({@code alpha}) over {@code n} keys, key 0 the most frequent. */
  private static double[] zipfCdf(int n, double alpha) {
    double[] cdf = new double[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += 1 / Math.pow(i + 1, alpha);
      cdf[i] = sum;
    }
    for (int i = 0; i < n; i++) {
      cdf[i] /= sum;
    }
    return cdf;
  }
}
