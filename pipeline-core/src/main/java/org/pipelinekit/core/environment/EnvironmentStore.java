package org.pipelinekit.core.environment;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.pipelinekit.core.files.PrivateFiles;

/**
 * The host's environments and their deployment history. In memory, or in a directory ({@link #inDirectory}): one JSON file
 * per environment, its deployments appended as JSON lines beside it.
 */
public interface EnvironmentStore {
  List<EnvironmentDefinition> list();

  Optional<EnvironmentDefinition> find(String name);

  /** Adds or replaces an environment (its history stays). */
  void put(EnvironmentDefinition environment);

  /** Removes an environment's definition (its history stays); whether there was one. */
  boolean delete(String name);

  /** Adds a deployment to its environment's history. */
  void record(Deployment deployment);

  /** The environment's deployments, newest first, at most {@code limit}. */
  List<Deployment> deployments(String environment, int limit);

  static EnvironmentStore inMemory() {
    return new EnvironmentStore() {
      private final Map<String, EnvironmentDefinition> environments = new TreeMap<>();
      private final Map<String, List<Deployment>> history = new LinkedHashMap<>();

      @Override
      public synchronized List<EnvironmentDefinition> list() {
        return List.copyOf(environments.values());
      }

      @Override
      public synchronized Optional<EnvironmentDefinition> find(String name) {
        return Optional.ofNullable(environments.get(name));
      }

      @Override
      public synchronized void put(EnvironmentDefinition environment) {
        environments.put(environment.name(), environment);
      }

      @Override
      public synchronized boolean delete(String name) {
        return environments.remove(name) != null;
      }

      @Override
      public synchronized void record(Deployment deployment) {
        history.computeIfAbsent(deployment.environment(), k -> new ArrayList<>()).add(deployment);
      }

      @Override
      public synchronized List<Deployment> deployments(String environment, int limit) {
        List<Deployment> all = new ArrayList<>(history.getOrDefault(environment, List.of()));
        java.util.Collections.reverse(all);
        return List.copyOf(all.subList(0, Math.min(limit, all.size())));
      }
    };
  }

  /** Environments as {@code <name>.json} in {@code dir}, their deployments as {@code <name>.deployments.jsonl}. */
  static EnvironmentStore inDirectory(Path dir) {
    ObjectMapper json = new ObjectMapper();
    return new EnvironmentStore() {
      @Override
      public synchronized List<EnvironmentDefinition> list() {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> files = Files.list(dir)) {
          List<EnvironmentDefinition> out = new ArrayList<>();
          for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList()) out.add(read(f));
          return out;
        } catch (IOException e) {
          throw new UncheckedIOException("cannot list the environments in " + dir + ": " + e.getMessage(), e);
        }
      }

      @Override
      public synchronized Optional<EnvironmentDefinition> find(String name) {
        if (!name.matches("[a-z0-9][a-z0-9_-]*")) return Optional.empty();
        Path f = dir.resolve(name + ".json");
        return Files.exists(f) ? Optional.of(read(f)) : Optional.empty();
      }

      @Override
      public synchronized void put(EnvironmentDefinition e) {
        try {
          PrivateFiles.createDirectories(dir);
          Path tmp = Files.createTempFile(dir, ".environment", ".tmp");
          Files.writeString(tmp, json.writerWithDefaultPrettyPrinter().writeValueAsString(EnvironmentJson.write(e)) + "\n");
          Files.move(tmp, dir.resolve(e.name() + ".json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException x) {
          throw new UncheckedIOException("cannot keep environment " + e.name() + " in " + dir + ": " + x.getMessage(), x);
        }
      }

      @Override
      public synchronized boolean delete(String name) {
        try {
          return name.matches("[a-z0-9][a-z0-9_-]*") && Files.deleteIfExists(dir.resolve(name + ".json"));
        } catch (IOException e) {
          throw new UncheckedIOException("cannot remove environment " + name + " from " + dir + ": " + e.getMessage(), e);
        }
      }

      @Override
      public synchronized void record(Deployment d) {
        try {
          PrivateFiles.createDirectories(dir);
          Files.writeString(dir.resolve(d.environment() + ".deployments.jsonl"), EnvironmentJson.write(d) + "\n", StandardCharsets.UTF_8,
              StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException x) {
          throw new UncheckedIOException("cannot record a deployment to " + d.environment() + " in " + dir + ": " + x.getMessage(), x);
        }
      }

      @Override
      public synchronized List<Deployment> deployments(String environment, int limit) {
        Path f = dir.resolve(environment + ".deployments.jsonl");
        if (!environment.matches("[a-z0-9][a-z0-9_-]*") || !Files.exists(f)) return List.of();
        try {
          List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
          List<Deployment> out = new ArrayList<>();
          for (int i = lines.size() - 1; i >= 0 && out.size() < limit; i--) {
            if (!lines.get(i).isBlank()) out.add(EnvironmentJson.deployment(lines.get(i)));
          }
          return out;
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read the deployments of " + environment + " in " + dir + ": " + e.getMessage(), e);
        }
      }

      private EnvironmentDefinition read(Path f) {
        try {
          return EnvironmentJson.definition(Files.readString(f, StandardCharsets.UTF_8));
        } catch (IOException | IllegalArgumentException e) {
          throw new IllegalStateException("environment file " + f + " cannot be read (" + e.getMessage() + "); fix or remove it", e);
        }
      }
    };
  }
}
