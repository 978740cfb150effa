package io.metacache.metrics;

import io.metacache.MetaCache;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Objects;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Registers a cache's MBeans: {@code io.metacache:type=CacheStats,name=<name>}
 * ({@link CacheStatsMXBean}) and {@code io.metacache:type=CacheHealth,name=<name>}
 * ({@link CacheHealthMXBean}). Close the returned registration (before or with the cache) to
 * unregister them.
 *
 * <pre>{@code
 * try (MetaCache cache = MetaCache.builder().build();
 *      JmxExporter.Registration jmx = JmxExporter.register(cache, "extraction")) { ... }
 * }</pre>
 */
public final class JmxExporter {
  /** The JMX domain. */
  public static final String DOMAIN = "io.metacache";

  private JmxExporter() {}

  /** Registers under the name {@code default} in the platform MBean server. */
  public static Registration register(MetaCache cache) {
    return register(cache, "default");
  }

  /** Registers under {@code name} in the platform MBean server. */
  public static Registration register(MetaCache cache, String name) {
    return register(cache, name, ManagementFactory.getPlatformMBeanServer());
  }

  /**
   * Registers under {@code name} in {@code server}.
   *
   * @throws IllegalArgumentException if the name is blank or already registered
   */
  public static Registration register(MetaCache cache, String name, MBeanServer server) {
    Objects.requireNonNull(cache, "cache");
    Objects.requireNonNull(server, "server");
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("name: expected a non-blank name");
    }
    ObjectName stats = objectName("CacheStats", name);
    ObjectName health = objectName("CacheHealth", name);
    try {
      server.registerMBean(new CacheMBeans.Stats(cache), stats);
      try {
        server.registerMBean(new CacheMBeans.Health(cache), health);
      } catch (JMException | RuntimeException e) {
        server.unregisterMBean(stats);
        throw e;
      }
    } catch (javax.management.InstanceAlreadyExistsException e) {
      throw new IllegalArgumentException("a metacache named '" + name + "' is already registered in JMX", e);
    } catch (JMException e) {
      throw new IllegalStateException("cannot register the metacache MBeans for '" + name + "': " + e, e);
    }
    return new Registration(server, List.of(stats, health));
  }

  /** The object name of one of a cache's MBeans. */
  public static ObjectName objectName(String type, String name) {
    try {
      return new ObjectName(DOMAIN + ":type=" + type + ",name=" + ObjectName.quote(name));
    } catch (javax.management.MalformedObjectNameException e) {
      throw new IllegalArgumentException("name '" + name + "' cannot be part of a JMX object name", e);
    }
  }

  /** Registered MBeans; closing unregisters them. Idempotent. */
  public static final class Registration implements AutoCloseable {
    private final MBeanServer server;
    private final List<ObjectName> names;
    private boolean closed;

    private Registration(MBeanServer server, List<ObjectName> names) {
      this.server = server;
      this.names = names;
    }

    /** The registered object names. */
    public List<ObjectName> names() {
      return names;
    }

    @Override
    public synchronized void close() {
      if (closed) {
        return;
      }
      closed = true;
      for (ObjectName name : names) {
        try {
          server.unregisterMBean(name);
        } catch (JMException e) {
          // already gone: nothing to undo
        }
      }
    }
  }
}
