package io.metacache.tiers.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.metacache.spi.TierProvider;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class RedisSettingsTest {

  private static RedisSettings settings(String... properties) {
    Map<String, String> map = new HashMap<>();
    for (int i = 0; i < properties.length; i += 2) {
      map.put(properties[i], properties[i + 1]);
    }
    return RedisSettings.from(map::get);
  }

  @Test
  void serviceLoaderFindsRedis() {
    assertThat(ServiceLoader.load(TierProvider.class).stream().map(ServiceLoader.Provider::get))
        .anySatisfy(p -> {
          assertThat(p.name()).isEqualTo("redis");
          assertThat(p).isInstanceOf(RedisTierProvider.class);
        });
  }

  @Test
  void defaults() {
    RedisSettings s = settings("metacache.redis.uri", "redis://localhost:6380/3");
    assertThat(s.cluster()).isFalse();
    assertThat(s.uris()).hasSize(1);
    assertThat(s.uris().get(0).getDatabase()).isEqualTo(3);
    assertThat(s.timeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(s.requestQueueSize()).isEqualTo(10_000);
    assertThat(s.keyPrefix()).isEqualTo("mc:v1:");
    assertThat(s.channel()).isEqualTo("mc:v1:invalidations");
  }

  @Test
  void aListOfUrisOrTheFlagMeansCluster() {
    assertThat(settings("metacache.redis.uri", "redis://a:7000, redis://b:7001").cluster()).isTrue();
    assertThat(settings("metacache.redis.uri", "redis://a:7000", "metacache.redis.cluster", "true").cluster())
        .isTrue();
  }

  @Test
  void passwordAndTlsComeFromTheUri() {
    RedisSettings s = settings("metacache.redis.uri", "rediss://:s3cret@example.com:6390/1");
    assertThat(s.uris().get(0).isSsl()).isTrue();
    assertThat(s.uris().get(0).getCredentialsProvider().resolveCredentials().block().getPassword())
        .containsExactly('s', '3', 'c', 'r', 'e', 't');
  }

  @Test
  void missingUriNamesTheProperty() {
    assertThatThrownBy(() -> settings())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("metacache.redis.uri").hasMessageContaining("required");
  }

  @Test
  void badUriNamesPropertyValueAndAcceptedForm() {
    assertThatThrownBy(() -> settings("metacache.redis.uri", "http://localhost:6379"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("metacache.redis.uri").hasMessageContaining("'http://localhost:6379'")
        .hasMessageContaining("redis://");
  }

  @Test
  void badUriMessageHidesThePassword() {
    assertThatThrownBy(() -> settings("metacache.redis.uri", "redis://:hunter2@h:1,ftp://x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("metacache.redis.uri").hasMessageNotContaining("hunter2")
        .hasMessageContaining("***@");
  }

  @Test
  void clusterWithADatabaseIsRefused() {
    assertThatThrownBy(() -> settings("metacache.redis.uri", "redis://a:1/2,redis://b:2"))
        .hasMessageContaining("metacache.redis.uri").hasMessageContaining("database 0");
  }

  @Test
  void clusterFalseWithAListIsRefused() {
    assertThatThrownBy(() -> settings("metacache.redis.uri", "redis://a:1,redis://b:2",
        "metacache.redis.cluster", "false"))
        .hasMessageContaining("metacache.redis.cluster").hasMessageContaining("'false'");
    assertThatThrownBy(() -> settings("metacache.redis.uri", "redis://a:1", "metacache.redis.cluster", "yes"))
        .hasMessageContaining("metacache.redis.cluster").hasMessageContaining("true or false");
  }

  @Test
  void badTimeoutNamesTheProperty() {
    assertThatThrownBy(() -> settings("metacache.redis.uri", "redis://a:1", "metacache.redis.timeout", "soon"))
        .hasMessageContaining("metacache.redis.timeout").hasMessageContaining("'soon'")
        .hasMessageContaining("duration");
    assertThatThrownBy(() -> settings("metacache.redis.uri", "redis://a:1", "metacache.redis.timeout", "0"))
        .hasMessageContaining("metacache.redis.timeout").hasMessageContaining("above 0");
    assertThat(settings("metacache.redis.uri", "redis://a:1", "metacache.redis.timeout", "2s").timeout())
        .isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void badQueueSizeNamesTheProperty() {
    assertThatThrownBy(() -> settings("metacache.redis.uri", "redis://a:1",
        "metacache.redis.request-queue-size", "0"))
        .hasMessageContaining("metacache.redis.request-queue-size").hasMessageContaining("'0'")
        .hasMessageContaining("16");
    assertThatThrownBy(() -> settings("metacache.redis.uri", "redis://a:1",
        "metacache.redis.request-queue-size", "lots"))
        .hasMessageContaining("metacache.redis.request-queue-size");
  }

  @Test
  void badPrefixNamesTheProperty() {
    for (String bad : new String[] {"", "a*", "has space", "x[1]"}) {
      assertThatThrownBy(() -> settings("metacache.redis.uri", "redis://a:1", "metacache.redis.key-prefix", bad))
          .hasMessageContaining("metacache.redis.key-prefix").hasMessageContaining("'" + bad + "'")
          .hasMessageContaining("glob");
    }
  }
}
