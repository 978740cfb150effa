/**
 * Export of a cache's statistics and health: JMX MBeans ({@link io.metacache.metrics.JmxExporter})
 * and a Micrometer {@code MeterBinder} ({@link io.metacache.metrics.MetaCacheMetrics}). Micrometer
 * is an optional dependency: only applications that use {@code MetaCacheMetrics} need it on their
 * class path; nothing else in the library loads it.
 */
package io.metacache.metrics;
