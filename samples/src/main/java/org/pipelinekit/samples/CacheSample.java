package org.pipelinekit.samples;

import java.nio.file.Path;
import java.util.Map;
import org.pipelinekit.cache.CacheManager;
import org.pipelinekit.cache.CachePresets;
import org.pipelinekit.cache.FileCacheStore;
import org.pipelinekit.core.engine.ExecutionSnapshot;
import org.pipelinekit.core.run.ExecutionTrigger;
import org.pipelinekit.core.engine.PipelineExecutor;
import org.pipelinekit.core.model.Pipeline;

/** Caches and a memoized stage. The README shows this file; pipeline-cache's CacheInEngineTest runs the same set-up. */
public final class CacheSample {
  private CacheSample() {}

  public static ExecutionSnapshot run(Path dataDir) {
    CacheManager cache = CacheManager.builder(new FileCacheStore(dataDir.resolve("cache"))).build();
    try (PipelineExecutor executor = PipelineExecutor.builder()
        .interceptor(cache.interceptor())  // restores each stage's caches before it, saves them after
        .stageMemo(cache.stageMemo())      // lets memoized stages reuse an earlier result
        .dataDirectory(dataDir).build()) {
      Pipeline ci = Pipeline.builder("java-ci")
          .stage("build", s -> s.cache(CachePresets.maven()).run("mvn -B -DskipTests package"))
          .stage("test", s -> s.needs("build").memoize("tests-${{ hashFiles('src/**', 'pom.xml') }}")
              .run("mvn -B test"))
          .build();
      return executor.execute(ci, ExecutionTrigger.manual().branch("main"), Map.of()).completion().join();
    }
  }
}
