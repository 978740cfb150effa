package io.metacache.policy;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * What each eviction policy would have hit on a spatially sampled share of a memory tier's keys
 * ({@link ShadowPolicies}): every policy ran the same sampled requests at the same scaled bound.
 *
 * @param sampleRate one key in this many is sampled (a power of two; 0 when nothing runs)
 * @param requests sampled requests (reads of held keys and writes)
 * @param allRequests every request the tier's policy saw, sampled or not
 * @param hits the hits of each policy over the sampled requests
 */
public record ShadowHitRates(int sampleRate, long requests, long allRequests, Map<PolicyKind, Long> hits) {

  /** No shadow ran. */
  public static final ShadowHitRates NONE = new ShadowHitRates(0, 0, 0, Map.of());

  /** Copies the map. */
  public ShadowHitRates {
    Objects.requireNonNull(hits, "hits");
    hits = hits.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(hits));
  }

  /**
   * The policy's hit ratio, from 0.0 to 1.0 (0.0 without requests), with SHARDS's adjustment
   * (Waldspurger et al., FAST '15, section 3.3): a key sample of a skewed workload holds more or
   * fewer of its hottest keys than its share, so the sampled requests differ from
   * {@code allRequests / sampleRate}; the difference is counted as hits (the hottest keys are hits
   * at any bound) and the ratio is taken over the expected number. The same amount is added to
   * every policy's hits, so the order of the policies is the sample's.
   */
  public double hitRate(PolicyKind kind) {
    if (requests == 0) {
      return 0.0;
    }
    long hit = hits.getOrDefault(kind, 0L);
    if (sampleRate <= 1 || allRequests == 0) {
      return (double) hit / requests;
    }
    double expected = (double) allRequests / sampleRate;
    double adjusted = hit + (expected - requests);
    return Math.max(0.0, Math.min(1.0, adjusted / expected));
  }

  /** The sum of several tiers' shadows (only an eviction owner's runs); the largest sample rate. */
  public ShadowHitRates plus(ShadowHitRates other) {
    Map<PolicyKind, Long> sum = new EnumMap<>(PolicyKind.class);
    hits.forEach((k, v) -> sum.merge(k, v, Long::sum));
    other.hits.forEach((k, v) -> sum.merge(k, v, Long::sum));
    return new ShadowHitRates(Math.max(sampleRate, other.sampleRate), requests + other.requests,
        allRequests + other.allRequests, sum);
  }

  /** These figures less {@code earlier}'s: the requests and hits between the two. */
  public ShadowHitRates minus(ShadowHitRates earlier) {
    Map<PolicyKind, Long> diff = new EnumMap<>(PolicyKind.class);
    hits.forEach((k, v) -> diff.put(k, v - earlier.hits.getOrDefault(k, 0L)));
    return new ShadowHitRates(sampleRate, requests - earlier.requests, allRequests - earlier.allRequests, diff);
  }
}
