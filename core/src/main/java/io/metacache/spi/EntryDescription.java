package io.metacache.spi;

/**
 * What a tier may store beside an encoded entry to make it queryable. Any component may be
 * {@code null}.
 *
 * @param path the file's path as the cache saw it
 * @param profile the extraction profile ({@code basic}, {@code full}, ...)
 * @param metadataJson the entry's metadata as one JSON object ({@code byte[]} values as base64
 *     strings, non-finite doubles as {@code null})
 */
public record EntryDescription(String path, String profile, String metadataJson) {}
