package io.metacache;

import io.metacache.codec.EntryCodec;
import io.metacache.stats.StatsCounter;
import java.util.function.LongSupplier;

/**
 * The parts of one cache that its machinery shares: the tiers, the key stripes, the query index's
 * keeper, the change feed, the codec, the statistics and the clock. Handed to each machinery class
 * at construction, which copies what it uses into final fields of its own (nothing reads through
 * this record on a request).
 */
record CacheParts(CacheTiers tiers, KeyStripes stripes, IndexKeeper indexKeeper, ChangeFeedLink changes,
    EntryCodec codec, StatsCounter stats, LongSupplier clock) {}
