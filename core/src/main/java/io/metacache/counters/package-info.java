/**
 * Live statistics shared between processes: each open cache publishes its counters into a
 * memory-mapped file under {@code <cache dir>/procs/} (Agrona counters behind a small header), and
 * {@link io.metacache.counters.ProcessStatsReader} lists the live processes using a cache directory
 * with their figures and a total, as AeronStat does for an Aeron media driver. The file is
 * specified in {@code docs/process-counters.md} and described once in
 * {@link io.metacache.counters.CountersFileDescriptor}.
 *
 * <p>{@link io.metacache.counters.CountersPublisher} is public only so that {@code MetaCache} can
 * start it; it is not API.
 */
package io.metacache.counters;
