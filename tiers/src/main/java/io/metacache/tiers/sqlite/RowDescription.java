package io.metacache.tiers.sqlite;

/**
 * The queryable columns of one stored entry, as produced by a row describer (see
 * {@link SqliteTier#setRowDescriber}). Any component may be {@code null}; a
 * {@code metadataJson} that is not valid JSON is stored as {@code NULL}.
 *
 * @param path the file's path, as the cache saw it
 * @param profile the extraction profile ({@code basic}, {@code full}, ...)
 * @param metadataJson the extracted metadata as a JSON object, for {@code json_extract} queries
 */
public record RowDescription(String path, String profile, String metadataJson) {

  /** A description with every column {@code NULL}. */
  public static final RowDescription EMPTY = new RowDescription(null, null, null);
}
