package io.metacache.tiers.redis;

import static io.metacache.config.ConfigValues.invalid;

import io.lettuce.core.RedisURI;
import io.metacache.config.ConfigValues;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The Redis tier's settings, read and validated from {@code metacache.redis.*} properties. Every
 * bad value is an {@link IllegalArgumentException} naming the property, the value and what is
 * accepted ({@link ConfigValues#invalid}).
 *
 * @param uris one URI for a standalone server, one or more seed URIs for a Cluster
 * @param cluster whether to talk the Cluster protocol
 * @param timeout command timeout (also the upper bound of a batch apply)
 * @param requestQueueSize commands a connection may hold before it rejects more
 * @param keyPrefix prefix of every key and of the invalidation channel
 */
record RedisSettings(List<RedisURI> uris, boolean cluster, Duration timeout, int requestQueueSize,
    String keyPrefix) {

  static final String URI = "metacache.redis.uri";
  static final String CLUSTER = "metacache.redis.cluster";
  static final String TIMEOUT = "metacache.redis.timeout";
  static final String REQUEST_QUEUE_SIZE = "metacache.redis.request-queue-size";
  static final String KEY_PREFIX = "metacache.redis.key-prefix";

  static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(500);
  static final int DEFAULT_REQUEST_QUEUE_SIZE = 10_000;
  static final String DEFAULT_KEY_PREFIX = "mc:v1:";

  private static final Duration MAX_TIMEOUT = Duration.ofMinutes(5);
  private static final int MAX_PREFIX_LENGTH = 64;
  private static final String URI_ACCEPTED = "a redis:// or rediss:// URI such as "
      + "redis://:password@host:6379/0, or a comma-separated list of them for a Redis Cluster";

  /** Reads the settings through {@code property} (returns {@code null} when a property is unset). */
  static RedisSettings from(Function<String, String> property) {
    String uriValue = property.apply(URI);
    if (uriValue == null || uriValue.isBlank()) {
      throw invalid(URI, String.valueOf(uriValue), URI_ACCEPTED + " (the property is required)");
    }
    String shown = redact(uriValue);
    List<RedisURI> uris = parseUris(uriValue, shown);

    String clusterValue = property.apply(CLUSTER);
    boolean cluster = uris.size() > 1;
    if (clusterValue != null && !clusterValue.isBlank()) {
      boolean requested = ConfigValues.parseBoolean(CLUSTER, clusterValue);
      if (!requested && uris.size() > 1) {
        throw invalid(CLUSTER, clusterValue,
            "true, or a single URI in " + URI + " (a list of URIs means a Redis Cluster)");
      }
      cluster = requested;
    }
    if (cluster) {
      for (RedisURI u : uris) {
        if (u.getDatabase() != 0) {
          throw invalid(URI, shown, URI_ACCEPTED + " (a Redis Cluster has only database 0)");
        }
      }
    }

    Duration timeout = DEFAULT_TIMEOUT;
    String timeoutValue = property.apply(TIMEOUT);
    if (timeoutValue != null && !timeoutValue.isBlank()) {
      timeout = ConfigValues.parseDuration(TIMEOUT, timeoutValue);
      if (timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
        throw invalid(TIMEOUT, timeoutValue, "a duration above 0 and at most 5m, such as 500ms or 2s");
      }
    }

    int queueSize = DEFAULT_REQUEST_QUEUE_SIZE;
    String queueValue = property.apply(REQUEST_QUEUE_SIZE);
    if (queueValue != null && !queueValue.isBlank()) {
      queueSize = (int) ConfigValues.parseLong(REQUEST_QUEUE_SIZE, queueValue, 16, Integer.MAX_VALUE);
    }

    String prefix = DEFAULT_KEY_PREFIX;
    String prefixValue = property.apply(KEY_PREFIX);
    if (prefixValue != null) {
      prefix = checkPrefix(prefixValue);
    }
    return new RedisSettings(List.copyOf(uris), cluster, timeout, queueSize, prefix);
  }

  /** The channel invalidations are published on: the key prefix followed by {@code invalidations}. */
  String channel() {
    return keyPrefix + "invalidations";
  }

  /** The URI list with any user-info (passwords) masked, for error messages. */
  static String redact(String uris) {
    return uris.replaceAll("(?i)(rediss?://)[^@/,]*@", "$1***@");
  }

  private static List<RedisURI> parseUris(String value, String shown) {
    List<RedisURI> uris = new ArrayList<>();
    for (String part : value.split(",", -1)) {
      String s = part.trim();
      String scheme = s.toLowerCase(Locale.ROOT);
      if (!(scheme.startsWith("redis://") || scheme.startsWith("rediss://"))) {
        throw invalid(URI, shown, URI_ACCEPTED);
      }
      RedisURI uri;
      try {
        uri = RedisURI.create(s);
      } catch (IllegalArgumentException e) {
        throw invalid(URI, shown, URI_ACCEPTED);
      }
      if (uri.getHost() == null || uri.getHost().isEmpty()) {
        throw invalid(URI, shown, URI_ACCEPTED + " (a host is required)");
      }
      uris.add(uri);
    }
    return uris;
  }

  // The prefix goes into SCAN MATCH patterns, so glob characters would widen clear() beyond our keys.
  private static String checkPrefix(String value) {
    String accepted = "1 to " + MAX_PREFIX_LENGTH
        + " printable ASCII characters without spaces or the glob characters * ? [ ] \\";
    if (value.isEmpty() || value.length() > MAX_PREFIX_LENGTH) {
      throw invalid(KEY_PREFIX, value, accepted);
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c <= ' ' || c > '~' || c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
        throw invalid(KEY_PREFIX, value, accepted);
      }
    }
    return value;
  }
}
