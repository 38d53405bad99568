package org.pipelinekit.triggers.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.PathFilter;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/**
 * A bare mirror of one repository (JGit): fetched from its URL, it answers what the branches and tags point at, which
 * files changed between two commits, the files of a directory at a commit, a commit's message and author, and makes a
 * checkout of a commit (a clone of the mirror, detached at the commit) for an execution's source.
 */
public final class Mirror {
  private final Path dir;
  private final String url;

  public Mirror(Path dir, String url) {
    this.dir = dir;
    this.url = url;
  }

  /** Whether the mirror was fetched at least once (its refs are a baseline). */
  public boolean exists() {
    return Files.isDirectory(dir.resolve("objects"));
  }

  /** Fetches every branch and tag (deleted ones go); the refs before and after. */
  public Map<String, ObjectId>[] fetch() throws IOException {
    return fetch(Optional.empty());
  }

  /** As {@link #fetch()}, with these credentials ({@code user:password}, or a token alone). */
  public synchronized Map<String, ObjectId>[] fetch(Optional<String> credentials) throws IOException {
    if (!exists()) {
      try (Git g = Git.init().setBare(true).setDirectory(dir.toFile()).call()) {
        g.getRepository().getConfig().setString("remote", "origin", "url", url); // for a host that opens the mirror by its path
        g.getRepository().getConfig().save();
      } catch (GitAPIException e) {
        throw new IOException("cannot make the mirror " + dir + ": " + e.getMessage(), e);
      }
    }
    try (Git g = Git.open(dir.toFile())) {
      Map<String, ObjectId> before = refs(g.getRepository());
      org.eclipse.jgit.api.FetchCommand fetch = g.fetch();
      credentials.ifPresent(c -> {
        int colon = c.indexOf(':');
        fetch.setCredentialsProvider(colon > 0 ? new org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider(c.substring(0, colon),
            c.substring(colon + 1)) : new org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider("pipelinekit", c));
      });
      fetch.setRemote(url).setRemoveDeletedRefs(true)
          .setRefSpecs(new RefSpec("+refs/heads/*:refs/heads/*"), new RefSpec("+refs/tags/*:refs/tags/*"),
              new RefSpec("+refs/pull/*/head:refs/pull/*/head"), new RefSpec("+refs/merge-requests/*/head:refs/merge-requests/*/head")).call();
      @SuppressWarnings("unchecked")
      Map<String, ObjectId>[] both = new Map[] {before, refs(g.getRepository())};
      return both;
    } catch (GitAPIException e) {
      throw new IOException("cannot fetch " + url + ": " + e.getMessage(), e);
    }
  }

  private static Map<String, ObjectId> refs(Repository r) throws IOException {
    Map<String, ObjectId> out = new LinkedHashMap<>();
    for (Ref ref : r.getRefDatabase().getRefsByPrefix(Constants.R_HEADS)) out.put(ref.getName(), ref.getObjectId());
    for (Ref ref : r.getRefDatabase().getRefsByPrefix(Constants.R_TAGS)) {
      Ref peeled = r.getRefDatabase().peel(ref);
      out.put(ref.getName(), peeled.getPeeledObjectId() != null ? peeled.getPeeledObjectId() : ref.getObjectId());
    }
    return out;
  }

  /** The paths that differ between two commits; every path of {@code after} when there is no {@code before}. */
  public List<String> changed(Optional<ObjectId> before, ObjectId after) throws IOException {
    try (Repository r = Git.open(dir.toFile()).getRepository(); RevWalk walk = new RevWalk(r); TreeWalk tw = new TreeWalk(r)) {
      RevCommit to = walk.parseCommit(after);
      tw.setRecursive(true);
      if (before.isPresent() && r.getObjectDatabase().has(before.get())) {
        tw.addTree(walk.parseCommit(before.get()).getTree());
        tw.addTree(to.getTree());
        tw.setFilter(TreeFilter.ANY_DIFF);
      } else {
        tw.addTree(to.getTree());
      }
      List<String> paths = new ArrayList<>();
      while (tw.next()) paths.add(tw.getPathString());
      return paths;
    }
  }

  /** The files directly in {@code directory} at {@code commit}: name and text. */
  public Map<String, String> files(ObjectId commit, String directory) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    try (Repository r = Git.open(dir.toFile()).getRepository(); RevWalk walk = new RevWalk(r); TreeWalk tw = new TreeWalk(r);
        ObjectReader reader = r.newObjectReader()) {
      tw.addTree(walk.parseCommit(commit).getTree());
      tw.setRecursive(true);
      tw.setFilter(PathFilter.create(directory));
      while (tw.next()) {
        String path = tw.getPathString();
        if (path.indexOf('/', directory.length() + 1) >= 0) continue; // not in a subdirectory
        out.put(path, new String(reader.open(tw.getObjectId(0)).getBytes(), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  /** The commit a full or abbreviated id names, if the mirror has it. */
  public Optional<ObjectId> resolve(String id) throws IOException {
    try (Repository r = Git.open(dir.toFile()).getRepository()) {
      ObjectId found = r.resolve(id + "^{commit}");
      return Optional.ofNullable(found);
    } catch (org.eclipse.jgit.errors.RevisionSyntaxException | org.eclipse.jgit.errors.AmbiguousObjectException e) {
      return Optional.empty();
    }
  }

  /** Where {@code branch} and {@code head} diverged (a pull request's changes are those after it). */
  public Optional<ObjectId> mergeBase(String branch, ObjectId head) throws IOException {
    try (Repository r = Git.open(dir.toFile()).getRepository(); RevWalk walk = new RevWalk(r)) {
      ObjectId base = r.resolve(Constants.R_HEADS + branch);
      if (base == null) return Optional.empty();
      walk.setRevFilter(org.eclipse.jgit.revwalk.filter.RevFilter.MERGE_BASE);
      walk.markStart(walk.parseCommit(base));
      walk.markStart(walk.parseCommit(head));
      RevCommit found = walk.next();
      return Optional.ofNullable(found).map(RevCommit::getId);
    }
  }

  /** A commit's message (first line), author name and e-mail. */
  public String[] describe(ObjectId commit) throws IOException {
    try (Repository r = Git.open(dir.toFile()).getRepository(); RevWalk walk = new RevWalk(r)) {
      RevCommit c = walk.parseCommit(commit);
      return new String[] {c.getShortMessage(), c.getAuthorIdent().getName(), c.getAuthorIdent().getEmailAddress()};
    }
  }

  /** The mirror at {@code dir}, fetching from the URL it was made for. */
  public static Mirror open(Path dir) throws IOException {
    try (Repository r = Git.open(dir.toFile()).getRepository()) {
      String url = r.getConfig().getString("remote", "origin", "url");
      if (url == null) throw new IOException("the mirror " + dir + " does not say where it was fetched from");
      return new Mirror(dir, url);
    }
  }

  /** Makes a checkout of {@code commit} at {@code target} (detached, with its .git), by way of a fresh directory moved into place. */
  public Path checkout(String commit, Path target) throws IOException {
    Path tmp = Files.createTempDirectory(target.getParent(), target.getFileName() + ".");
    try (Git g = Git.init().setDirectory(tmp.toFile()).call()) {
      g.fetch().setRemote(dir.toUri().toString())
          .setRefSpecs(new RefSpec("+refs/heads/*:refs/remotes/origin/*"), new RefSpec("+refs/tags/*:refs/tags/*")).call();
      g.checkout().setName(commit).call();
    } catch (GitAPIException | RuntimeException e) {
      delete(tmp);
      throw new IOException("cannot check out " + commit + " of " + url + ": " + e.getMessage(), e);
    }
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (java.nio.file.FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
      delete(tmp); // another host made it first
    }
    return target;
  }

  private static void delete(Path dir) throws IOException {
    org.eclipse.jgit.util.FileUtils.delete(dir.toFile(), org.eclipse.jgit.util.FileUtils.RECURSIVE | org.eclipse.jgit.util.FileUtils.IGNORE_ERRORS);
  }
}
