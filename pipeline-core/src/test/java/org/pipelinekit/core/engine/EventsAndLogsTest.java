package org.pipelinekit.core.engine;

import org.pipelinekit.core.run.ExecutionEvent;
import org.pipelinekit.core.run.ExecutionStatus;
import org.pipelinekit.core.run.ExecutionTrigger;
import org.pipelinekit.core.run.LogLine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.pipelinekit.core.engine.EngineTesting.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipelinekit.core.run.ExecutionEvent.LogAppended;
import org.pipelinekit.core.model.Pipeline;

class EventsAndLogsTest {
  @TempDir Path dir;
  PipelineExecutor executor;

  @BeforeEach
  void open() {
    executor = PipelineExecutor.builder().dataDirectory(dir).build();
  }

  @AfterEach
  void close() {
    executor.close();
  }

  @Test
  void aListenerThatFallsBehindIsDroppedAndToldWhereToResume_theEngineGoesOn() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicLong resumeAfter = new AtomicLong(-1);
    CountDownLatch overflowed = new CountDownLatch(1);
    List<ExecutionEvent> received = Collections.synchronizedList(new ArrayList<>());
    // the step floods only once the listener holds its first event, so it is dropped with something delivered
    java.nio.file.Path go = dir.resolve("go");
    Pipeline p = Pipeline.builder("chatty").stage("talk", s -> s.run("while [ ! -f '" + go + "' ]; do sleep 0.02; done; seq 1 500")).build();
    PipelineExecutor small = PipelineExecutor.builder().dataDirectory(dir.resolve("small")).eventBuffer(50).build();
    Execution e = small.execute(p);
    e.subscribe(new EventListener() {
      @Override
      public void onEvent(ExecutionEvent event) {
        received.add(event);
        try {
          java.nio.file.Files.writeString(go, "");
          release.await(); // a listener that blocks on its first event
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
        } catch (java.io.IOException ex) {
          throw new java.io.UncheckedIOException(ex);
        }
      }

      @Override
      public void overflowed(long lastDelivered) {
        resumeAfter.set(lastDelivered);
        overflowed.countDown();
      }
    });
    ExecutionSnapshot done = await(e); // the blocked listener does not hold the execution up
    assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    release.countDown();
    assertThat(overflowed.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(resumeAfter.get()).isEqualTo(received.get(received.size() - 1).sequence());
    // resuming from the journal gives every journaled event after the last one delivered
    EngineTesting.Recorder again = new EngineTesting.Recorder();
    e.subscribe(resumeAfter.get() + 1, again);
    again.waitFor(ev -> ev instanceof ExecutionEvent.ExecutionFinished);
    assertThat(again.events.get(0).sequence()).isGreaterThan(resumeAfter.get());
    assertThat(e.logs().read("talk", 1, 1000)).extracting(LogLine::text).contains("1", "500");
    small.close();
  }

  @Test
  void eachStepReportsItsStartUpBeforeItsFirstLine_andTheJournalKeepsIt() throws Exception {
    EngineTesting.Recorder rec = new EngineTesting.Recorder();
    Pipeline p = Pipeline.builder("steps").stage("a", s -> s.run("echo one").run("true").run("echo three")).build();
    Execution e = executor.execute(p, ExecutionTrigger.manual(), Map.of(), rec);
    assertThat(await(e).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    rec.waitFor(ev -> ev instanceof ExecutionEvent.ExecutionFinished);
    List<ExecutionEvent.StepStarted> started = rec.events.stream()
        .filter(ev -> ev instanceof ExecutionEvent.StepStarted).map(ev -> (ExecutionEvent.StepStarted) ev).toList();
    assertThat(started).extracting(ExecutionEvent.StepStarted::step).containsExactly(1, 2, 3);
    assertThat(started).allSatisfy(st -> {
      assertThat(st.runner()).isEqualTo("local");
      assertThat(st.startup()).isPositive().isLessThan(Duration.ofSeconds(30));
    });
    long firstLine = rec.events.stream().filter(ev -> ev instanceof LogAppended l && l.line().text().equals("one"))
        .findFirst().orElseThrow().sequence();
    assertThat(started.get(0).sequence()).isLessThan(firstLine);
    // a listener that subscribes later gets them from the journal
    EngineTesting.Recorder later = new EngineTesting.Recorder();
    e.subscribe(1, later);
    later.waitFor(ev -> ev instanceof ExecutionEvent.ExecutionFinished);
    assertThat(later.events).filteredOn(ev -> ev instanceof ExecutionEvent.StepStarted).hasSize(3);
  }

  @Test
  void followDeliversEachLineOnceInOrderFromAGivenLine_whileTheStageWrites() throws Exception {
    EngineTesting.Recorder rec = new EngineTesting.Recorder();
    Pipeline p = Pipeline.builder("follow")
        .stage("count", s -> s.run("seq 1 200; echo half; while [ ! -f '" + dir + "/go' ]; do sleep 0.05; done; seq 201 400")).build();
    Execution e = executor.execute(p, ExecutionTrigger.manual(), Map.of(), rec);
    rec.waitFor(ev -> ev instanceof LogAppended l && l.line().text().equals("half"));
    List<LogLine> lines = Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<Void> ended = new CompletableFuture<>();
    e.logs().follow("count", 50, lines::add, () -> ended.complete(null));
    Files.writeString(dir.resolve("go"), "");
    ended.get(60, TimeUnit.SECONDS);
    assertThat(lines).extracting(LogLine::number).first().isEqualTo(50L);
    assertThat(lines).extracting(LogLine::number).isSorted().doesNotHaveDuplicates();
    long last = lines.get(lines.size() - 1).number();
    assertThat(lines).hasSize((int) (last - 50 + 1));
    assertThat(lines).extracting(LogLine::text).contains("200", "201", "400");
  }

  @Test
  void aFollowerThatFallsFarBehind_catchesUpFromTheStore_andGetsEveryLineOnceThenTheEnd() throws Exception {
    EngineTesting.Recorder rec = new EngineTesting.Recorder();
    Pipeline p = Pipeline.builder("flood").stage("print", s -> s.run("echo first; while [ ! -f '" + dir + "/go' ]; do sleep 0.05; done; seq 2 200000"))
        .build();
    Execution e = executor.execute(p, ExecutionTrigger.manual(), Map.of(), rec);
    rec.waitFor(ev -> ev instanceof LogAppended l && l.line().text().equals("first"));
    List<LogLine> lines = Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<Void> ended = new CompletableFuture<>();
    // a deliberately slow client: it takes its first line only once the stage has written all 200,000 (its buffer holds 10,000)
    e.logs().follow("print", 1, line -> {
      if (lines.isEmpty()) {
        try {
          Files.writeString(dir.resolve("go"), "");
          e.completion().get(120, TimeUnit.SECONDS);
        } catch (Exception x) {
          throw new IllegalStateException(x);
        }
      }
      lines.add(line);
    }, () -> ended.complete(null));
    ended.get(120, TimeUnit.SECONDS);
    assertThat(lines).extracting(LogLine::number).isSorted().doesNotHaveDuplicates();
    assertThat(lines.get(lines.size() - 1).number()).isEqualTo(lines.size());
    assertThat(lines).extracting(LogLine::text).contains("first", "2", "100000", "200000");
  }

  @Test
  void aFiftyMegabyteLogIsKeptWhole() throws Exception {
    Pipeline p = Pipeline.builder("big")
        .stage("spew", s -> s.run("head -c 42000000 /dev/zero | tr '\\0' 'a' | fold -w 99; echo; echo end")).build();
    Execution e = executor.execute(p);
    ExecutionSnapshot done = await(e);
    assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    Path file = dir.resolve("logs").resolve(e.id()).resolve("spew.log");
    assertThat(Files.size(file)).isGreaterThan(50L * 1024 * 1024);
    List<LogLine> all = e.logs().read("spew", 1, Integer.MAX_VALUE);
    long letters = all.stream().filter(l -> l.text().chars().allMatch(c -> c == 'a')).mapToLong(l -> l.text().length()).sum();
    assertThat(letters).isEqualTo(42_000_000L);
    assertThat(all.get(all.size() - 1).text()).isEqualTo("end");
    List<LogLine> tail = e.logs().read("spew", all.size() - 1, 10); // resuming deep in the log
    assertThat(tail).extracting(LogLine::text).containsExactly(all.get(all.size() - 2).text(), "end");
  }

  @Test
  void finishedExecutionsAreReadBackFromTheStore() throws Exception {
    Pipeline p = Pipeline.builder("stored").stage("a", s -> s.run("echo kept")).build();
    String id = await(executor.execute(p)).id();
    executor.close();
    try (PipelineExecutor again = PipelineExecutor.builder().dataDirectory(dir).build()) {
      Execution e = again.execution(id).orElseThrow();
      assertThat(e.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(e.logs().read("a", 1, 10)).extracting(LogLine::text).contains("kept");
      EngineTesting.Recorder rec = new EngineTesting.Recorder();
      e.subscribe(rec);
      rec.waitFor(ev -> ev instanceof ExecutionEvent.ExecutionFinished);
      assertThat(again.executions("stored", 10)).extracting(ExecutionSnapshot::id).containsExactly(id);
    }
    executor = PipelineExecutor.builder().dataDirectory(dir.resolve("other")).cancelGracePeriod(Duration.ZERO).build();
  }
}
