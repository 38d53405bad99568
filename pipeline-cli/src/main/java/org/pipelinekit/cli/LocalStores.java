package org.pipelinekit.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.pipelinekit.core.files.PrivateFiles;
import org.pipelinekit.artifacts.AccessPolicy;
import org.pipelinekit.artifacts.ArtifactManager;
import org.pipelinekit.artifacts.FileArtifactStore;
import org.pipelinekit.cache.CacheManager;
import org.pipelinekit.cache.FileCacheStore;
import org.pipelinekit.core.engine.PipelineExecutor;

/**
 * The cache and the artifact store the commands run pipelines with, both in files: {@code run} and {@code serve} honour
 * a stage's {@code cache:}, {@code memoize} and {@code artifacts:} the same way.
 */
final class LocalStores implements AutoCloseable {
  final CacheManager cache;
  final ArtifactManager artifacts;

  private LocalStores(CacheManager cache, ArtifactManager artifacts) {
    this.cache = cache;
    this.artifacts = artifacts;
  }

  /** Artifacts (and their signing key) under {@code dataDir}/artifacts; the cache in {@code cacheDir}. */
  static LocalStores open(Path dataDir, Path cacheDir) throws IOException {
    return open(dataDir, cacheDir, java.util.List.of());
  }

  /** The same, where a run of a protected branch uses only cache entries that protected branches wrote. */
  static LocalStores open(Path dataDir, Path cacheDir, java.util.List<String> protectedBranches) throws IOException {
    PrivateFiles.createDirectories(dataDir);
    return open(new FileCacheStore(cacheDir), new FileArtifactStore(dataDir.resolve("artifacts")), dataDir, protectedBranches);
  }

  /** Caches in {@code caches}, artifacts in {@code store}, signed with the key kept in {@code keyDir} (shared by hosts that share the stores). */
  static LocalStores open(org.pipelinekit.cache.CacheStore caches, org.pipelinekit.artifacts.ArtifactStore store, Path keyDir,
      java.util.List<String> protectedBranches) throws IOException {
    PrivateFiles.createDirectories(keyDir);
    CacheManager cache = CacheManager.builder(caches).protectedBranches(protectedBranches.toArray(String[]::new)).build();
    ArtifactManager artifacts = ArtifactManager.builder(store, AccessPolicy.allowAll()).signingKey(org.pipelinekit.artifacts.SigningKeys.keptIn(keyDir.resolve("artifact-signing.key"))).build();
    return new LocalStores(cache, artifacts);
  }

  /** The executor restores and saves caches, skips memoized stages whose inputs are unchanged, and stores artifacts. */
  PipelineExecutor.Builder wire(PipelineExecutor.Builder b) {
    return b.interceptor(cache.interceptor()).stageMemo(cache.stageMemo()).interceptor(artifacts.interceptor());
  }

  @Override
  public void close() {
    artifacts.close();
  }
}
