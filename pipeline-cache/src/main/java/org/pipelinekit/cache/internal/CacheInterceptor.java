package org.pipelinekit.cache.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.pipelinekit.cache.CacheContext;
import org.pipelinekit.cache.CacheManager;
import org.pipelinekit.core.model.CacheSpec;
import org.pipelinekit.core.spi.JobContext;
import org.pipelinekit.core.spi.JobExit;
import org.pipelinekit.core.spi.JobInterceptor;

/**
 * A stage's {@code cache:} entries, around each attempt of its jobs: restored before the first step (unless the policy
 * is {@code push}), saved after all steps succeeded (unless it is {@code pull}, and not when the exact key was restored:
 * entries are immutable). The job's output {@code cacheHit} is {@code true} when every cache it restores was restored on
 * its exact key, so a step can say {@code when: outputs.cacheHit != 'true'}. Keys arrive
 * rendered by the engine. Paths are relative to the workspace, or to the home directory with
 * {@code ~/}. A cache that cannot be restored or saved never fails the stage: it is logged and the
 * stage goes on without it.
 */
public final class CacheInterceptor implements JobInterceptor {
  private final CacheManager cache;

  public CacheInterceptor(CacheManager cache) {
    this.cache = cache;
  }

  @Override
  public String id() {
    return "cache";
  }

  @Override
  public CompletionStage<JobExit> intercept(Chain chain) {
    JobContext ctx = chain.context();
    List<CacheSpec> caches = ctx.stage().caches();
    if (caches.isEmpty()) return chain.proceed();
    Set<String> exactHits = ConcurrentHashMap.newKeySet(); // restored on their exact key: not saved again
    return CompletableFuture.runAsync(() -> {
          for (CacheSpec c : caches) {
            if (c.policy().restores() && restore(ctx, c)) exactHits.add(c.key());
          }
          // what GitHub's cache-hit tells: steps read it as ${{ outputs.cacheHit }} and skip what the cache already holds
          boolean allExact = caches.stream().filter(c -> c.policy().restores()).allMatch(c -> exactHits.contains(c.key()));
          ctx.output(HIT_OUTPUT, Boolean.toString(allExact && caches.stream().anyMatch(c -> c.policy().restores())));
        }, ctx.blockingExecutor())
        .thenCompose(v -> chain.proceed())
        .thenCompose(exit -> exit.result() != JobExit.Result.SUCCEEDED ? CompletableFuture.completedFuture(exit)
            : CompletableFuture.supplyAsync(() -> {
              for (CacheSpec c : caches) {
                if (c.policy().saves()) save(ctx, c, exactHits.contains(c.key()));
              }
              return exit;
            }, ctx.blockingExecutor()));
  }

  /** The output a job's steps read to learn whether every cache it restores was restored on its exact key. */
  public static final String HIT_OUTPUT = "cacheHit";

  private static CacheContext context(JobContext ctx) {
    return new CacheContext(ctx.pipelineId(), ctx.branch());
  }

  static List<Path> targets(JobContext ctx, CacheSpec c) {
    List<Path> out = new ArrayList<>();
    for (String p : c.paths()) {
      if (p.equals("~") || p.startsWith("~/")) {
        out.add(Path.of(System.getProperty("user.home")).resolve(p.length() > 2 ? p.substring(2) : "").normalize());
      } else {
        out.add(ctx.workspace().resolve(p).normalize());
      }
    }
    return out;
  }

  /** Restores one cache; true when it was restored on its exact key. */
  private boolean restore(JobContext ctx, CacheSpec c) {
    long start = System.nanoTime();
    try {
      Optional<CacheManager.Restored> r = cache.restore(context(ctx), c.key(), c.restoreKeys(), c.scope(), targets(ctx, c));
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      if (r.isEmpty()) {
        ctx.log("cache miss: " + c.key());
        ctx.cacheUsed("miss", c.key(), Optional.empty(), 0, took);
        return false;
      }
      CacheManager.Restored done = r.get();
      boolean exact = done.hit().exact();
      ctx.log("cache " + (exact ? "hit" : "partial hit on " + done.hit().entry().key()) + ": restored " + mb(done.bytes()) + " ("
          + done.files() + " files) in " + seconds(took));
      ctx.cacheUsed(exact ? "hit" : "partial-hit", c.key(), Optional.of(done.hit().entry().key()), done.bytes(), took);
      return exact;
    } catch (RuntimeException e) {
      ctx.log("warning: cache " + c.key() + " not restored: " + e.getMessage());
      ctx.cacheUsed("miss", c.key(), Optional.empty(), 0, Duration.ofNanos(System.nanoTime() - start));
      return false;
    }
  }

  private void save(JobContext ctx, CacheSpec c, boolean restoredExactly) {
    if (restoredExactly) {
      ctx.log("cache " + c.key() + " was restored on its exact key; not saving it again");
      return;
    }
    try {
      CacheManager.Saved s = cache.save(context(ctx), c.key(), targets(ctx, c), c.scope(), CacheManager.SaveOptions.DEFAULT);
      if (s.stored()) {
        long bytes = s.entry().get().size();
        ctx.log("cache saved: " + c.key() + " (" + mb(bytes) + " in " + seconds(s.took()) + ")");
        ctx.cacheUsed("saved", c.key(), Optional.empty(), bytes, s.took());
      } else {
        ctx.log("cache " + c.key() + " exists already; entries are not replaced");
        ctx.cacheUsed("not-saved", c.key(), Optional.empty(), 0, s.took());
      }
    } catch (RuntimeException e) {
      ctx.log("warning: cache " + c.key() + " not saved: " + e.getMessage());
      ctx.cacheUsed("not-saved", c.key(), Optional.empty(), 0, Duration.ZERO);
    }
  }

  private static String mb(long bytes) {
    return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.2fs", d.toMillis() / 1000.0);
  }
}
