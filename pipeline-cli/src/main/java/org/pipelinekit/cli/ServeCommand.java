package org.pipelinekit.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.pipelinekit.core.files.PrivateFiles;
import org.pipelinekit.artifacts.ArtifactManager;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.engine.Principal;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.service.PipelineService;
import org.pipelinekit.core.spi.SecretStore;
import org.pipelinekit.core.store.FilePipelineStore;
import org.pipelinekit.jdbc.JdbcStores;
import org.pipelinekit.templates.TemplateLibrary;
import org.pipelinekit.web.Authenticator;
import org.pipelinekit.web.PipelineKitServlet;
import org.pipelinekit.web.analytics.PipelineAnalytics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "serve", description = {
    "Serve the PipelineKit API (and designer) on embedded Jetty, with pipelines, executions, logs, caches and artifacts kept in a data"
        + " directory.",
    "Callers authenticate with a bearer token: --token, else $PIPELINEKIT_TOKEN, else one made up and printed."})
final class ServeCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--port", defaultValue = "8080", description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE})")
  int port;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE})")
  String host;

  @Option(names = "--data-dir", description = "Where everything is kept (default: $$PIPELINEKIT_DATA_DIR, else $$XDG_STATE_HOME/pipelinekit, else ~/.local/state/pipelinekit: now ${DEFAULT-VALUE})")
  Path dataDir;

  @Option(names = "--pipelines", description = "Pipeline files (.yaml, .json, .pipeline.kts) to load at start when not stored yet"
      + " (default: samples/pipelines when it exists)")
  Path pipelines;

  @Option(names = "--path", defaultValue = "/", description = "Path prefix to serve under, such as /ci (default: ${DEFAULT-VALUE})")
  String path;

  @Option(names = "--token", description = "The bearer token callers send (others on this host see it in ps: prefer"
      + " --token-file or $PIPELINEKIT_TOKEN)")
  String token;

  @Option(names = "--token-file", paramLabel = "FILE", description = "A file whose first line is the bearer token callers send")
  Path tokenFile;

  @Option(names = "--allow-kotlin-scripts", description = "Let callers with EDIT rights import .pipeline.kts scripts, which run as"
      + " programs inside this server (off by default; docs/SECURITY.md)")
  boolean kotlinScripts;

  @Option(names = "--tls-keystore", paramLabel = "FILE", description = "Serve HTTPS with this PKCS#12 keystore (its password in"
      + " $PIPELINEKIT_TLS_PASSWORD or --tls-password-file)")
  Path tlsKeystore;

  @Option(names = "--tls-password-file", paramLabel = "FILE", description = "A file whose first line is the keystore's password")
  Path tlsPasswordFile;

  @Mixin
  DatabaseOptions database;

  @Option(names = "--take-over", description = "With --database: run here what hosts that stopped left unfinished (checked every"
      + " 10 s, once between the hosts; always on with --shared-dir, every 5 s); a host that answers too slowly can be taken for"
      + " stopped (docs/CLUSTER.md)")
  boolean takeOver;

  @Option(names = "--label", paramLabel = "LABEL", description = "With --database and --shared-dir: what this host offers (docker,"
      + " os=linux, gpu, …); it runs only the jobs whose stage's runsOn labels it has, all of them. Repeatable")
  java.util.List<String> labels = new java.util.ArrayList<>();

  @Option(names = "--host-name", paramLabel = "NAME", description = "With --database: the name this host goes by in the cluster"
      + " (default: its host name and process id)")
  String hostName;

  @Option(names = "--max-parallel-jobs", paramLabel = "N", description = "How many jobs this host runs at once (default: the"
      + " number of processors, at least 2)")
  Integer maxParallelJobs;

  @Option(names = "--watch", paramLabel = "DIR", description = "A git repository on this host whose commits start runs: the"
      + " pipelines of its .pipelinekit/ directory (YAML or JSON) whose push triggers match, at the committed version; polled every"
      + " 2 s. Repeatable")
  java.util.List<Path> watch = new java.util.ArrayList<>();

  @Option(names = "--secrets-file", paramLabel = "FILE", description = "NAME=value lines read as $${{ secrets.NAME }}, on top of the"
      + " secrets stored in the data directory by 'pipelinekit secrets set'")
  Path secretsFile;

  @Option(names = "--protected-branch", paramLabel = "GLOB", description = "Give secrets only to runs of branches like this (main,"
      + " release/*); repeat for more. Other branches, pull requests and runs without a branch read secrets as empty")
  java.util.List<String> protectedBranches = new java.util.ArrayList<>();

  @Option(names = "--protected-tag", paramLabel = "GLOB", description = "Give secrets to runs of tags like this too (v*); repeatable")
  java.util.List<String> protectedTags = new java.util.ArrayList<>();

  @Option(names = "--trusted-keys", paramLabel = "DIR", description = "Run only pipelines signed by one of the keys in DIR (NAME.pub"
      + " files) and unchanged since (pipelinekit sign); others are refused before they start")
  Path trustedKeys;

  @Option(names = "--project", paramLabel = "NAME", description = "Serve a project (made when missing) besides the default one:"
      + " a space of its own at <path>/projects/NAME/ with its data under <data-dir>/projects/NAME (and, with --database, its own"
      + " schema); users get roles per project (users add --project). Every project already in the data directory is served too."
      + " Repeatable")
  java.util.List<String> projects = new java.util.ArrayList<>();

  /** Counted down once everything serve opened is closed: the shutdown hook waits for it. */
  private final CountDownLatch closed = new CountDownLatch(1);

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (token != null) err.println("warning: --token is visible to every user of this host in ps; use --token-file or $PIPELINEKIT_TOKEN");
    Optional<String> fromFile = tokenFile == null ? Optional.empty() : Optional.of(DatabaseOptions.firstLine(tokenFile, "--token-file"));
    String secret = fromFile.or(() -> Optional.ofNullable(token)).or(() -> Optional.ofNullable(System.getenv("PIPELINEKIT_TOKEN"))).orElseGet(() -> {
      byte[] b = new byte[18];
      new SecureRandom().nextBytes(b);
      return HexFormat.of().formatHex(b);
    });
    if (!labels.isEmpty() && database.sharedDir == null) {
      spec.commandLine().getErr().println("error: --label goes with --database and --shared-dir (labels choose which of a cluster's"
          + " hosts runs a job)");
      return Main.INVALID;
    }
    if (maxParallelJobs != null && maxParallelJobs < 1) {
      spec.commandLine().getErr().println("error: --max-parallel-jobs must be 1 or more, got " + maxParallelJobs);
      return Main.INVALID;
    }
    if (database.sharedDir != null && database.url == null) {
      spec.commandLine().getErr().println("error: --shared-dir goes with --database (the artifacts' records are kept there)");
      return Main.INVALID;
    }
    List<String> projectNames;
    List<UsersFile.User> users; // people with tokens of their own (pipelinekit users add), besides the admin token
    try {
      projects.forEach(Projects::checkName);
      projectNames = new java.util.ArrayList<>(new java.util.TreeSet<>(projects));
      projectNames.remove(Projects.DEFAULT);
      for (String p : Projects.existing(dataDir)) if (!projectNames.contains(p)) projectNames.add(p);
      java.util.Collections.sort(projectNames);
      users = UsersFile.read(dataDir.resolve("users"));
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("error: " + e.getMessage());
      return Main.INVALID;
    }
    String prefix = path.replaceAll("/+$", "");
    if (!prefix.isEmpty() && !prefix.matches("(/[A-Za-z0-9._~-]+)+")) {
      spec.commandLine().getErr().println("--path must look like /ci or /tools/ci, got '" + path + "'");
      return 2;
    }
    StateDirectory.noteOldDefault(dataDir, err);
    PrivateFiles.createDirectories(dataDir); // (after the checks: a refused command leaves nothing behind)
    if (!users.isEmpty()) out.println("users: admin and " + users.size() + " from " + dataDir.resolve("users"));
    java.util.Deque<AutoCloseable> resources = new java.util.ArrayDeque<>(); // closed last opened first
    try {
      // every project a space of its own: its stores, its executor, its servlet (the default project's at the root)
      java.util.Map<String, String> paths = new java.util.LinkedHashMap<>();
      paths.put(Projects.DEFAULT, prefix + "/");
      for (String p : projectNames) paths.put(p, prefix + "/projects/" + p + "/");
      java.util.Map<String, org.pipelinekit.web.Authorizer> authorizers = new java.util.LinkedHashMap<>();
      paths.keySet().forEach(p -> authorizers.put(p, UsersFile.authorizer(users, p)));
      java.util.function.Function<Principal, List<org.pipelinekit.web.ProjectLink>> visible = who -> paths.entrySet().stream()
          .filter(e -> authorizers.get(e.getKey()).allowed(who, org.pipelinekit.core.access.Action.READ, Optional.empty()))
          .map(e -> new org.pipelinekit.web.ProjectLink(e.getKey(), e.getValue())).toList();
      Authenticator authenticator = Authenticator.either(Authenticator.bearerTokens(Map.of(secret, Principal.of("admin", "admins"))),
          UsersFile.authenticator(users));
      String scheme = tlsKeystore != null ? "https" : "http";
      java.util.concurrent.atomic.AtomicReference<String> address = new java.util.concurrent.atomic.AtomicReference<>(""); // once started
      java.util.Map<String, Space> spaces = new java.util.LinkedHashMap<>();
      for (String p : paths.keySet()) {
        spaces.put(p, open(p, out, resources, authenticator, authorizers.get(p), visible,
            link -> address.get() + paths.get(p).substring(prefix.length() + 1) + link));
      }
      Space main = spaces.get(Projects.DEFAULT);
      int loaded = load(main.service(), out);
      for (Path dir : watch) {
        org.pipelinekit.triggers.GitRepository repo;
        try {
          repo = org.pipelinekit.triggers.GitRepository.local(dir, java.time.Duration.ofSeconds(2));
          main.triggers().register(repo); // a path on this host: not kept for the other hosts, registered again at each start
        } catch (java.io.IOException | RuntimeException e) {
          spec.commandLine().getErr().println("error: --watch " + dir + ": " + e.getMessage());
          return Main.INVALID;
        }
        out.println("watching " + repo.url() + " as repository '" + repo.id() + "' (default branch " + repo.defaultBranch()
            + "): a commit there starts the pipelines of its .pipelinekit/ whose push triggers match");
      }
      Server jetty = new Server();
      HttpConfiguration http = new HttpConfiguration();
      http.setSendServerVersion(false);
      http.setSendXPoweredBy(false);
      ServerConnector connector;
      if (tlsKeystore != null) {
        String password = tlsPasswordFile != null ? DatabaseOptions.firstLine(tlsPasswordFile, "--tls-password-file")
            : Optional.ofNullable(System.getenv("PIPELINEKIT_TLS_PASSWORD")).orElse("");
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStorePath(tlsKeystore.toAbsolutePath().toString());
        tls.setKeyStoreType("PKCS12");
        tls.setKeyStorePassword(password);
        http.addCustomizer(new SecureRequestCustomizer(false)); // no SNI check: hosts reach it by address or name
        connector = new ServerConnector(jetty, tls, new HttpConnectionFactory(http));
      } else {
        connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
      }
      connector.setHost(host);
      connector.setPort(port);
      jetty.addConnector(connector);
      ServletContextHandler context = new ServletContextHandler();
      context.setContextPath("/");
      spaces.forEach((p, space) -> {
        ServletHolder holder = new ServletHolder(space.servlet());
        holder.setAsyncSupported(true);
        context.addServlet(holder, paths.get(p) + "*");
      });
      context.setErrorHandler(new ProblemErrorHandler());
      jetty.setErrorHandler(new ProblemErrorHandler());
      jetty.setHandler(context);
      jetty.start();
      address.set(scheme + "://" + host + ":" + connector.getLocalPort() + prefix + "/");
      out.println("PipelineKit serving on " + address.get() + " (designer; API: " + prefix + "/api/v1, data in " + dataDir
          + ", " + loaded + " pipelines loaded)");
      for (String p : projectNames) out.println("project " + p + " on " + address.get() + "projects/" + p + "/ (data in " + Projects.dataDir(dataDir, p) + ")");
      boolean madeUp = token == null && tokenFile == null && System.getenv("PIPELINEKIT_TOKEN") == null;
      out.println("token: " + (madeUp ? secret : "(as given)"));
      if (madeUp) { // the token is on screen already: a link that signs in with it
        out.println("sign in: " + address.get() + "#/pipelines?token=" + java.net.URLEncoder.encode(secret, java.nio.charset.StandardCharsets.UTF_8));
      }
      out.flush();
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        spaces.values().forEach(space -> space.triggers().close()); // no new runs from polls and schedules
        try {
          jetty.stop();
        } catch (Exception e) {
          // stopping anyway
        }
        stopped.countDown();
        try { // the JVM ends with this hook: first let the executors cancel their runs and the stores close (below)
          closed.await(90, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }));
      stopped.await();
      return 0;
    } finally {
      closeAll(resources);
      closed.countDown();
    }
  }

  /** What serves one project: its service, its triggers and the servlet over its stores. */
  private record Space(PipelineService service, org.pipelinekit.triggers.Triggers triggers, PipelineKitServlet servlet) {}

  /**
   * Opens one project's stores (its data directory, or its schema of the database and its directory of the shared one), its
   * executor, triggers and servlet, adding what must be closed to {@code resources}.
   */
  private Space open(String project, PrintWriter out, java.util.Deque<AutoCloseable> resources, Authenticator authenticator,
      org.pipelinekit.web.Authorizer authorizer, java.util.function.Function<Principal, List<org.pipelinekit.web.ProjectLink>> visible,
      java.util.function.UnaryOperator<String> links) throws Exception {
    Path projectDir = Projects.dataDir(dataDir, project);
    PrivateFiles.createDirectories(projectDir);
    JdbcStores db = database.open(Projects.schema(project)).orElse(null);
    if (db != null) {
      resources.push(db);
      if (project.equals(Projects.DEFAULT)) out.println("pipelines, executions and logs in " + database.where());
    }
    // only with a database, as checked: a project's artifacts, caches, runs and secrets key in a directory of its own there
    Path sharedDir = database.sharedDir == null ? null : Projects.dataDir(database.sharedDir, project);
    // the project's own protected branches (its protected-branches file), else the server's
    Optional<Projects.Protection> own = Projects.protection(projectDir);
    List<String> branches = own.map(Projects.Protection::branches).orElse(protectedBranches);
    List<String> tags = own.map(Projects.Protection::tags).orElse(protectedTags);
    LocalStores stores = sharedDir != null
        ? LocalStores.open(db.cacheStore(sharedDir.resolve("cache")), db.artifactStore(sharedDir.resolve("artifacts")), sharedDir, branches)
        : LocalStores.open(projectDir, projectDir.resolve("cache"), branches);
    resources.push(stores);
    PipelineService service = PipelineService.builder().store(db != null ? db.pipelines() : new FilePipelineStore(projectDir.resolve("pipelines")))
        .build();
    // a pipeline may be saved before its secrets are set; a run of it is refused while one is missing
    SecretStore secrets = sharedDir != null ? CliSecrets.overlay(CliSecrets.shared(db, sharedDir), Optional.ofNullable(secretsFile))
        : CliSecrets.forCommand(Optional.of(projectDir), Optional.ofNullable(secretsFile));
    PipelineExecutor.Builder executor = stores.wire(PipelineExecutor.builder().dataDirectory(projectDir)).secrets(secrets);
    if (db != null && sharedDir != null) {
      // one CI: every host takes the cluster's jobs; a job's files go on to the next through the runs directory all mount
      executor.cluster(db).runDirectory(sharedDir.resolve("runs")).hostLabels(labels);
    } else if (db != null) {
      executor.executionStore(db.executions()).logStore(db.logs()).controlChannel(db.control()).oncePerCluster(db.oncePerCluster())
          .concurrencyLedger(db.concurrencyLedger());
      if (takeOver) executor.takeOverEvery(java.time.Duration.ofSeconds(10));
    }
    if (db != null && hostName != null) executor.hostName(hostName);
    Path mirrors = (sharedDir != null ? sharedDir : projectDir).resolve("mirrors");
    executor.sourceProvider(org.pipelinekit.triggers.Triggers.sourceProvider(mirrors));
    if (maxParallelJobs != null) executor.maxParallelJobs(maxParallelJobs);
    if (!branches.isEmpty() || !tags.isEmpty()) {
      executor.protectedBranches(new org.pipelinekit.core.secret.ProtectedBranches(branches, tags));
      if (project.equals(Projects.DEFAULT) || own.isPresent()) {
        out.println((project.equals(Projects.DEFAULT) ? "" : "project " + project + ": ") + "secrets go only to runs of protected branches "
            + branches + (tags.isEmpty() ? "" : " and tags " + tags));
      }
    }
    // the keys a project trusts: --trusted-keys for every project, and a project's own trusted-keys/ directory
    Path ownKeys = projectDir.resolve("trusted-keys");
    Path keys = Files.isDirectory(ownKeys) ? ownKeys : trustedKeys;
    if (keys != null) {
      var trusted = org.pipelinekit.core.sign.PipelineSignatures.Trusted.inDirectory(keys);
      executor.requireSignatures(trusted);
      out.println((project.equals(Projects.DEFAULT) ? "" : "project " + project + " ") + "runs only pipelines signed by "
          + trusted.keys().keySet() + " (" + keys + ")");
    }
    // the environments stages deploy to (their rules, variables and history): in the database the hosts share, else here
    executor.environments(db != null ? db.environments()
        : org.pipelinekit.core.environment.EnvironmentStore.inDirectory(projectDir.resolve("environments")));
    org.pipelinekit.core.spi.AuditLog audit = CliAudit.of(projectDir, db); // what people did, and the secrets runs read
    executor.secretAudit(org.pipelinekit.core.secret.SecretAudit.into(audit));
    PipelineAnalytics analytics = PipelineAnalytics.builder()
        .settingsFile(mirrors.resolveSibling("analytics-settings.json")) // beside the mirrors: the shared directory in a cluster
        .artifactStorage((pipeline, from, to) -> stores.artifacts.gigabyteMonths(from, to).getOrDefault(pipeline, 0.0)).build();
    // the pipelines' notify rules, sent off the engine's thread (closed after the executor, so a run's end is still told)
    org.pipelinekit.notify.Notifier notifier = org.pipelinekit.notify.Notifier.builder().secrets(secrets)
        .links(id -> links.apply("#/executions/" + id)).build();
    resources.push(notifier);
    executor.listener(notifier.listener());
    // budgets per pipeline and, for all of them together, the project's
    PipelineExecutor built = executor.listener(analytics.listener())
        .admission(analytics.admission(() -> service.list().stream().map(Pipeline::id).toList())).build();
    resources.push(built);
    analytics.attach(built);
    notifier.attach(built);
    org.pipelinekit.triggers.Triggers triggers = org.pipelinekit.triggers.Triggers.builder(built, service).mirrors(mirrors)
        .ledger(db != null ? db.triggerLedger() : org.pipelinekit.core.spi.TriggerLedger.inDirectory(projectDir.resolve("triggers")))
        .secrets(secrets).executionLinks(id -> links.apply("#/executions/" + id)).build();
    resources.push(triggers);
    PipelineKitServlet servlet = PipelineKitServlet.builder(service, built).artifacts(stores.artifacts).kotlinScripts(kotlinScripts)
        .templates(TemplateLibrary.builder().builtins().build()).analytics(analytics).triggers(triggers)
        .authenticator(authenticator)
        // each user what their role in this project allows; the admin token and the group admins everything (the audit log included)
        .authorizer(authorizer).project(project, visible).notifier(notifier)
        .auditLog(audit).build();
    return new Space(service, triggers, servlet);
  }

  private static void closeAll(java.util.Deque<AutoCloseable> resources) {
    while (!resources.isEmpty()) {
      try {
        resources.pop().close();
      } catch (Exception e) {
        // closing the rest anyway; a store that fails to close has nothing left to lose
      }
    }
  }

  private int load(PipelineService service, PrintWriter out) throws java.io.IOException {
    Path dir = pipelines != null ? pipelines : Path.of("samples", "pipelines");
    if (!Files.isDirectory(dir)) return 0;
    int n = 0;
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".json") || f.toString().endsWith(".pipeline.kts"))
          .sorted().toList();
    }
    for (Path f : files) {
      Optional<List<Pipeline>> read = PipelineFiles.readAll(f, spec.commandLine().getErr());
      if (read.isEmpty()) continue;
      for (Pipeline p : read.get()) {
        if (service.get(p.id()).isPresent()) continue;
        try {
          service.create(p);
          n++;
        } catch (RuntimeException e) {
          out.println("not loaded: " + f + " (" + p.id() + "): " + e.getMessage().lines().findFirst().orElse(""));
        }
      }
    }
    return n;
  }
}
