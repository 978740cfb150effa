/**
 * Secondary indexes over cached metadata and the queries they answer.
 *
 * <p>{@link io.metacache.query.IndexFields} names the metadata keys that are indexed (language,
 * function and class names, referenced documents); {@link io.metacache.query.MetadataQuery}
 * combines criteria with AND, a path regular expression and a limit;
 * {@link io.metacache.query.IndexedEntry} is one answer. The cache keeps a
 * {@link io.metacache.query.QueryIndex} in step with its puts, invalidations, expiry and
 * evictions; see {@code MetaCache#query} for what "cached" means there.
 */
package io.metacache.query;
