package io.metacache.codec;

/**
 * What a queryable tier stores beside an encoded entry: its path, its profile and its metadata as
 * JSON text ({@link EntryCodec#summarize}).
 *
 * @param path the file path the entry describes
 * @param profile the extraction profile
 * @param metadataJson the metadata as RFC 8259 JSON, objects in stored order, bytes as base64
 */
public record EntrySummary(String path, String profile, String metadataJson) {}
