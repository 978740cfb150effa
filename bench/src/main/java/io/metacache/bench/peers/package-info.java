/**
 * The peers the workload benchmarks compare, behind one small facade: {@link
 * io.metacache.bench.peers.CacheType} names them, {@link io.metacache.bench.peers.BasicCache} is
 * all a benchmark sees.
 */
package io.metacache.bench.peers;
