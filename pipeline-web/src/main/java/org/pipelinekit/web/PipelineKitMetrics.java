package org.pipelinekit.web;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.pipelinekit.core.engine.EventListener;
import org.pipelinekit.core.run.ExecutionEvent;
import org.pipelinekit.core.engine.PipelineExecutor;

/**
 * Micrometer metrics of an executor, bound to the host's registry:
 * {@code pipelinekit.executions} (counter by pipeline and status), {@code pipelinekit.execution.duration}
 * and {@code pipelinekit.stage.duration} (timers by pipeline, stage and status),
 * {@code pipelinekit.executions.queued} and {@code pipelinekit.jobs.running} (gauges).
 *
 * <pre>{@code
 * PipelineKitMetrics metrics = new PipelineKitMetrics(registry);
 * PipelineExecutor executor = PipelineExecutor.builder().listener(metrics.listener()).build();
 * metrics.bindGauges(executor);
 * }</pre>
 */
public final class PipelineKitMetrics {
  private final MeterRegistry registry;
  private final Map<String, Long> started = new ConcurrentHashMap<>();
  private final Map<String, String> pipelines = new ConcurrentHashMap<>();
  private final AtomicInteger queued = new AtomicInteger();

  public PipelineKitMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Counts and times executions and stages from their events; subscribe it to every execution. */
  public EventListener listener() {
    return event -> {
      String id = event.executionId();
      String pipeline = id.contains("-") ? id.substring(0, id.lastIndexOf('-')) : id;
      if (event instanceof ExecutionEvent.ExecutionQueued) {
        queued.incrementAndGet();
        pipelines.put(id, "queued");
      } else if (event instanceof ExecutionEvent.ExecutionStarted) {
        if (pipelines.remove(id) != null) queued.decrementAndGet();
        started.put(id, event.time().toEpochMilli());
      } else if (event instanceof ExecutionEvent.StageFinished f) {
        // stage durations come from the snapshot's times: StageStarted is journaled with its time
        Long begin = started.get(id + "/" + f.stageId());
        if (begin != null) {
          Timer.builder("pipelinekit.stage.duration").tag("pipeline", pipeline).tag("stage", f.stageId())
              .tag("status", f.status().name()).register(registry).record(Duration.ofMillis(f.time().toEpochMilli() - begin));
          started.remove(id + "/" + f.stageId());
        }
      } else if (event instanceof ExecutionEvent.StageStarted s) {
        started.put(id + "/" + s.stageId(), s.time().toEpochMilli());
      } else if (event instanceof ExecutionEvent.ExecutionFinished f) {
        if (pipelines.remove(id) != null) queued.decrementAndGet();
        Counter.builder("pipelinekit.executions").tag("pipeline", pipeline).tag("status", f.status().name()).register(registry).increment();
        Long begin = started.remove(id);
        if (begin != null) {
          Timer.builder("pipelinekit.execution.duration").tag("pipeline", pipeline).tag("status", f.status().name()).register(registry)
              .record(Duration.ofMillis(f.time().toEpochMilli() - begin));
        }
      }
    };
  }

  /** Gauges read from the executor: executions waiting in concurrency queues, jobs running. */
  public void bindGauges(PipelineExecutor executor) {
    Gauge.builder("pipelinekit.executions.queued", queued, AtomicInteger::get).register(registry);
    Gauge.builder("pipelinekit.jobs.running", executor, PipelineExecutor::runningJobs).register(registry);
  }
}
