/**
 * Secondary indexes over cached metadata and the queries they answer.
 *
 * <p>{@link io.metacache.query.IndexFields} names the metadata keys that are indexed (language,
 * function and class names, referenced documents); {@link io.metacache.query.MetadataQuery}
 * combines criteria with AND, a path regular expression and a limit;
 * {@link io.metacache.query.IndexedEntry} is one answer. The cache keeps a
 * {@link io.metacache.query.QueryIndex} in step with its puts, invalidations, expiry and
 * evictions; see {@code MetaCache#query} for what "cached" means there.
 *
 * <p>A path regular expression is narrowed by a trigram index over the paths: when literals that
 * every match must contain can be read out of it ({@code /src/.*Test\.java$} requires
 * {@code /src/} and {@code Test.java}), only the paths holding all their three-character
 * substrings are tested, which turns a scan of every path into a few posting intersections. A
 * regex with no literal of three characters, with flags such as {@code (?i)}, or with syntax the
 * reader does not model falls back to testing every path, as without the index; the results are
 * the same either way.
 */
package io.metacache.query;
