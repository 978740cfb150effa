/**
 * The write-behind pipeline that carries the cache's writes to the lower tiers in the background:
 * a Disruptor ring, a coalescing batcher, and one lane per tier with retries, a circuit breaker
 * and a bounded backlog. {@link io.metacache.writebehind.WriteBehindPipeline} is the entry point
 * and describes the design; the other public types are its settings and snapshots.
 */
package io.metacache.writebehind;
