package org.pipelinekit.samples;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.pipelinekit.core.access.Action;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.engine.Principal;
import org.pipelinekit.core.service.PipelineService;
import org.pipelinekit.core.store.FilePipelineStore;
import org.pipelinekit.templates.TemplateLibrary;
import org.pipelinekit.web.Authenticator;
import org.pipelinekit.web.PipelineKitServlet;

/**
 * A host application — an internal portal on plain Jetty with pages of its own — that embeds
 * PipelineKit at {@code /ci}. Its users sign in with the portal's API keys; only the platform
 * team edits pipelines. The README shows this file; EmbeddedHostTest starts it.
 */
public final class EmbeddedHost implements AutoCloseable {
  private final Server jetty;
  private final PipelineExecutor executor;
  private final int port;

  public EmbeddedHost(Path dataDir, int port) throws Exception {
    executor = PipelineExecutor.builder().dataDirectory(dataDir).build();
    PipelineService service = PipelineService.builder().store(new FilePipelineStore(dataDir.resolve("pipelines"))).build();
    Map<String, Principal> apiKeys = Map.of("key-ana", Principal.of("ana", "platform"), "key-bo", Principal.of("bo", "developers"));

    ServletContextHandler portal = new ServletContextHandler();
    portal.setContextPath("/");
    portal.addServlet(new ServletHolder(new HomePage()), "/");
    PipelineKitServlet ci = PipelineKitServlet.builder(service, executor)
        .templates(TemplateLibrary.builder().builtins().build())
        .authenticator(Authenticator.bearerTokens(apiKeys))                  // the portal's own keys
        .authorizer((who, action, pipeline) -> action == Action.READ || action == Action.RUN
            || who.groups().contains("platform"))                            // only the platform team edits
        .build();
    ServletHolder holder = new ServletHolder(ci);
    holder.setAsyncSupported(true);                                         // log and event streams
    portal.addServlet(holder, "/ci/*");                                     // API at /ci/api/v1

    jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    jetty.addConnector(connector);
    jetty.setHandler(portal);
    jetty.start();
    this.port = connector.getLocalPort();
  }

  public int port() {
    return port;
  }

  @Override
  public void close() throws Exception {
    jetty.stop();
    executor.close();
  }

  /** The portal's own page. */
  static final class HomePage extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      resp.setContentType("text/html");
      resp.getWriter().write("<h1>Acme developer portal</h1><p>CI lives at <a href=\"/ci/\">/ci</a>.</p>");
    }
  }

  public static void main(String[] args) throws Exception {
    try (EmbeddedHost host = new EmbeddedHost(Path.of(args.length > 0 ? args[0] : "portal-data"), 8090)) {
      System.out.println("portal on http://127.0.0.1:" + host.port() + "/ , PipelineKit on /ci/api/v1");
      Thread.currentThread().join();
    }
  }
}
