/**
 * The disk tier: one checksummed file per entry in a sharded directory, written atomically, with a
 * byte cap enforced by least-recently-used eviction. Opened by name {@code disk} through
 * {@link io.metacache.tiers.disk.DiskTierProvider}; the file format is specified in
 * {@code docs/disk-format.md}.
 */
package io.metacache.tiers.disk;
