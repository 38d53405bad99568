package org.pipelinekit.core.engine.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.pipelinekit.core.files.Glob;

/**
 * {@code hashFiles('**}{@code /pom.xml', ...)}: SHA-256 over the sorted relative paths and contents
 * of the workspace's regular files matching any of the globs; empty text when none match.
 */
public final class HashFiles {
  private HashFiles() {}

  public static String hash(Path workspace, List<String> globs) {
    List<Path> files = Glob.find(workspace, globs).stream().map(workspace::resolve).toList();
    if (files.isEmpty()) return "";
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[64 * 1024];
      for (Path f : files) {
        sha.update(workspace.relativize(f).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        sha.update((byte) 0);
        try (InputStream in = Files.newInputStream(f)) {
          int n;
          while ((n = in.read(buf)) > 0) sha.update(buf, 0, n);
        }
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException("hashFiles cannot read a file: " + e.getMessage(), e);
    }
  }

}
