package dev.orrery.neo4j;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.logging.Level;
import org.neo4j.logging.log4j.Log4jLogProvider;

/**
 * Orrery's embedded Neo4j default: one DBMS with a Bolt connector on loopback.
 *
 * <p>Protocol with the parent process (neo4j.ts):
 * <ul>
 *   <li>stdout carries exactly one line, {@code ORRERY_NEO4J_READY bolt://HOST:PORT}, once the
 *       default database is available. Everything else (Neo4j's user log, errors) goes to stderr.
 *   <li>The process shuts the DBMS down on SIGTERM/SIGINT and when stdin reaches EOF, so it
 *       never outlives a parent that crashed.
 *   <li>Exit status: 0 after a clean shutdown, 1 when start-up fails, 2 for bad arguments.
 * </ul>
 */
public final class EmbeddedNeo4j {
    static final String READY_PREFIX = "ORRERY_NEO4J_READY ";
    private static final Duration DEFAULT_DATABASE_TIMEOUT = Duration.ofMinutes(5);

    private EmbeddedNeo4j() {}

    record Options(Path home, String host, int port, long pageCacheBytes, Level logLevel) {}

    public static void main(String[] args) {
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("orrery-neo4j: " + e.getMessage());
            System.err.println(
                    "usage: EmbeddedNeo4j --home DIR [--listen 127.0.0.1:7687] [--pagecache 64m] [--log-level INFO]");
            System.exit(2);
            return;
        }

        // Keep stdout for the READY line alone: libraries that print to System.out land on stderr.
        PrintStream protocolOut = System.out;
        System.setOut(System.err);

        Log4jLogProvider userLog = new Log4jLogProvider(System.err, options.logLevel());
        DatabaseManagementService dbms;
        try {
            dbms = new DatabaseManagementServiceBuilder(options.home())
                    .setUserLogProvider(userLog)
                    .setConfig(BoltConnector.enabled, true)
                    .setConfig(BoltConnector.listen_address, new SocketAddress(options.host(), options.port()))
                    .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                    // Safe only because the listener is loopback-only (checked in parse()).
                    .setConfig(GraphDatabaseSettings.auth_enabled, false)
                    // Default is half the machine's RAM; a local dependency map needs far less.
                    .setConfig(GraphDatabaseSettings.pagecache_memory, options.pageCacheBytes())
                    // Preallocation reserves 256 MiB per transaction log up front (half a GiB for an
                    // empty DBMS); a local dependency map is better served growing on demand.
                    .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                    .setConfig(GraphDatabaseSettings.udc_enabled, false)
                    // Netty's default 5 s quiet period, paid twice, makes every shutdown take 10 s.
                    // The databases are already stopped when Bolt's event loops shut down.
                    .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                    .build();
        } catch (RuntimeException e) {
            // Trace first, summary last: the parent reports the tail of stderr.
            e.printStackTrace(System.err);
            System.err.println("orrery-neo4j: could not start Neo4j in " + options.home() + ": " + describe(e));
            userLog.close();
            System.exit(1);
            return;
        }

        AtomicBoolean stopped = new AtomicBoolean(false);
        Runnable shutdown = () -> {
            if (stopped.compareAndSet(false, true)) {
                System.err.println("orrery-neo4j: shutting down");
                try {
                    dbms.shutdown();
                } finally {
                    userLog.close();
                }
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(shutdown, "orrery-neo4j-shutdown"));
        watchStdin();

        String databaseName = GraphDatabaseSettings.DEFAULT_DATABASE_NAME;
        GraphDatabaseService db = dbms.database(databaseName);
        if (!db.isAvailable(DEFAULT_DATABASE_TIMEOUT.toMillis())) {
            System.err.println("orrery-neo4j: database '" + databaseName + "' did not become available within "
                    + DEFAULT_DATABASE_TIMEOUT.toSeconds() + " s");
            System.exit(1);
            return;
        }

        protocolOut.println(READY_PREFIX + "bolt://" + hostForUri(options.host()) + ":" + options.port());
        protocolOut.flush();
    }

    /**
     * EOF on stdin means the parent has gone (or closed the pipe on purpose): exit, which runs the
     * shutdown hook. A daemon thread so it never keeps the JVM alive by itself.
     */
    private static void watchStdin() {
        Thread watcher = new Thread(() -> {
            byte[] buffer = new byte[256];
            try (InputStream in = System.in) {
                while (in.read(buffer) != -1) {
                    // Input is ignored; only its end matters.
                }
            } catch (IOException e) {
                System.err.println("orrery-neo4j: stdin failed (" + e.getMessage() + "), shutting down");
            }
            System.err.println("orrery-neo4j: stdin closed, shutting down");
            System.exit(0);
        }, "orrery-neo4j-stdin-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    static Options parse(String[] args) {
        Path home = null;
        String listen = "127.0.0.1:7687";
        String pageCache = "64m";
        String logLevel = "INFO";
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value for " + flag);
            }
            String value = args[++i];
            switch (flag) {
                case "--home" -> home = Path.of(value).toAbsolutePath();
                case "--listen" -> listen = value;
                case "--pagecache" -> pageCache = value;
                case "--log-level" -> logLevel = value;
                default -> throw new IllegalArgumentException("unknown option " + flag);
            }
        }
        if (home == null) {
            throw new IllegalArgumentException("--home is required");
        }

        int colon = listen.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("--listen must be HOST:PORT, got '" + listen + "'");
        }
        String host = listen.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--listen port must be a number, got '" + listen + "'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("--listen port must be 1-65535, got " + port);
        }
        // Authentication is disabled, so the connector must never be reachable from another host.
        try {
            if (!InetAddress.getByName(host).isLoopbackAddress()) {
                throw new IllegalArgumentException("--listen host must be a loopback address (auth is disabled), got '"
                        + host + "'");
            }
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--listen host '" + host + "' does not resolve");
        }

        Level level;
        try {
            level = Level.valueOf(logLevel.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--log-level must be DEBUG, INFO, WARN, ERROR or NONE, got '"
                    + logLevel + "'");
        }
        return new Options(home, host, port, parseBytes(pageCache), level);
    }

    /** Sizes as Neo4j writes them: a number with an optional k/m/g suffix (binary units). */
    static long parseBytes(String size) {
        String s = size.trim().toLowerCase(java.util.Locale.ROOT);
        long unit = 1;
        if (s.endsWith("k")) {
            unit = 1L << 10;
        } else if (s.endsWith("m")) {
            unit = 1L << 20;
        } else if (s.endsWith("g")) {
            unit = 1L << 30;
        }
        String digits = unit == 1 ? s : s.substring(0, s.length() - 1);
        try {
            long value = Long.parseLong(digits) * unit;
            if (value <= 0) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--pagecache must be a size like 64m, got '" + size + "'");
        }
    }

    private static String hostForUri(String host) {
        return host.contains(":") ? "[" + host + "]" : host;
    }

    /** The root cause is what tells the user what to do (e.g. a store lock held by another process). */
    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (cause: " + root + ")";
    }
}
