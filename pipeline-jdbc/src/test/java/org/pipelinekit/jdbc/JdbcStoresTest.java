package org.pipelinekit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.pipelinekit.core.ErrorCode;
import org.pipelinekit.core.PipelineException;
import org.pipelinekit.core.run.ExecutionEvent;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.store.JournalCodec;

class JdbcStoresTest {

  @Test
  void aUrlThatIsNotPostgres_isRefusedWithWhatToWrite() {
    assertThatThrownBy(() -> JdbcStores.open("postgres://db:5432/ci", "ci", "")).isInstanceOf(PipelineException.class)
        .satisfies(e -> assertThat(((PipelineException) e).errorCode()).isEqualTo(ErrorCode.DATABASE_URL_INVALID))
        .hasMessageContaining("jdbc:postgresql://").hasMessageContaining("'postgres://db:5432/ci'");
  }

  /** Journals written before the event type had a column of its own keep their ends: no finished run is taken for an orphan. */
  @Test
  void journalsWrittenBeforeTheTypeColumn_keepTheirEnds() throws Exception {
    TestPostgres pg = TestPostgres.shared();
    String url = pg.url(pg.newDatabase());
    Flyway.configure().dataSource(url, pg.user(), "").locations("classpath:org/pipelinekit/jdbc/migration").table("pk_schema_history")
        .target("7").load().migrate();
    Instant t = Instant.parse("2026-12-06T10:00:00Z");
    try (Connection c = DriverManager.getConnection(url, pg.user(), "")) {
      for (String id : new String[] {"ci-1", "ci-2"}) {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO pk_execution (id, pipeline_id, number, header, created_at) VALUES (?, 'ci', ?, '{}', now())")) {
          s.setString(1, id);
          s.setLong(2, id.equals("ci-1") ? 1 : 2);
          s.executeUpdate();
        }
        insertEvent(c, id, new ExecutionEvent.ExecutionStarted(id, 1, t));
      }
      insertEvent(c, "ci-1", new ExecutionEvent.ExecutionFinished("ci-1", 2, t, ExecutionStatus.SUCCEEDED, Optional.empty()));
    }
    try (JdbcStores stores = JdbcStores.open(url, pg.user(), "")) {
      assertThat(stores.executions().unfinished()).containsExactly("ci-2");
    }
  }

  /** An application's database, with its own tables and Flyway history already: PipelineKit's tables go in beside them. */
  @Test
  void storesOpenInADatabaseThatHoldsAnApplicationsTablesAlready() throws Exception {
    TestPostgres pg = TestPostgres.shared();
    String url = pg.url(pg.newDatabase());
    try (Connection c = DriverManager.getConnection(url, pg.user(), ""); java.sql.Statement s = c.createStatement()) {
      s.execute("CREATE TABLE customer (id bigint PRIMARY KEY, name text)");
      s.execute("INSERT INTO customer VALUES (1, 'Ana')");
      s.execute("CREATE TABLE flyway_schema_history (installed_rank int PRIMARY KEY, version varchar(50))");
    }
    try (JdbcStores stores = JdbcStores.open(url, pg.user(), "")) {
      stores.pipelines().save(org.pipelinekit.core.model.Pipeline.builder("beside").stage("a", st -> st.run("true")).build());
      assertThat(stores.pipelines().find("beside")).isPresent();
    }
    try (Connection c = DriverManager.getConnection(url, pg.user(), ""); java.sql.Statement s = c.createStatement();
        java.sql.ResultSet r = s.executeQuery("SELECT name FROM customer")) {
      assertThat(r.next() && r.getString(1).equals("Ana")).as("the application's rows are as they were").isTrue();
    }
  }

  /** Two projects on one database: each one's tables in its own schema, so neither store reads the other's rows. */
  @Test
  void storesInASchemaOfTheirOwn_seeOnlyTheirOwnRows() throws Exception {
    TestPostgres pg = TestPostgres.shared();
    String url = pg.url(pg.newDatabase());
    try (JdbcStores web = JdbcStores.open(url, pg.user(), "", Optional.of("pk_project_web"));
        JdbcStores mobile = JdbcStores.open(url, pg.user(), "", Optional.of("pk_project_mobile"));
        JdbcStores main = JdbcStores.open(url, pg.user(), "")) {
      web.pipelines().save(org.pipelinekit.core.model.Pipeline.builder("site").stage("build", s -> s.run("make")).build());
      mobile.pipelines().save(org.pipelinekit.core.model.Pipeline.builder("app").stage("build", s -> s.run("gradle")).build());
      web.environments().put(new org.pipelinekit.core.environment.EnvironmentDefinition("production", java.util.Map.of("URL", "https://web"),
          java.util.List.of(), 1, java.util.List.of(), Optional.empty()));

      assertThat(web.pipelines().list()).extracting(p -> p.id()).containsExactly("site");
      assertThat(mobile.pipelines().list()).extracting(p -> p.id()).containsExactly("app");
      assertThat(main.pipelines().list()).isEmpty();
      assertThat(mobile.pipelines().find("site")).isEmpty();
      assertThat(mobile.environments().list()).isEmpty();
      assertThat(web.environments().list()).hasSize(1);
    }
    try (Connection c = DriverManager.getConnection(url, pg.user(), "");
        var r = c.createStatement().executeQuery("SELECT table_schema FROM information_schema.tables WHERE table_name = 'pk_pipeline' ORDER BY 1")) {
      java.util.List<String> schemas = new java.util.ArrayList<>();
      while (r.next()) schemas.add(r.getString(1));
      assertThat(schemas).containsExactly("pk_project_mobile", "pk_project_web", "public");
    }
    assertThatThrownBy(() -> JdbcStores.open(url, pg.user(), "", Optional.of("Web; DROP"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a schema name");
  }

  private static void insertEvent(Connection c, String id, ExecutionEvent e) throws Exception {
    try (PreparedStatement s = c.prepareStatement("INSERT INTO pk_execution_event (execution_id, seq, event) VALUES (?, ?, ?)")) {
      s.setString(1, id);
      s.setLong(2, e.sequence());
      s.setString(3, JournalCodec.event(e));
      s.executeUpdate();
    }
  }
}
