package org.pipelinekit.templates;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Template folders in a local git repository at a ref (a branch, tag or commit; default
 * {@code HEAD}), read from the commit with JGit — the work tree is never looked at, so what a
 * team has committed (and tagged) is what it shares.
 */
public final class GitTemplateSource implements TemplateSource {
  private final Path repository;
  private final String ref;

  public GitTemplateSource(Path repository, String ref) {
    this.repository = repository;
    this.ref = ref;
  }

  public GitTemplateSource(Path repository) {
    this(repository, "HEAD");
  }

  @Override
  public String name() {
    return repository + "@" + ref;
  }

  @Override
  public List<TemplateFiles> load() {
    try (Repository repo = new FileRepositoryBuilder().findGitDir(repository.toFile()).setMustExist(true).build();
         RevWalk walk = new RevWalk(repo)) {
      ObjectId id = repo.resolve(ref);
      if (id == null) throw new IllegalArgumentException("no ref " + ref + " in the git repository " + repository);
      RevCommit commit = walk.parseCommit(id);
      Map<String, Map<String, String>> folders = new LinkedHashMap<>();
      try (TreeWalk tree = new TreeWalk(repo)) {
        tree.addTree(commit.getTree());
        tree.setRecursive(true);
        while (tree.next()) {
          String path = tree.getPathString();
          int slash = path.lastIndexOf('/');
          String folder = slash < 0 ? "" : path.substring(0, slash);
          String file = path.substring(slash + 1);
          if (file.equals("template.yaml") || file.equals("pipeline.yaml") || file.equals("pipeline.pipeline.kts")) {
            String text = new String(repo.open(tree.getObjectId(0)).getBytes(), StandardCharsets.UTF_8);
            folders.computeIfAbsent(folder, f -> new LinkedHashMap<>()).put(file, text);
          }
        }
      }
      List<TemplateFiles> out = new ArrayList<>();
      folders.forEach((folder, files) -> {
        if (!files.containsKey("template.yaml")) return;
        String body = files.containsKey("pipeline.pipeline.kts") ? "pipeline.pipeline.kts" : "pipeline.yaml";
        out.add(new TemplateFiles(name() + ":" + folder, files.get("template.yaml"), body, files.getOrDefault(body, "")));
      });
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read templates from the git repository " + repository + ": " + e.getMessage(), e);
    }
  }
}
