/**
 * The cache doctor: plain sentences a person can act on, from the live statistics, in the spirit
 * of Redis's {@code MEMORY DOCTOR} and {@code LATENCY DOCTOR}.
 *
 * <p>{@link io.metacache.doctor.CacheDoctor} compares two samples of a cache's figures (one
 * process's, or the total of every process using a cache directory) and returns a
 * {@link io.metacache.doctor.Diagnosis}: {@link io.metacache.doctor.Alert}s on thresholds set by
 * {@link io.metacache.doctor.DoctorThresholds}, and {@link io.metacache.doctor.Advice}, each with
 * the figures behind it. {@code MetaCache.diagnose()} runs it on a live cache, {@code metacache
 * doctor} on a cache directory, and the alerts are gauges in Micrometer and JMX.
 */
package io.metacache.doctor;
