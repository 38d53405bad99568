package org.pipelinekit.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.ByteString;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * fabric8's Kubernetes mock server in CRUD mode, with this test double playing the kubelet: a created pod "starts" (its
 * status goes to Running, or to the waiting reason of an image that cannot be pulled, or unschedulable when it asks for
 * more memory than {@link #NODE_MEMORY}), exec requests run their command as a local process with a clean environment in
 * the pod's own directory (its {@code /workspace} and {@code /pipelinekit} are directories under {@code root}), speaking
 * the API's channel protocol (stdin 0, stdout 1, stderr 2, status 3); deleting a pod kills every process it ran, as a
 * container's end does. What a real kubelet does that this does not: images (the pod's processes run this machine's
 * tools), resource limits, and the grace period (the pod's first process ends at once on SIGTERM in our pods anyway).
 */
final class FakeKubelet extends Dispatcher implements AutoCloseable {
  static final String UNPULLABLE = "registry.invalid/no-such-image";
  static final Quantity NODE_MEMORY = new Quantity("64Gi");
  private static final Pattern EXEC = Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/]+)/exec\\?(.*)");
  private static final Pattern POD = Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/?]+)(\\?.*)?");

  private final KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher();
  private final Path root;
  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fake-kubelet");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, List<Process>> processes = new ConcurrentHashMap<>();
  final List<String> execs = new CopyOnWriteArrayList<>();
  final List<String> deleted = new CopyOnWriteArrayList<>();
  private final AtomicLong dropAfter = new AtomicLong(-1);

  FakeKubelet(Path root) {
    this.root = root;
    this.server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), this, false);
    server.init(java.net.InetAddress.getLoopbackAddress(), 0);
    this.client = server.createClient();
  }

  KubernetesClient client() {
    return client;
  }

  /** The next exec's connection drops (without a status) once it has sent {@code bytes} of stdout; its step runs on. */
  void dropNextExecAfter(long bytes) {
    dropAfter.set(bytes);
  }

  /** Where the pod's {@code /workspace} is. */
  Path workspace(String pod) {
    return root.resolve(pod).resolve("workspace");
  }

  /** The pods there are now. */
  List<Pod> pods() {
    return client.pods().inAnyNamespace().list().getItems();
  }

  /** Kills the pod's processes as the kernel's OOM killer ends a container, and says so in its status. */
  void oomKill(String namespace, String pod) {
    kill(pod);
    status(namespace, pod, new PodStatusBuilder().withPhase("Failed").withContainerStatuses(new ContainerStatusBuilder().withName("job")
        .withState(new ContainerStateBuilder().withNewTerminated().withReason("OOMKilled").withExitCode(137).endTerminated().build())
        .build()).build());
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String path = request.getPath();
    Matcher exec = EXEC.matcher(path);
    if (exec.matches()) return exec(exec.group(2), exec.group(3));
    Matcher pod = POD.matcher(path);
    if (pod.matches() && "DELETE".equals(request.getMethod())) {
      String options = new String(request.getBody().getBytes(), StandardCharsets.UTF_8);
      Matcher grace = Pattern.compile("\"gracePeriodSeconds\"\\s*:\\s*(\\d+)").matcher(options);
      deleted.add(pod.group(2) + (grace.find() ? " grace " + grace.group(1) : ""));
      kill(pod.group(2));
    }
    boolean create = "POST".equals(request.getMethod()) && path.matches("/api/v1/namespaces/[^/]+/pods");
    String body = create ? new String(request.getBody().getBytes(), StandardCharsets.UTF_8) : null; // (the dispatcher reads the body)
    MockResponse response = crud.dispatch(request);
    if (create && response.code() == 201) {
      Pod created = Serialization.unmarshal(body, Pod.class);
      String namespace = path.split("/")[4];
      threads.execute(() -> start(namespace, created));
    }
    return response;
  }

  private void start(String namespace, Pod pod) {
    String name = pod.getMetadata().getName();
    var container = pod.getSpec().getContainers().get(0);
    Quantity memory = container.getResources() == null || container.getResources().getRequests() == null ? null
        : container.getResources().getRequests().get("memory");
    if (container.getImage().startsWith(UNPULLABLE)) {
      status(namespace, name, new PodStatusBuilder().withPhase("Pending").withContainerStatuses(new ContainerStatusBuilder().withName("job")
          .withImage(container.getImage()).withState(new ContainerStateBuilder().withNewWaiting().withReason("ErrImagePull")
              .withMessage("rpc error: code = NotFound desc = failed to pull and unpack image: manifest unknown").endWaiting().build())
          .build()).build());
    } else if (memory != null && memory.getNumericalAmount().compareTo(NODE_MEMORY.getNumericalAmount()) > 0) {
      status(namespace, name, new PodStatusBuilder().withPhase("Pending").withConditions(new PodConditionBuilder().withType("PodScheduled")
          .withStatus("False").withReason("Unschedulable").withMessage("0/3 nodes are available: 3 Insufficient memory.").build()).build());
    } else {
      try {
        for (String dir : List.of("workspace", "pipelinekit", "home")) Files.createDirectories(root.resolve(name).resolve(dir));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      status(namespace, name, new PodStatusBuilder().withPhase("Running")
          .withConditions(new PodConditionBuilder().withType("Ready").withStatus("True").build(),
              new PodConditionBuilder().withType("ContainersReady").withStatus("True").build())
          .withContainerStatuses(new ContainerStatusBuilder().withName("job").withImage(container.getImage()).withReady(true)
              .withState(new ContainerStateBuilder().withNewRunning().endRunning().build()).build())
          .build());
    }
  }

  private void status(String namespace, String name, PodStatus status) {
    client.pods().inNamespace(namespace).withName(name).editStatus(p -> {
      p.setStatus(status);
      return p;
    });
  }

  private void kill(String pod) {
    List<Process> ours = processes.remove(pod);
    String marker = "PK_FAKE_POD=" + pod;
    // every process the pod's execs started, detached ones too (found by the marker in their environment)
    try (var proc = Files.list(Path.of("/proc"))) {
      for (Path p : proc.filter(d -> d.getFileName().toString().matches("\\d+")).toList()) {
        try {
          String env = new String(Files.readAllBytes(p.resolve("environ")), StandardCharsets.UTF_8);
          if (("\0" + env).contains("\0" + marker + "\0")) {
            ProcessHandle.of(Long.parseLong(p.getFileName().toString())).ifPresent(ProcessHandle::destroyForcibly);
          }
        } catch (IOException e) {
          // gone meanwhile, or not ours
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    if (ours != null) ours.forEach(Process::destroyForcibly);
  }

  private MockResponse exec(String pod, String query) {
    List<String> command = new ArrayList<>();
    for (String param : query.split("&")) {
      if (param.startsWith("command=")) command.add(URLDecoder.decode(param.substring(8), StandardCharsets.UTF_8));
    }
    execs.add(pod + ": " + (command.size() > 4 ? command.get(2).lines().findFirst().orElse("") + " " + command.subList(4, command.size())
        : String.join(" ", command)));
    Path home = root.resolve(pod);
    List<String> local = command.stream().map(c -> inPod(c, home)).toList();
    return new MockResponse().withWebSocketUpgrade(new ExecSession(pod, home, local, dropAfter.getAndSet(-1)));
  }

  private static final Pattern POD_PATHS = Pattern.compile("(?<![\\w.-])/(workspace|pipelinekit)(?![\\w.-])");

  /** A command's {@code /workspace} and {@code /pipelinekit} as the directories of the pod at {@code home}. */
  static String inPod(String command, Path home) {
    return POD_PATHS.matcher(command).replaceAll(m -> Matcher.quoteReplacement(home.resolve(m.group(1)).toString()));
  }

  /** One exec: the command as a local process, its streams on the API's channels. */
  private final class ExecSession extends WebSocketListener {
    private final String pod;
    private final Path home;
    private final List<String> command;
    private final long dropAfter;
    private volatile Process process;
    private volatile boolean dropped;

    ExecSession(String pod, Path home, List<String> command, long dropAfter) {
      this.pod = pod;
      this.home = home;
      this.command = command;
      this.dropAfter = dropAfter;
    }

    @Override
    public void onOpen(WebSocket ws, Response response) {
      ProcessBuilder pb = new ProcessBuilder(command).directory(home.resolve("workspace").toFile());
      Map<String, String> env = pb.environment();
      env.clear(); // a container's environment is its image's, never the node's
      env.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
      env.put("HOME", home.resolve("home").toString());
      env.put("HOSTNAME", pod);
      env.put("PK_FAKE_POD", pod);
      try {
        synchronized (early) {
          process = pb.start();
          byte[] kept = early.toByteArray();
          if (kept.length > 0) stdin(kept, 0, kept.length);
        }
      } catch (IOException e) {
        send(ws, 3, "{\"metadata\":{},\"status\":\"Failure\",\"message\":\"" + e.getMessage() + "\"}");
        ws.close(1000, "");
        return;
      }
      processes.computeIfAbsent(pod, k -> new CopyOnWriteArrayList<>()).add(process);
      threads.execute(() -> {
        var err = threads.submit(() -> pump(ws, process.getErrorStream(), 2));
        pump(ws, process.getInputStream(), 1);
        try {
          err.get();
          int code = process.waitFor();
          if (dropped) return;
          send(ws, 3, code == 0 ? "{\"metadata\":{},\"status\":\"Success\"}"
              : "{\"metadata\":{},\"status\":\"Failure\",\"reason\":\"NonZeroExitCode\",\"details\":{\"causes\":[{\"reason\":\"ExitCode\","
                  + "\"message\":\"" + code + "\"}]}}");
          ws.close(1000, "");
        } catch (Exception e) {
          ws.close(1011, String.valueOf(e.getMessage()));
        }
      });
    }

    private void pump(WebSocket ws, InputStream in, int channel) {
      byte[] buf = new byte[8192];
      long sent = 0;
      try (in) {
        int n;
        while ((n = in.read(buf)) > 0) {
          if (dropped) continue;
          if (channel == 1 && dropAfter >= 0 && sent + n > dropAfter) {
            int keep = (int) (dropAfter - sent);
            if (keep > 0) send(ws, channel, java.util.Arrays.copyOf(buf, keep));
            dropped = true; // the connection breaks: no status; the exec's own shell goes, what it started runs on
            ws.close(1011, "connection reset");
            process.destroyForcibly();
            continue;
          }
          sent += n;
          send(ws, channel, java.util.Arrays.copyOf(buf, n));
        }
      } catch (IOException e) {
        // the process was killed
      }
    }

    @Override
    public void onMessage(WebSocket ws, ByteString bytes) {
      onMessage(ws, bytes.toByteArray());
    }

    private final java.io.ByteArrayOutputStream early = new java.io.ByteArrayOutputStream();

    @Override
    public void onMessage(WebSocket ws, byte[] bytes) {
      if (bytes.length == 0 || bytes[0] != 0) return;
      synchronized (early) {
        if (process == null) { // (input may come before the process is up: it is kept for it)
          early.write(bytes, 1, bytes.length - 1);
          return;
        }
      }
      stdin(bytes, 1, bytes.length - 1);
    }

    private void stdin(byte[] bytes, int offset, int length) {
      try {
        OutputStream stdin = process.getOutputStream();
        stdin.write(bytes, offset, length);
        stdin.flush();
      } catch (IOException e) {
        // the process no longer reads
      }
    }

    @Override
    public void onClosing(WebSocket ws, int code, String reason) {
      Process p = process;
      if (p != null) p.destroyForcibly(); // the client went: the exec's own process goes
    }
  }

  private static synchronized void send(WebSocket ws, int channel, String text) {
    send(ws, channel, text.getBytes(StandardCharsets.UTF_8));
  }

  private static synchronized void send(WebSocket ws, int channel, byte[] data) {
    byte[] frame = new byte[data.length + 1];
    frame[0] = (byte) channel;
    System.arraycopy(data, 0, frame, 1, data.length);
    ws.send(frame);
  }

  @Override
  public void close() {
    for (String pod : List.copyOf(processes.keySet())) kill(pod);
    client.close();
    server.destroy();
    threads.shutdownNow();
    try {
      threads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  Optional<Pod> pod(String namespace, String name) {
    return Optional.ofNullable(client.pods().inNamespace(namespace).withName(name).get());
  }
}
