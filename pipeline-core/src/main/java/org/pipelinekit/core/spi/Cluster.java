package org.pipelinekit.core.spi;

/**
 * Everything hosts that form one CI share, from one place (pipeline-jdbc's {@code JdbcStores} over PostgreSQL): the
 * journals and logs, the control channel, the concurrency ledger, periodic work once between them, the job queue and the execution leases.
 * {@code PipelineExecutor.Builder.cluster} wires all of it.
 */
public interface Cluster {
  ExecutionStore executions();

  LogStore logs();

  ControlChannel control();

  ConcurrencyLedger concurrencyLedger();

  OncePerCluster oncePerCluster();

  JobQueue jobQueue();

  ExecutionLeases executionLeases();

  /** Opens a {@link Cluster} on a {@code javax.sql.DataSource}; found with {@link java.util.ServiceLoader} (pipeline-jdbc has one). */
  interface Factory {
    /** A cluster on the host's pool; closing it leaves the pool open. */
    Cluster open(javax.sql.DataSource dataSource);
  }
}
