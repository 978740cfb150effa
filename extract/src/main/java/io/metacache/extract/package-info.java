/**
 * Extractors for the {@code basic} and {@code full} profiles ({@link io.metacache.extract.Extractors}).
 *
 * <p>{@code basic}: size, modified/created/accessed times, POSIX permissions and owner, and the
 * MIME type Apache Tika detects from the content (magic bytes, refined by the file name).
 * {@code full} adds, for images, EXIF and XMP read by metadata-extractor and, for Java, Python, C
 * and Go sources, the language, function names, class names and referenced documents under the
 * keys the query indexes read ({@link io.metacache.query.IndexFields}).
 */
package io.metacache.extract;
