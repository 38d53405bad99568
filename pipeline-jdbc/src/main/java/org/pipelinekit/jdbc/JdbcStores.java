package org.pipelinekit.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.pipelinekit.artifacts.ArtifactStore;
import org.pipelinekit.artifacts.FileArtifactStore;
import org.pipelinekit.cache.CacheStore;
import org.pipelinekit.core.ErrorCode;
import org.pipelinekit.core.PipelineException;
import org.pipelinekit.core.spi.Cluster;
import org.pipelinekit.core.spi.ConcurrencyLedger;
import org.pipelinekit.core.spi.ControlChannel;
import org.pipelinekit.core.spi.ExecutionLeases;
import org.pipelinekit.core.spi.ExecutionStore;
import org.pipelinekit.core.spi.JobQueue;
import org.pipelinekit.core.spi.LogStore;
import org.pipelinekit.core.spi.OncePerCluster;
import org.pipelinekit.core.spi.PipelineStore;
import org.pipelinekit.core.spi.SecretStore;
import org.pipelinekit.core.spi.TriggerLedger;
import org.pipelinekit.jdbc.internal.Database;
import org.pipelinekit.jdbc.internal.JdbcArtifactStore;
import org.pipelinekit.jdbc.internal.JdbcCacheStore;
import org.pipelinekit.jdbc.internal.JdbcConcurrencyLedger;
import org.pipelinekit.jdbc.internal.JdbcControlChannel;
import org.pipelinekit.jdbc.internal.JdbcExecutionLeases;
import org.pipelinekit.jdbc.internal.JdbcExecutionStore;
import org.pipelinekit.jdbc.internal.JdbcJobQueue;
import org.pipelinekit.jdbc.internal.JdbcLogStore;
import org.pipelinekit.jdbc.internal.JdbcOncePerCluster;
import org.pipelinekit.jdbc.internal.JdbcPipelineStore;
import org.pipelinekit.jdbc.internal.JdbcSecretStore;
import org.pipelinekit.jdbc.internal.JdbcTriggerLedger;

/**
 * Pipelines, execution journals and stage logs in PostgreSQL (15 or newer), so that every host of a cluster sees the
 * same ones. {@link #open(String, String, String)} makes a HikariCP pool; {@link #open(DataSource)} takes the host's.
 * Either way the schema is brought up to date with Flyway first (its history in {@code pk_schema_history}; several hosts
 * starting at once migrate once, under Flyway's lock). Hand the stores to the executor and the service:
 *
 * <pre>{@code
 * try (JdbcStores db = JdbcStores.open("jdbc:postgresql://db:5432/ci", "ci", password)) {
 *   PipelineExecutor executor = PipelineExecutor.builder().cluster(db).runDirectory(sharedRuns).build();
 *   PipelineService service = PipelineService.builder().store(db.pipelines()).build();
 * }
 * }</pre>
 *
 * <p>{@code PipelineExecutor.builder().dataSource(pool)} does the same with the host's pool.
 */
public final class JdbcStores implements Cluster, AutoCloseable {
  /** How long a host's claim on a job holds without being renewed (it renews every third of it), by default. */
  public static final Duration DEFAULT_JOB_LEASE = Duration.ofSeconds(5);
  private final Database db;
  private final HikariDataSource owned;
  private final JdbcPipelineStore pipelines;
  private final JdbcExecutionStore executions;
  private final JdbcLogStore logs;
  private final JdbcControlChannel control;
  private final JdbcOncePerCluster once;
  private final JdbcConcurrencyLedger groups;
  private final DataSource dataSource;
  private Duration jobLease = DEFAULT_JOB_LEASE;
  private JdbcJobQueue jobs;
  private JdbcExecutionLeases leases;

  private JdbcStores(DataSource dataSource, HikariDataSource owned, java.util.Optional<String> schema) {
    this.owned = owned;
    this.dataSource = dataSource;
    migrate(dataSource, schema);
    this.db = new Database(dataSource);
    this.pipelines = new JdbcPipelineStore(db);
    this.executions = new JdbcExecutionStore(db);
    this.logs = new JdbcLogStore(db);
    this.control = new JdbcControlChannel(db, dataSource);
    this.once = new JdbcOncePerCluster(db);
    this.groups = new JdbcConcurrencyLedger(db);
  }

  /** Stores on the host's own pool (closing them leaves it open). */
  public static JdbcStores open(DataSource dataSource) {
    return new JdbcStores(Objects.requireNonNull(dataSource, "dataSource"), null, java.util.Optional.empty());
  }

  /** Stores on a pool of their own, closed with them. */
  public static JdbcStores open(String jdbcUrl, String user, String password) {
    return open(jdbcUrl, user, password, java.util.Optional.empty());
  }

  /**
   * Stores on a pool of their own whose tables are in {@code schema} (made when missing): a project's, apart from every
   * other project's on the same database — no query of these stores reads another schema.
   */
  public static JdbcStores open(String jdbcUrl, String user, String password, java.util.Optional<String> schema) {
    schema.ifPresent(s -> {
      if (!s.matches("[a-z_][a-z0-9_]{0,62}")) {
        throw new IllegalArgumentException("'" + s + "' is not a schema name: lowercase letters, digits and _, at most 63");
      }
    });
    if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new PipelineException(ErrorCode.DATABASE_URL_INVALID, "the database URL must be a PostgreSQL JDBC URL such as"
          + " jdbc:postgresql://db.internal:5432/ci, got '" + jdbcUrl + "'");
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(user);
    config.setPassword(password);
    config.setPoolName("pipelinekit" + schema.map(s -> "-" + s).orElse(""));
    schema.ifPresent(config::setSchema); // every connection's search_path: the stores' unqualified tables are this schema's
    config.setMaximumPoolSize(10);
    config.setInitializationFailTimeout(-1); // say why below rather than Hikari's "Failed to initialize pool"
    HikariDataSource pool = new HikariDataSource(config);
    try {
      return new JdbcStores(pool, pool, schema);
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  private static void migrate(DataSource dataSource, java.util.Optional<String> schema) {
    try {
      // baselined at 0 in a schema that holds other tables already (an application's, its own Flyway history): every
      // PipelineKit migration still applies, beside them
      var flyway = Flyway.configure().dataSource(dataSource).locations("classpath:org/pipelinekit/jdbc/migration").table("pk_schema_history")
          .baselineOnMigrate(true).baselineVersion("0");
      schema.ifPresent(s -> flyway.schemas(s).defaultSchema(s).createSchemas(true));
      flyway.load().migrate();
    } catch (RuntimeException e) {
      throw new PipelineException(ErrorCode.STORE_UNAVAILABLE, "cannot prepare the PipelineKit tables in the database: "
          + Database.describe(e) + "; check the JDBC URL, the user and that it may create tables", e);
    }
  }

  public PipelineStore pipelines() {
    return pipelines;
  }

  @Override
  public ExecutionStore executions() {
    return executions;
  }

  @Override
  public LogStore logs() {
    return logs;
  }

  /**
   * How this host's executor and the others on the database reach each other's runs: cancels, approvals and
   * rejections asked on any host reach the host that runs the execution ({@code PipelineExecutor.Builder.controlChannel}).
   */
  @Override
  public ControlChannel control() {
    return control;
  }

  /** Periodic work (the retention sweep) once between the hosts on this database ({@code PipelineExecutor.Builder.oncePerCluster}). */
  @Override
  public OncePerCluster oncePerCluster() {
    return once;
  }

  /**
   * Artifacts every host lists and serves: their records in the database, their content in {@code sharedDirectory}, a
   * directory all hosts mount at the same path (hand it to {@code ArtifactManager.builder}).
   */
  public ArtifactStore artifactStore(Path sharedDirectory) {
    return artifactStore(new FileArtifactStore(sharedDirectory));
  }

  /** Artifacts every host lists and serves: their records in the database, their content in {@code blobs} (an object store's bucket). */
  public ArtifactStore artifactStore(org.pipelinekit.artifacts.BlobStore blobs) {
    return new JdbcArtifactStore(db, blobs);
  }

  /**
   * Caches every host restores and saves: their entries in the database, their archives in {@code sharedDirectory}, a
   * directory all hosts mount at the same path (hand it to {@code CacheManager.builder}).
   */
  public CacheStore cacheStore(Path sharedDirectory) {
    return cacheStore(sharedDirectory, java.time.Clock.systemUTC());
  }

  /** As {@link #cacheStore(Path)}, with the clock entries are dated by. */
  public CacheStore cacheStore(Path sharedDirectory, java.time.Clock clock) {
    return cacheStore(org.pipelinekit.cache.ArchiveStore.inDirectory(sharedDirectory), clock);
  }

  /** Caches every host restores and saves: their entries in the database, their archives in {@code archives} (an object store's bucket). */
  public CacheStore cacheStore(org.pipelinekit.cache.ArchiveStore archives, java.time.Clock clock) {
    return new JdbcCacheStore(db, archives, clock);
  }

  /**
   * Secrets every host reads, sealed with AES-256-GCM under {@code key} (32 bytes, the same on every host, kept outside
   * the database).
   */
  public SecretStore secrets(byte[] key) {
    return new JdbcSecretStore(db, key);
  }

  /**
   * How long a host's claim on a job holds without being renewed (default {@link #DEFAULT_JOB_LEASE}): when a host dies,
   * its jobs run again elsewhere after about this long. Set it before the job queue is first used.
   */
  public synchronized JdbcStores jobLease(Duration lease) {
    if (jobs != null || leases != null) {
      throw new IllegalStateException("the job queue is in use already; set the lease before jobQueue() and executionLeases()");
    }
    this.jobLease = java.util.Objects.requireNonNull(lease, "lease");
    return this;
  }

  /**
   * The queue every host of the cluster takes jobs from ({@code PipelineExecutor.Builder.jobQueue}): jobs are rows claimed
   * with {@code FOR UPDATE SKIP LOCKED}, held by a lease and completed with a fencing token.
   */
  @Override
  public synchronized JobQueue jobQueue() {
    if (jobs == null) jobs = new JdbcJobQueue(db, dataSource, jobLease);
    return jobs;
  }

  /**
   * Which host makes each execution's decisions ({@code PipelineExecutor.Builder.executionLeases}); its lease lasts as long
   * as the job lease ({@link #jobLease}).
   */
  @Override
  public synchronized ExecutionLeases executionLeases() {
    if (leases == null) leases = new JdbcExecutionLeases(db, jobLease);
    return leases;
  }

  /** What the triggers of the hosts on this database have done (pipeline-triggers: schedules fire once between them). */
  public TriggerLedger triggerLedger() {
    return new JdbcTriggerLedger(db);
  }

  /** The environments of the hosts on this database, and their deployment history. */
  public org.pipelinekit.core.environment.EnvironmentStore environments() {
    return new org.pipelinekit.jdbc.internal.JdbcEnvironmentStore(db);
  }

  /** The audit log of the hosts on this database: one numbered, hash-chained list, in a table that refuses changes. */
  public org.pipelinekit.core.spi.AuditLog auditLog() {
    return new org.pipelinekit.jdbc.internal.JdbcAuditLog(db);
  }

  /** Concurrency groups that hold across the hosts on this database ({@code PipelineExecutor.Builder.concurrencyLedger}). */
  @Override
  public ConcurrencyLedger concurrencyLedger() {
    return groups;
  }

  @Override
  public void close() {
    synchronized (this) {
      if (jobs != null) jobs.close();
    }
    control.close();
    db.close();
    if (owned != null) owned.close();
  }

  /** How {@code PipelineExecutor.Builder.dataSource} finds these stores (a {@link java.util.ServiceLoader} provider). */
  public static final class Factory implements Cluster.Factory {
    @Override
    public Cluster open(DataSource dataSource) {
      return JdbcStores.open(dataSource);
    }
  }
}
