package io.metacache.doctor;

import static io.metacache.doctor.Durations.bytes;
import static io.metacache.doctor.Durations.count;
import static io.metacache.doctor.Durations.describe;
import static io.metacache.doctor.Durations.nanos;
import static io.metacache.doctor.Durations.percent;

import io.metacache.CacheConfig;
import io.metacache.TierHealth;
import io.metacache.counters.ProcessFigures;
import io.metacache.counters.TierState;
import io.metacache.policy.PolicyKind;
import io.metacache.policy.ShadowHitRates;
import io.metacache.stats.CacheStats;
import io.metacache.writebehind.WriteBehindPipeline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Turns a cache's figures into alerts and advice. Stateless: give it the figures at the start and
 * at the end of a window ({@link #examine(ProcessFigures, ProcessFigures, Duration)}), or only the
 * figures now ({@link #examine(ProcessFigures)}), when rates, drops and advice that rest on them
 * are not judged.
 *
 * <p>What it checks, each against {@link DoctorThresholds}: the memory tier's use of its bounds,
 * each tier's read p99 and health, the churn (evictions and invalidations per second), a drop of
 * the hit ratio, the write-behind pipeline's lag and backlog, and corrupt entries. Its advice:
 * raise the memory tier's bound when it is full and its evictions come back as lower-tier hits or
 * misses; turn compression off (or train a dictionary) when it saves little; raise the write-behind
 * batch when the drain falls behind while every tier works; switch the eviction policy when another
 * policy's shadow ({@link io.metacache.policy.ShadowPolicies}) hits more on the same sampled keys.
 */
public final class CacheDoctor {
  /** Sampled requests the shadow policies need before the doctor compares them. */
  static final long POLICY_MIN_REQUESTS = 1_000;
  /** Hit-ratio advantage (a fraction) another policy's shadow needs for the doctor to advise it. */
  static final double POLICY_ADVANTAGE = 0.02;

  private final CacheBounds bounds;
  private final DoctorThresholds thresholds;

  /** A doctor judging figures against {@code bounds} with {@code thresholds}. */
  public CacheDoctor(CacheBounds bounds, DoctorThresholds thresholds) {
    this.bounds = Objects.requireNonNull(bounds, "bounds");
    this.thresholds = Objects.requireNonNull(thresholds, "thresholds");
  }

  /** What the figures of one moment show: states and totals, no rates. */
  public Diagnosis examine(ProcessFigures now) {
    return examine(null, now, Duration.ZERO);
  }

  /**
   * What happened between {@code earlier} and {@code now}, {@code window} apart. With a null
   * {@code earlier} or a zero window, only the states and totals of {@code now} are judged.
   */
  public Diagnosis examine(ProcessFigures earlier, ProcessFigures now, Duration window) {
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(window, "window");
    boolean windowed = earlier != null && !window.isZero() && !window.isNegative();
    CacheStats delta = windowed ? now.cache().minus(earlier.cache()) : now.cache();
    List<Alert> alerts = new ArrayList<>();
    List<Advice> advice = new ArrayList<>();
    tiers(now, alerts);
    corruption(delta, windowed, window, alerts);
    String nearBound = memory(now, alerts);
    if (windowed) {
      double seconds = window.toNanos() / 1e9;
      churn(delta, seconds, window, alerts);
      hitRatio(earlier.cache(), delta, window, alerts);
      if (nearBound != null) {
        raiseBound(now, delta, window, nearBound, advice);
      }
      compression(now, delta, window, advice);
      policy(now.shadow().minus(earlier.shadow()), window, advice);
    } else {
      policy(now.shadow(), window, advice);
    }
    writeBehind(earlier, now, windowed, window, alerts, advice);
    alerts.sort(Comparator.comparing((Alert a) -> a.severity() != Severity.CRITICAL));
    return new Diagnosis(windowed ? window : Duration.ZERO, alerts, advice);
  }

  private void tiers(ProcessFigures now, List<Alert> alerts) {
    for (TierState t : now.tiers()) {
      if (t.status() != TierHealth.Status.UP) {
        Severity severity = t.status() == TierHealth.Status.DOWN ? Severity.CRITICAL : Severity.WARNING;
        String reason = t.lastError() == null || t.lastError().isBlank() ? "" : ": " + t.lastError();
        alerts.add(new Alert(AlertKind.TIER_UNHEALTHY, severity, t.tier(),
            "tier " + t.tier() + " is " + t.status() + reason, t.status().ordinal(), 0));
      }
      long bound = thresholds.tierReadP99().toNanos();
      if (t.readP99Nanos() > bound) {
        alerts.add(new Alert(AlertKind.SLOW_TIER, Severity.WARNING, t.tier(),
            "tier " + t.tier() + " answers reads in " + nanos(t.readP99Nanos()) + " at p99, above the bound of "
                + nanos(bound) + " (" + DoctorThresholds.TIER_READ_P99 + ")", t.readP99Nanos(), bound));
      }
    }
  }

  private static void corruption(CacheStats delta, boolean windowed, Duration window, List<Alert> alerts) {
    if (delta.corruptions() > 0) {
      String when = windowed ? "in the last " + describe(window) : "since the cache started";
      alerts.add(new Alert(AlertKind.CORRUPT_ENTRIES, Severity.WARNING, "cache",
          count(delta.corruptions()) + " stored entries were corrupt " + when
              + " (each was a counted miss and was extracted again); look for a failing disk or a writer "
              + "of another version", delta.corruptions(), 0));
    }
  }

  /** Raises the memory alert; returns the property of the bound that is near, or null. */
  private String memory(ProcessFigures now, List<Alert> alerts) {
    double entries = fraction(now.memoryEntries(), bounds.memoryMaxEntries());
    double bytesUsed = fraction(now.memoryOffHeapBytes(), bounds.memoryMaxBytes());
    if (Math.max(entries, bytesUsed) < thresholds.memoryUse()) {
      return null;
    }
    boolean byEntries = entries >= bytesUsed;
    String held = byEntries
        ? count(now.memoryEntries()) + " of its " + count(bounds.memoryMaxEntries()) + " entries"
        : bytes(now.memoryOffHeapBytes()) + " of its " + bytes(bounds.memoryMaxBytes());
    alerts.add(new Alert(AlertKind.MEMORY_NEAR_BOUND, Severity.WARNING, "memory",
        "the memory tier holds " + held + " (" + percent(Math.max(entries, bytesUsed)) + ", alert at "
            + percent(thresholds.memoryUse()) + ")", Math.max(entries, bytesUsed), thresholds.memoryUse()));
    return byEntries ? CacheConfig.MEMORY_MAX_ENTRIES : CacheConfig.MEMORY_MAX_BYTES;
  }

  private void churn(CacheStats delta, double seconds, Duration window, List<Alert> alerts) {
    long removed = delta.evictions() + delta.invalidations();
    double rate = removed / seconds;
    if (removed > 0 && rate > thresholds.churnPerSecond()) {
      alerts.add(new Alert(AlertKind.CHURN, Severity.WARNING, "cache", String.format(Locale.ROOT,
          "%,.0f entries per second left the cache over the last %s (%s evicted, %s invalidated), above the "
              + "bound of %,.0f (%s)", rate, describe(window), count(delta.evictions()), count(delta.invalidations()),
          thresholds.churnPerSecond(), DoctorThresholds.CHURN), rate, thresholds.churnPerSecond()));
    }
  }

  private void hitRatio(CacheStats before, CacheStats delta, Duration window, List<Alert> alerts) {
    long min = thresholds.minRequests();
    if (delta.requests() < min || before.requests() < min) {
      return;
    }
    double was = before.hitRate();
    double is = delta.hitRate();
    if (was - is > thresholds.hitRatioDrop()) {
      alerts.add(new Alert(AlertKind.HIT_RATIO_DROP, Severity.WARNING, "cache",
          "the hit ratio was " + percent(is) + " over the last " + describe(window) + " against "
              + percent(was) + " before it (" + count(delta.requests()) + " requests); new files, a changed "
              + "tree or a bound too small for the working set", was - is, thresholds.hitRatioDrop()));
    }
  }

  private void raiseBound(ProcessFigures now, CacheStats delta, Duration window, String property,
      List<Advice> advice) {
    long lowerHits = delta.hits() - delta.hits("memory");
    long cameBack = lowerHits > 0 ? lowerHits : delta.misses();
    if (delta.evictions() == 0 || cameBack == 0) {
      return;
    }
    boolean entries = property.equals(CacheConfig.MEMORY_MAX_ENTRIES);
    String current = entries ? count(bounds.memoryMaxEntries()) : bytes(bounds.memoryMaxBytes());
    String suggested = entries ? count(bounds.memoryMaxEntries() * 2) : bytes(bounds.memoryMaxBytes() * 2);
    String from = lowerHits > 0 ? "lower tiers served " + count(lowerHits) + " hits" : count(delta.misses())
        + " lookups missed";
    advice.add(new Advice(entries ? "RAISE_MEMORY_MAX_ENTRIES" : "RAISE_MEMORY_MAX_BYTES", property,
        "The memory tier is full and what it evicts comes back: raise " + property + " from " + current + " to "
            + suggested + " if the host has the memory.",
        count(delta.evictions()) + " evictions while the " + from + " in the last " + describe(window)
            + "; the tier holds " + count(now.memoryEntries()) + " entries in " + bytes(now.memoryOffHeapBytes())));
  }

  private void compression(ProcessFigures now, CacheStats delta, Duration window, List<Advice> advice) {
    if (!bounds.compressionEnabled() || delta.puts() < thresholds.minRequests() || now.memoryEntries() == 0) {
      return;
    }
    long averageStored = now.memoryOffHeapBytes() / now.memoryEntries();
    long written = delta.puts() * averageStored;
    long saved = Math.max(0, delta.compressionSavedBytes());
    double saving = (double) saved / Math.max(1, saved + written);
    if (saving < thresholds.compressionMinSavings()) {
      advice.add(new Advice("COMPRESSION_LOW_SAVINGS", CacheConfig.COMPRESSION_ENABLED,
          "Compression saves little on these entries: set " + CacheConfig.COMPRESSION_ENABLED
              + "=false to spend no time on it, or train a dictionary on a sample of entries ("
              + CacheConfig.COMPRESSION_DICTIONARY + ") if they are alike.",
          "saved " + bytes(saved) + " of about " + bytes(saved + written) + " written (" + percent(saving)
              + ", advice under " + percent(thresholds.compressionMinSavings()) + ") over " + count(delta.puts())
              + " puts in the last " + describe(window)));
    }
  }

  private void writeBehind(ProcessFigures earlier, ProcessFigures now, boolean windowed, Duration window,
      List<Alert> alerts, List<Advice> advice) {
    long lagBound = thresholds.writeLag().toMillis();
    boolean lagging = now.writeBehindLagMillis() > lagBound;
    boolean growing = windowed && now.writeBehindDepth() > earlier.writeBehindDepth()
        && now.writeBehindDepth() > 2L * bounds.writeBehindBatchSize();
    if (!lagging && !growing) {
      return;
    }
    String message = lagging
        ? "the oldest write waiting for the lower tiers is " + describe(Duration.ofMillis(now.writeBehindLagMillis()))
            + " old, above the bound of " + describe(thresholds.writeLag()) + " (" + DoctorThresholds.WRITE_LAG + "); "
            + count(now.writeBehindDepth()) + " writes wait"
        : "the write-behind backlog grew from " + count(earlier.writeBehindDepth()) + " to "
            + count(now.writeBehindDepth()) + " writes over the last " + describe(window);
    alerts.add(new Alert(AlertKind.WRITE_BEHIND_LAG, Severity.WARNING, "write-behind", message,
        now.writeBehindLagMillis(), lagBound));
    boolean tiersWork = now.tiers().stream().allMatch(t -> t.status() == TierHealth.Status.UP)
        && (!windowed || failures(now) == failures(earlier));
    int batch = bounds.writeBehindBatchSize();
    if (tiersWork && batch < 65_536) {
      advice.add(new Advice("RAISE_BATCH_SIZE", WriteBehindPipeline.Builder.BATCH_SIZE,
          "The lower tiers drain slower than writes arrive while they all work: raise "
              + WriteBehindPipeline.Builder.BATCH_SIZE + " from " + batch + " to " + Math.min(65_536, batch * 4)
              + " (bigger batches cost fewer round trips and transactions per write).",
          count(now.writeBehindDepth()) + " writes waiting, the oldest "
              + describe(Duration.ofMillis(now.writeBehindLagMillis())) + " old, no tier failing"));
    }
  }

  /**
   * Advises another policy when its shadow hit more than the current policy's shadow, by at least
   * {@value #POLICY_ADVANTAGE} of the sampled requests, over at least {@value #POLICY_MIN_REQUESTS}
   * of them. Comparing shadow with shadow (not with the tier's own hit ratio) keeps the sampling's
   * error out of the comparison: every shadow ran the same sampled requests at the same bound.
   */
  private void policy(ShadowHitRates shadow, Duration window, List<Advice> advice) {
    if (shadow.requests() < POLICY_MIN_REQUESTS) {
      return;
    }
    PolicyKind current = bounds.policy();
    PolicyKind best = current;
    for (PolicyKind kind : PolicyKind.values()) {
      if (shadow.hitRate(kind) > shadow.hitRate(best)) {
        best = kind;
      }
    }
    double gain = shadow.hitRate(best) - shadow.hitRate(current);
    if (best == current || gain < POLICY_ADVANTAGE) {
      return;
    }
    String over = window.isZero() ? "since the tier opened" : "in the last " + describe(window);
    advice.add(new Advice("SWITCH_POLICY", CacheConfig.MEMORY_POLICY,
        "Another eviction policy fits this workload better: set " + CacheConfig.MEMORY_POLICY + "="
            + best.configName() + " (now " + current.configName() + ").",
        best.configName() + " would have hit " + percent(shadow.hitRate(best)) + " against " + current.configName()
            + "'s " + percent(shadow.hitRate(current)) + " on one key in " + shadow.sampleRate() + " ("
            + count(shadow.requests()) + " sampled requests " + over + ")"));
  }

  private static long failures(ProcessFigures f) {
    return f.tiers().stream().mapToLong(TierState::writeFailures).sum();
  }

  private static double fraction(long used, long bound) {
    return bound <= 0 ? 0 : (double) used / bound;
  }
}
