/** Workload generators shared by the benchmarks: key distributions, operation mixes. */
package io.metacache.bench.workload;
