package io.metacache.tiers.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.metacache.spi.Keys;
import io.metacache.spi.TierException;
import io.metacache.spi.TierOperation;
import io.metacache.testkit.RedisServerProcess;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A server behind {@code requirepass}: the password and database come from the URI. */
class RedisTierAuthTest {
  private static RedisServerProcess server;

  @BeforeAll
  static void startServer() {
    server = RedisServerProcess.launch("--requirepass", "s3cret");
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void passwordAndDatabaseFromTheUri() {
    String uri = "redis://:s3cret@127.0.0.1:" + server.port() + "/2";
    try (RedisTier tier = RedisTiers.open("metacache.redis.uri", uri, "metacache.redis.timeout", "3s")) {
      tier.apply(List.of(TierOperation.put(1, 1, new byte[] {4, 2}, 0)));
      assertThat(tier.get(1, 1)).containsExactly(4, 2);
      tier.ping();
    }
    RedisClient client = RedisClient.create(uri);
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      assertThat(c.sync().exists("mc:v1:" + Keys.hex(1, 1))).isEqualTo(1L);
      c.sync().select(0);
      assertThat(c.sync().exists("mc:v1:" + Keys.hex(1, 1))).isZero();
    } finally {
      client.shutdown();
    }
  }

  @Test
  void aWrongPasswordIsATierExceptionThatDoesNotShowIt() {
    String uri = "redis://:wrong-pw@127.0.0.1:" + server.port();
    assertThatThrownBy(() -> RedisTiers.open("metacache.redis.uri", uri))
        .isInstanceOf(TierException.class).hasMessageNotContaining("wrong-pw");
  }
}
