/**
 * Cache entries and their versioned binary format: {@link io.metacache.codec.CacheEntry},
 * {@link io.metacache.codec.EntryCodec}, the layout descriptor
 * {@link io.metacache.codec.EntryLayout} (specified in {@code docs/format.md}), metadata checks
 * and zstd dictionary training.
 */
package io.metacache.codec;
