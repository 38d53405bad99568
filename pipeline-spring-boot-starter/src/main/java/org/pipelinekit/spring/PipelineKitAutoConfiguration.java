package org.pipelinekit.spring;

import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.service.PipelineService;
import org.pipelinekit.core.store.FilePipelineStore;
import org.pipelinekit.web.Authenticator;
import org.pipelinekit.web.Authorizer;
import org.pipelinekit.web.PipelineKitServlet;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * PipelineKit in a Spring Boot application: a {@link PipelineService} over files in {@code pipelinekit.data-dir}, a
 * {@link PipelineExecutor} (closed with the context), and in a servlet application the API and designer at
 * {@code pipelinekit.web.path} (async, for log and event streams), authenticated by the application's {@link Authenticator}
 * bean (without one every call is refused) and authorized by its {@link Authorizer} bean (without one: anyone
 * authenticated may do everything). Every bean backs off when the application defines its own.
 */
@AutoConfiguration(afterName = {"org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration", // Boot 3
    "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration"}) // Boot 4
@EnableConfigurationProperties(PipelineKitProperties.class)
public class PipelineKitAutoConfiguration {
  /** Pipelines in the database's {@code pk_} tables when {@link Jdbc} made them, else as files in {@code <data-dir>/pipelines}. */
  @Bean
  @ConditionalOnMissingBean
  public PipelineService pipelineKitService(PipelineKitProperties properties, ObjectProvider<org.pipelinekit.core.spi.PipelineStore> stores) {
    org.pipelinekit.core.spi.PipelineStore store = stores.getIfAvailable(() -> new FilePipelineStore(properties.getDataDir().resolve("pipelines")));
    return PipelineService.builder().store(store).build();
  }

  /**
   * With pipeline-jdbc on the class path and a {@link javax.sql.DataSource} in the application (PostgreSQL), pipelines,
   * executions and logs are kept in its database — tables {@code pk_*}, brought up to date with Flyway when the context
   * starts — so that hosts sharing the database share them; {@code pipelinekit.jdbc.enabled=false} keeps them in files.
   * Workspaces, caches and artifacts stay in {@code pipelinekit.data-dir}.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.pipelinekit.jdbc.JdbcStores")
  @org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate(javax.sql.DataSource.class)
  @ConditionalOnProperty(prefix = "pipelinekit.jdbc", name = "enabled", matchIfMissing = true)
  public static class Jdbc {
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    // after the application's own Flyway or Liquibase: theirs finds its schema as it left it, then PipelineKit adds its
    // pk_ tables (with their own history table, pk_schema_history)
    @org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization
    public org.pipelinekit.jdbc.JdbcStores pipelineKitJdbcStores(javax.sql.DataSource dataSource) {
      return org.pipelinekit.jdbc.JdbcStores.open(dataSource); // (the application's pool: closing the stores leaves it open)
    }

    @Bean(destroyMethod = "") // (closed with the JdbcStores)
    @ConditionalOnMissingBean
    public org.pipelinekit.core.spi.PipelineStore pipelineKitPipelineStore(org.pipelinekit.jdbc.JdbcStores stores) {
      return stores.pipelines();
    }

    @Bean(destroyMethod = "") // (closed with the JdbcStores)
    @ConditionalOnMissingBean
    public org.pipelinekit.core.spi.ExecutionStore pipelineKitExecutionStore(org.pipelinekit.jdbc.JdbcStores stores) {
      return stores.executions();
    }

    @Bean(destroyMethod = "") // (closed with the JdbcStores)
    @ConditionalOnMissingBean
    public org.pipelinekit.core.spi.LogStore pipelineKitLogStore(org.pipelinekit.jdbc.JdbcStores stores) {
      return stores.logs();
    }
  }

  /** Stage caches and memoized stages, their archives in {@code <data-dir>/cache}. */
  @Bean
  @ConditionalOnMissingBean
  public org.pipelinekit.cache.CacheManager pipelineKitCache(PipelineKitProperties properties) {
    return org.pipelinekit.cache.CacheManager.builder(new org.pipelinekit.cache.FileCacheStore(properties.getDataDir().resolve("cache"))).build();
  }

  /** Stage artifacts in {@code <data-dir>/artifacts}, download links signed with a key kept there (readable by its owner only). */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public org.pipelinekit.artifacts.ArtifactManager pipelineKitArtifacts(PipelineKitProperties properties) throws java.io.IOException {
    java.nio.file.Path dir = properties.getDataDir();
    return org.pipelinekit.artifacts.ArtifactManager.builder(new org.pipelinekit.artifacts.FileArtifactStore(dir.resolve("artifacts")),
        org.pipelinekit.artifacts.AccessPolicy.allowAll())
        .signingKey(org.pipelinekit.artifacts.SigningKeys.keptIn(dir.resolve("artifact-signing.key"))).build();
  }

  /** The built-in templates the designer's gallery offers. */
  @Bean
  @ConditionalOnMissingBean
  public org.pipelinekit.templates.TemplateLibrary pipelineKitTemplates() {
    return org.pipelinekit.templates.TemplateLibrary.builder().builtins().build();
  }

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public PipelineExecutor pipelineKitExecutor(PipelineKitProperties properties,
      ObjectProvider<io.micrometer.core.instrument.MeterRegistry> meters, ObjectProvider<org.pipelinekit.cache.CacheManager> cache,
      ObjectProvider<org.pipelinekit.artifacts.ArtifactManager> artifacts, ObjectProvider<org.pipelinekit.core.spi.ExecutionStore> executions,
      ObjectProvider<org.pipelinekit.core.spi.LogStore> logs) {
    PipelineExecutor.Builder b = PipelineExecutor.builder().dataDirectory(properties.getDataDir());
    executions.ifAvailable(b::executionStore); // the database's, when Jdbc made them; else files in the data directory
    logs.ifAvailable(b::logStore);
    // caches restored and saved, memoized stages skipped, artifacts stored: as the CLI's serve does
    cache.ifAvailable(c -> b.interceptor(c.interceptor()).stageMemo(c.stageMemo()));
    artifacts.ifAvailable(a -> b.interceptor(a.interceptor()));
    if (properties.getMaxParallelJobs() != null) b.maxParallelJobs(properties.getMaxParallelJobs());
    // the application's Micrometer registry (Actuator's) gets PipelineKit's meters: executions, durations, running jobs
    org.pipelinekit.web.PipelineKitMetrics metrics = meters.getIfAvailable() == null ? null
        : new org.pipelinekit.web.PipelineKitMetrics(meters.getIfAvailable());
    if (metrics != null) b.listener(metrics.listener());
    PipelineExecutor executor = b.build();
    if (metrics != null) metrics.bindGauges(executor);
    return executor;
  }

  /**
   * A graceful shutdown: when the context closes, running executions get {@code pipelinekit.shutdown-timeout} (30 s) to end
   * by themselves before the executor cancels what still runs.
   */
  @Bean
  public org.springframework.beans.factory.DisposableBean pipelineKitGracefulShutdown(PipelineExecutor executor, PipelineKitProperties properties) {
    return () -> executor.awaitRunning(properties.getShutdownTimeout()); // destroyed before the executor it depends on
  }

  /** With Actuator: {@code pipelinekit} in the health endpoint — up while the pipeline store answers, with the running jobs. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator") // Boot 3's
  public static class Health {
    @Bean
    @ConditionalOnMissingBean(name = "pipelineKitHealthIndicator")
    public org.springframework.boot.actuate.health.HealthIndicator pipelineKitHealthIndicator(PipelineService service, PipelineExecutor executor) {
      return () -> {
        try {
          return org.springframework.boot.actuate.health.Health.up().withDetails(healthDetails(service, executor)).build();
        } catch (RuntimeException e) {
          return org.springframework.boot.actuate.health.Health.down().withDetail("error", String.valueOf(e.getMessage())).build();
        }
      };
    }
  }

  /** The same in a Boot 4 application, whose health API moved to spring-boot-health. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
  @org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass("org.springframework.boot.actuate.health.HealthIndicator")
  public static class Boot4Health {
    @Bean
    @ConditionalOnMissingBean(name = "pipelineKitHealthIndicator")
    public org.springframework.boot.health.contributor.HealthIndicator pipelineKitHealthIndicator(PipelineService service,
        PipelineExecutor executor) {
      return () -> {
        try {
          return org.springframework.boot.health.contributor.Health.up().withDetails(healthDetails(service, executor)).build();
        } catch (RuntimeException e) {
          return org.springframework.boot.health.contributor.Health.down().withDetail("error", String.valueOf(e.getMessage())).build();
        }
      };
    }
  }

  /** What both lines' indicators report: the pipelines the store answers with, and the jobs running now. */
  static java.util.Map<String, Object> healthDetails(PipelineService service, PipelineExecutor executor) {
    java.util.Map<String, Object> details = new java.util.LinkedHashMap<>();
    details.put("pipelines", service.list().size());
    details.put("runningJobs", executor.runningJobs());
    return details;
  }

  /**
   * With Spring Security and no {@link Authenticator} of the application's own: whoever Spring Security authenticated is
   * PipelineKit's principal, their authorities its groups (both {@code ROLE_ADMIN} and {@code ADMIN}).
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.security.core.context.SecurityContextHolder")
  public static class Security {
    @Bean
    @ConditionalOnMissingBean
    public Authenticator pipelineKitSpringSecurityAuthenticator() {
      return request -> {
        var auth = org.springframework.security.core.context.SecurityContextHolder.getContext().getAuthentication();
        if (auth == null || !auth.isAuthenticated()
            || auth instanceof org.springframework.security.authentication.AnonymousAuthenticationToken) {
          return java.util.Optional.empty();
        }
        java.util.Set<String> groups = new java.util.TreeSet<>();
        for (var a : auth.getAuthorities()) {
          String name = a.getAuthority();
          if (name == null) continue;
          groups.add(name);
          if (name.startsWith("ROLE_")) groups.add(name.substring("ROLE_".length()));
        }
        return java.util.Optional.of(new org.pipelinekit.core.engine.Principal(auth.getName(), groups));
      };
    }
  }

  /** The API and the designer, where the application serves servlets. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass(ServletRegistrationBean.class)
  @ConditionalOnProperty(prefix = "pipelinekit.web", name = "enabled", matchIfMissing = true)
  public static class Web {
    @Bean
    @ConditionalOnMissingBean
    public PipelineKitServlet pipelineKitServlet(PipelineService service, PipelineExecutor executor, ObjectProvider<Authenticator> authenticator,
        ObjectProvider<Authorizer> authorizer, ObjectProvider<org.pipelinekit.artifacts.ArtifactManager> artifacts,
        ObjectProvider<org.pipelinekit.templates.TemplateLibrary> templates) {
      PipelineKitServlet.Builder b = PipelineKitServlet.builder(service, executor);
      artifacts.ifAvailable(b::artifacts);
      templates.ifAvailable(b::templates);
      authenticator.ifAvailable(b::authenticator);
      authorizer.ifAvailable(b::authorizer);
      return b.build();
    }

    @Bean
    @ConditionalOnMissingBean(name = "pipelineKitServletRegistration")
    public ServletRegistrationBean<PipelineKitServlet> pipelineKitServletRegistration(PipelineKitServlet servlet, PipelineKitProperties properties) {
      String path = properties.getWeb().getPath().replaceAll("/+$", "");
      if (!path.isEmpty() && !path.matches("(/[A-Za-z0-9._~-]+)+")) {
        throw new IllegalArgumentException("pipelinekit.web.path must look like /ci or /tools/ci, got '" + properties.getWeb().getPath() + "'");
      }
      ServletRegistrationBean<PipelineKitServlet> r = new ServletRegistrationBean<>(servlet, path + "/*");
      r.setName("pipelinekit");
      r.setAsyncSupported(true);
      return r;
    }
  }
}
