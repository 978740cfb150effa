package io.metacache.tiers.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.ClientOptions.DisconnectedBehavior;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.ThreadFactoryProvider;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The three connections a Redis tier holds, to a standalone server or to a Cluster: a shared one
 * for reads, pings and publishes; a dedicated one with manual flushing for pipelined batches; and a
 * pub/sub one for invalidations. Standalone and Cluster differ only here; above this class both are
 * seen through Lettuce's common {@link RedisClusterCommands} interfaces.
 *
 * <p>The batch connection has a client of its own, with I/O threads made by the tier's
 * background thread factory (the write-behind's priority, idle by default): encoding a batch of
 * a thousand entries and decoding its replies is write-behind work, and at the normal priority it
 * preempted the application's {@code put}s. Reads keep a client at the normal priority.
 */
final class RedisConnections implements AutoCloseable {
  /** Reconnect attempts back off exponentially from 10 ms, capped so a restarted server is found within 2 s. */
  private static final Delay RECONNECT_DELAY =
      Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS);
  private static final Duration MIN_CONNECT_TIMEOUT = Duration.ofSeconds(1);

  private final Client reads;
  private final Client batches;
  private final StatefulConnection<byte[], byte[]> shared;
  private final RedisClusterCommands<byte[], byte[]> sharedSync;
  private final RedisClusterAsyncCommands<byte[], byte[]> sharedAsync;
  private final StatefulConnection<byte[], byte[]> batch;
  private final RedisClusterAsyncCommands<byte[], byte[]> batchAsync;
  private final StatefulRedisPubSubConnection<byte[], byte[]> pubSub;
  private final Runnable pingAll;
  /** Command timeout, which also bounds the wait for a PING on the batch connection. */
  private final Duration timeout;

  /** A Lettuce client with the resources (threads) it alone uses. */
  private record Client(ClientResources resources, AbstractRedisClient client) {
    void shutdown() {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
  }

  private RedisConnections(Client reads, Client batches,
      StatefulConnection<byte[], byte[]> shared, RedisClusterCommands<byte[], byte[]> sharedSync,
      RedisClusterAsyncCommands<byte[], byte[]> sharedAsync, StatefulConnection<byte[], byte[]> batch,
      RedisClusterAsyncCommands<byte[], byte[]> batchAsync,
      StatefulRedisPubSubConnection<byte[], byte[]> pubSub, Runnable pingAll, Duration timeout) {
    this.reads = reads;
    this.batches = batches;
    this.shared = shared;
    this.sharedSync = sharedSync;
    this.sharedAsync = sharedAsync;
    this.batch = batch;
    this.batchAsync = batchAsync;
    this.pubSub = pubSub;
    this.pingAll = pingAll;
    this.timeout = timeout;
  }

  /**
   * Connects all three connections; on failure releases whatever was opened and rethrows Lettuce's
   * exception.
   *
   * @param backgroundThreads wraps the thread factories of the batch connection's client
   */
  static RedisConnections open(RedisSettings settings, UnaryOperator<ThreadFactory> backgroundThreads) {
    for (RedisURI uri : settings.uris()) {
      uri.setTimeout(settings.timeout());
    }
    Client reads = null;
    Client batches = null;
    try {
      ThreadFactoryProvider background = pool -> backgroundThreads.apply(new DefaultThreadFactory(pool, true));
      reads = client(settings, ClientResources.builder().reconnectDelay(RECONNECT_DELAY).build(), true);
      // The batch connection's commands carry no timer of their own: RedisTier awaits every
      // pipelined future with the timeout and cancels the rest, and ping() awaits its PING the
      // same way. A per-command timer cost a timer-wheel insert on the write-behind thread and a
      // cancel on the event loop for each entry (a tenth of the loop's samples in a drain).
      batches = client(settings, ClientResources.builder().reconnectDelay(RECONNECT_DELAY)
          .ioThreadPoolSize(2).computationThreadPoolSize(2).threadFactoryProvider(background).build(), false);
      return settings.cluster()
          ? openCluster(reads, batches, settings.timeout())
          : openStandalone(reads, batches, settings.timeout());
    } catch (RuntimeException e) {
      if (batches != null) {
        batches.shutdown();
      }
      if (reads != null) {
        reads.shutdown();
      }
      throw e;
    }
  }

  /**
   * A client over {@code resources}; {@code commandTimeouts}: whether each command fails by itself
   * after the configured timeout (else the caller bounds its waits).
   */
  private static Client client(RedisSettings settings, ClientResources resources, boolean commandTimeouts) {
    TimeoutOptions timeouts = commandTimeouts ? TimeoutOptions.enabled(settings.timeout()) : TimeoutOptions.create();
    try {
      if (settings.cluster()) {
        RedisClusterClient c = RedisClusterClient.create(resources, settings.uris());
        c.setOptions(clusterOptions(settings, timeouts));
        return new Client(resources, c);
      }
      RedisClient c = RedisClient.create(resources, settings.uris().get(0));
      c.setOptions(standaloneOptions(settings, timeouts));
      return new Client(resources, c);
    } catch (RuntimeException e) {
      resources.shutdown(0, 2, TimeUnit.SECONDS);
      throw e;
    }
  }

  private static RedisConnections openStandalone(Client reads, Client batches, Duration timeout) {
    StatefulRedisConnection<byte[], byte[]> shared = null;
    StatefulRedisConnection<byte[], byte[]> batch = null;
    try {
      shared = ((RedisClient) reads.client()).connect(ByteArrayCodec.INSTANCE);
      batch = ((RedisClient) batches.client()).connect(ByteArrayCodec.INSTANCE);
      batch.setAutoFlushCommands(false);
      StatefulRedisPubSubConnection<byte[], byte[]> pubSub = ((RedisClient) reads.client()).connectPubSub(ByteArrayCodec.INSTANCE);
      var sync = shared.sync();
      return new RedisConnections(reads, batches, shared, sync, shared.async(), batch,
          batch.async(), pubSub, sync::ping, timeout);
    } catch (RuntimeException e) {
      closeQuietly(batch);
      closeQuietly(shared);
      throw e;
    }
  }

  private static RedisConnections openCluster(Client reads, Client batches, Duration timeout) {
    StatefulRedisClusterConnection<byte[], byte[]> shared = null;
    StatefulRedisClusterConnection<byte[], byte[]> batch = null;
    try {
      shared = ((RedisClusterClient) reads.client()).connect(ByteArrayCodec.INSTANCE);
      batch = ((RedisClusterClient) batches.client()).connect(ByteArrayCodec.INSTANCE);
      batch.setAutoFlushCommands(false);
      connectToEveryMaster(shared);
      connectToEveryMaster(batch);
      StatefulRedisPubSubConnection<byte[], byte[]> pubSub =
          ((RedisClusterClient) reads.client()).connectPubSub(ByteArrayCodec.INSTANCE);
      var sync = shared.sync();
      Runnable pingAll = () -> sync.upstream().commands().ping().forEach(reply -> { });
      return new RedisConnections(reads, batches, shared, sync, shared.async(), batch,
          batch.async(), pubSub, pingAll, timeout);
    } catch (RuntimeException e) {
      closeQuietly(batch);
      closeQuietly(shared);
      throw e;
    }
  }

  // Lettuce opens a Cluster connection's per-node connections lazily, and with REJECT_COMMANDS a
  // command for a node whose connection is still being established is rejected, not queued. Node
  // connections opened lazily while auto-flush is off could also receive their commands after
  // flushCommands() ran and sit buffered until the next flush. So every master's connection is
  // opened up front; a master that joins later costs one rejected batch, which the caller retries.
  private static void connectToEveryMaster(StatefulRedisClusterConnection<byte[], byte[]> connection) {
    for (RedisClusterNode node : connection.getPartitions()) {
      if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
        // by host and port: that is how Lettuce pools the connections it routes slots to
        connection.getConnection(node.getUri().getHost(), node.getUri().getPort());
      }
    }
  }

  private static ClientOptions standaloneOptions(RedisSettings settings, TimeoutOptions timeouts) {
    return ClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(DisconnectedBehavior.REJECT_COMMANDS)
        .requestQueueSize(settings.requestQueueSize())
        .timeoutOptions(timeouts)
        .socketOptions(socketOptions(settings))
        // A batch that failed is failed: the write-behind retries it whole. Replaying its commands
        // after a reconnect could land an old write after a newer one.
        .replayFilter(command -> true)
        .build();
  }

  private static ClusterClientOptions clusterOptions(RedisSettings settings, TimeoutOptions timeouts) {
    // Lettuce 7 refreshes the topology adaptively by default (MOVED, ASK, persistent reconnects,
    // uncovered slots, unknown nodes), which is what a cache riding out a failover needs.
    ClusterClientOptions.Builder builder = ClusterClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(DisconnectedBehavior.REJECT_COMMANDS)
        .requestQueueSize(settings.requestQueueSize())
        .timeoutOptions(timeouts)
        .socketOptions(socketOptions(settings));
    builder.replayFilter(command -> true);
    return builder.build();
  }

  private static SocketOptions socketOptions(RedisSettings settings) {
    Duration connect = settings.timeout().compareTo(MIN_CONNECT_TIMEOUT) < 0 ? MIN_CONNECT_TIMEOUT : settings.timeout();
    return SocketOptions.builder().connectTimeout(connect).keepAlive(true).tcpNoDelay(true).build();
  }

  /** Synchronous commands on the shared connection; each times out after the configured timeout. */
  RedisClusterCommands<byte[], byte[]> commands() {
    return sharedSync;
  }

  /** Asynchronous commands on the shared connection (publishes). */
  RedisClusterAsyncCommands<byte[], byte[]> sharedAsync() {
    return sharedAsync;
  }

  /** Asynchronous commands on the batch connection; nothing is sent until {@link #flushBatch()}. */
  RedisClusterAsyncCommands<byte[], byte[]> batchAsync() {
    return batchAsync;
  }

  /** Sends every command queued on the batch connection. */
  void flushBatch() {
    batch.flushCommands();
  }

  /** The pub/sub connection; Lettuce resubscribes its channels after every reconnect. */
  StatefulRedisPubSubConnection<byte[], byte[]> pubSub() {
    return pubSub;
  }

  /**
   * PING on the standalone server or on every Cluster master, then on the batch connection, which
   * reconnects on its own: the tier is reachable only when writes can go through too. Throws
   * Lettuce's exception on failure.
   */
  void ping() {
    pingAll.run();
    RedisFuture<String> reply = batchAsync.ping();
    batch.flushCommands();
    LettuceFutures.awaitOrCancel(reply, 2 * timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    closeQuietly(pubSub);
    closeQuietly(batch);
    closeQuietly(shared);
    batches.shutdown();
    reads.shutdown();
  }

  private static void closeQuietly(StatefulConnection<?, ?> connection) {
    if (connection != null) {
      try {
        connection.close();
      } catch (RuntimeException ignored) {
        // closing is best effort; the client shutdown that follows releases the socket
      }
    }
  }
}
