package io.metacache;

import io.metacache.spi.Tier;
import io.metacache.spi.TierOperation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Keeps a promotion from rewriting the tier it came from and the tiers below it.
 *
 * <p>A hit in lower tier {@code i} must reach tiers {@code 0..i-1} only, but the write-behind
 * pipeline writes every lower tier. The cache therefore marks the value array of each promotion
 * with the index of the tier that answered, and hands the pipeline a filtering view of each tier
 * that drops puts of marked arrays at or below their origin. Marks are by identity: the array was
 * read fresh from the tier and only the pipeline holds it, so no other write can carry it; a newer
 * put of the same key carries its own array and goes everywhere. Marks are weak, so a promotion
 * the pipeline has finished with leaves no trace.
 */
final class PromotionFilter {
  private final Map<byte[], Integer> origins = Collections.synchronizedMap(new WeakHashMap<>());

  /** Marks {@code value} as promoted from the lower tier at {@code tierIndex}. */
  void mark(byte[] value, int tierIndex) {
    origins.put(value, tierIndex);
  }

  /** The view of {@code tier} (at {@code tierIndex} among the lower tiers) the pipeline writes to. */
  Tier view(Tier tier, int tierIndex) {
    return new Filtered(tier, tierIndex);
  }

  private boolean skip(TierOperation op, int tierIndex) {
    if (op.kind() != TierOperation.Kind.PUT) {
      return false;
    }
    Integer origin = origins.get(op.value());
    return origin != null && origin <= tierIndex;
  }

  private final class Filtered implements Tier {
    private final Tier tier;
    private final int index;

    Filtered(Tier tier, int index) {
      this.tier = tier;
      this.index = index;
    }

    @Override
    public String name() {
      return tier.name();
    }

    @Override
    public byte[] get(long keyHigh, long keyLow) {
      return tier.get(keyHigh, keyLow);
    }

    @Override
    public void apply(List<TierOperation> batch) {
      List<TierOperation> kept = null;
      for (int i = 0; i < batch.size(); i++) {
        TierOperation op = batch.get(i);
        if (skip(op, index)) {
          if (kept == null) {
            kept = new ArrayList<>(batch.subList(0, i));
          }
        } else if (kept != null) {
          kept.add(op);
        }
      }
      List<TierOperation> toApply = kept == null ? batch : kept;
      if (!toApply.isEmpty()) {
        tier.apply(toApply);
      }
    }

    @Override
    public long removeExpired(long nowMillis) {
      return tier.removeExpired(nowMillis);
    }

    @Override
    public void clear() {
      tier.clear();
    }

    @Override
    public void ping() {
      tier.ping();
    }

    @Override
    public long size() {
      return tier.size();
    }

    @Override
    public void close() {
      // the cache closes the tier itself
    }
  }
}
