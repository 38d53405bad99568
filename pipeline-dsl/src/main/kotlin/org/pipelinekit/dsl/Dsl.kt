package org.pipelinekit.dsl

import java.time.Duration
import java.util.Optional
import org.pipelinekit.core.model.Approval
import org.pipelinekit.core.model.ArtifactSpec
import org.pipelinekit.core.model.ArtifactWhen
import org.pipelinekit.core.model.Backoff
import org.pipelinekit.core.model.CachePolicy
import org.pipelinekit.core.model.CacheScope
import org.pipelinekit.core.model.CacheSpec
import org.pipelinekit.core.model.Concurrency
import org.pipelinekit.core.model.Defaults
import org.pipelinekit.core.model.Durations
import org.pipelinekit.core.model.Environment
import org.pipelinekit.core.model.Matrix
import org.pipelinekit.core.model.Parameter
import org.pipelinekit.core.model.ParameterType
import org.pipelinekit.core.model.Pipeline
import org.pipelinekit.core.model.Resources
import org.pipelinekit.core.model.RetryOn
import org.pipelinekit.core.model.RetryPolicy
import org.pipelinekit.core.model.Stage
import org.pipelinekit.core.model.Step
import org.pipelinekit.core.model.Trigger
import org.pipelinekit.core.model.WorkspaceMode

/** Keeps one DSL scope's members out of nested blocks, so `stage { stage { } }` does not compile. */
@DslMarker
annotation class PipelineDsl

/**
 * A pipeline, written as Kotlin:
 *
 * ```
 * pipeline("ci") {
 *     trigger { push("main") }
 *     stage("build") { run("mvn -B package") }
 *     stage("test") { needs("build"); matrix { axis("jdk", "17", "21") }; retry(2) }
 * }
 * ```
 *
 * A thin layer over [Pipeline.Builder]: every call checks its argument the way the Java builder
 * does. Ids that are not valid ids (or stages without steps) need [draft] = true, which leaves
 * such problems to the validator, as the file readers do.
 */
fun pipeline(id: String, draft: Boolean = false, block: PipelineScope.() -> Unit = {}): Pipeline {
    val scope = PipelineScope(if (draft) Pipeline.draft(id) else Pipeline.builder(id), draft)
    scope.block()
    return scope.build()
}

/** A duration written as in pipeline files: `duration("20m")`, `duration("1h30m")`. */
fun duration(text: String): Duration = Durations.parse(text)

val Int.millis: Duration get() = Duration.ofMillis(toLong())
val Int.seconds: Duration get() = Duration.ofSeconds(toLong())
val Int.minutes: Duration get() = Duration.ofMinutes(toLong())
val Int.hours: Duration get() = Duration.ofHours(toLong())
val Int.days: Duration get() = Duration.ofDays(toLong())

@PipelineDsl
class PipelineScope internal constructor(private val builder: Pipeline.Builder, private val draft: Boolean) {
    var name: String? = null
        set(value) { field = value; value?.let { builder.name(it) } }
    var description: String? = null
        set(value) { field = value; value?.let { builder.description(it) } }
    /** The longest a whole execution may take. */
    var timeout: Duration? = null
        set(value) { field = value; value?.let { builder.timeout(it) } }
    /** The revision a store gave the pipeline (0: never saved). */
    var version: Long = 0
        set(value) { field = value; builder.version(value) }

    fun parameter(name: String, block: ParameterScope.() -> Unit = {}) {
        val p = Parameter.Builder(name)
        ParameterScope(p).block()
        builder.parameter(p.build())
    }

    fun trigger(block: TriggerScope.() -> Unit) {
        TriggerScope(builder).block()
    }

    fun env(name: String, value: String) {
        builder.env(name, value)
    }

    fun defaults(block: DefaultsScope.() -> Unit) {
        val scope = DefaultsScope()
        scope.block()
        builder.defaults(scope.build())
    }

    /** Executions whose group evaluates alike run one at a time. */
    /** Records the template this pipeline was created from (pipeline-templates sets it). */
    fun template(id: String, version: String, values: Map<String, Any> = mapOf()) {
        builder.template(id, version, values)
    }

    fun concurrency(group: String, cancelInProgress: Boolean = false, queueLimit: Int? = null) {
        builder.concurrency(Concurrency(group, cancelInProgress, Optional.ofNullable(queueLimit)))
    }

    /** `WorkspaceMode.ISOLATED` (the default: each job its own directory) or `WorkspaceMode.SHARED` (one per execution). */
    var workspace: WorkspaceMode = WorkspaceMode.ISOLATED
        set(value) { field = value; builder.workspace(value) }

    fun stage(id: String, block: StageScope.() -> Unit) {
        val b = if (draft) Stage.draft(id) else Stage.builder(id)
        StageScope(b).block()
        builder.stage(b.build())
    }

    internal fun build(): Pipeline = builder.build()
}

@PipelineDsl
class ParameterScope internal constructor(private val builder: Parameter.Builder) {
    var type: ParameterType = ParameterType.STRING
        set(value) { field = value; builder.type(value) }
    var default: Any? = null
        set(value) { field = value; value?.let { builder.defaultValue(it) } }
    var description: String? = null
        set(value) { field = value; value?.let { builder.description(it) } }
    var required: Boolean = false
        set(value) { field = value; builder.required(value) }

    /** A choice among these options. */
    fun choice(vararg options: String) {
        builder.choice(*options)
    }
}

@PipelineDsl
class TriggerScope internal constructor(private val builder: Pipeline.Builder) {
    fun push(vararg branches: String, tags: List<String> = listOf(), paths: List<String> = listOf()) {
        builder.trigger(Trigger.Push(branches.toList(), tags, paths))
    }

    fun pullRequest(vararg branches: String, paths: List<String> = listOf()) {
        builder.trigger(Trigger.PullRequest(branches.toList(), paths))
    }

    fun schedule(cron: String, timezone: String? = null) {
        builder.trigger(Trigger.Schedule(cron, Optional.ofNullable(timezone)))
    }

    fun manual() {
        builder.trigger(Trigger.manual())
    }

    fun api() {
        builder.trigger(Trigger.api())
    }

    /** Runs after a run of [pipeline] succeeds. */
    fun upstream(pipeline: String) {
        builder.trigger(Trigger.upstream(pipeline))
    }

    /** Runs after a run of [pipeline] ends as [on] says (`success`, `failure`, `cancelled`, `completed`) on one of [branches]. */
    fun upstream(pipeline: String, on: List<String>, branches: List<String> = listOf()) {
        builder.trigger(Trigger.Upstream(pipeline, on, branches))
    }
}

@PipelineDsl
class DefaultsScope internal constructor() {
    var timeout: Duration? = null
    private var retry: RetryPolicy? = null
    private var resources: Resources? = null

    fun retry(limit: Int) {
        retry = RetryPolicy.of(limit)
    }

    fun retry(block: RetryScope.() -> Unit) {
        retry = RetryScope().apply(block).build()
    }

    fun resources(cpu: String? = null, memory: String? = null) {
        resources = resourcesOf(cpu, memory)
    }

    internal fun build(): Defaults = Defaults(Optional.ofNullable(timeout), Optional.ofNullable(retry), Optional.ofNullable(resources))
}

internal fun resourcesOf(cpu: String?, memory: String?): Resources =
    Resources(Optional.ofNullable(cpu?.let { Resources.parseCpu(it) }), Optional.ofNullable(memory?.let { Resources.parseMemory(it) }))

@PipelineDsl
class RetryScope internal constructor() {
    /** Retries after the first attempt. */
    var limit: Int = 1
    private val on = mutableSetOf<RetryOn>()
    private val exitCodes = mutableListOf<Int>()
    private var backoff: Backoff = Backoff.DEFAULT

    /** Which failures are retried (all when none is named). */
    fun on(vararg failures: RetryOn) {
        on += failures
    }

    /** Only these exit codes are retried. */
    fun exitCodes(vararg codes: Int) {
        exitCodes += codes.toList()
    }

    fun backoff(initial: Duration, factor: Double = 2.0, max: Duration = Duration.ofMinutes(1)) {
        backoff = Backoff(initial, factor, max)
    }

    fun noBackoff() {
        backoff = Backoff.NONE
    }

    internal fun build(): RetryPolicy {
        val b = RetryPolicy.Builder().limit(limit).exitCodes(*exitCodes.toIntArray()).backoff(backoff)
        if (on.isNotEmpty()) b.on(*on.toTypedArray())
        return b.build()
    }
}

@PipelineDsl
class StageScope internal constructor(private val builder: Stage.Builder) {
    var name: String? = null
        set(value) { field = value; value?.let { builder.name(it) } }
    /** The stage type; `shell` unless set (typed helpers such as [mavenBuild] set it). */
    var type: String = Stage.SHELL
        set(value) { field = value; builder.type(value) }
    /** The stage's condition (`when:` in files): `condition = "branch == 'main' && success()"`. */
    var condition: String? = null
        set(value) { field = value; value?.let { builder.`when`(it) } }
    var image: String? = null
        set(value) { field = value; value?.let { builder.image(it) } }
    var timeout: Duration? = null
        set(value) { field = value; value?.let { builder.timeout(it) } }
    /** A failure is reported (SOFT_FAILED) but does not fail the pipeline. */
    var continueOnError: Boolean = false
        set(value) { field = value; builder.continueOnError(value) }

    /** Only a failure with one of these exit codes is soft; any other failure fails the pipeline. Turns [continueOnError] on. */
    fun continueOnErrorExitCodes(vararg exitCodes: Int) {
        continueOnError = true
        builder.continueOnErrorExitCodes(*exitCodes)
    }

    /**
     * Reuse an earlier successful run's result while this key stays the same: a template, usually
     * `hashFiles(...)` of the stage's sources, such as `memoize = "tests-\${{ hashFiles('pom.xml') }}"`.
     */
    var memoize: String? = null
        set(value) { field = value; value?.let { builder.memoize(it) } }

    fun needs(vararg stageIds: String) {
        builder.needs(*stageIds)
    }

    /** The stages whose files the jobs start with, when not every stage needed (`dependencies()` for none). */
    fun dependencies(vararg stageIds: String) {
        builder.dependencies(*stageIds)
    }

    /** An input of the stage type (`with:` in files). */
    fun with(input: String, value: Any) {
        builder.with(input, value)
    }

    fun env(name: String, value: String) {
        builder.env(name, value)
    }

    fun run(command: String) {
        builder.run(command)
    }

    fun run(name: String, command: String) {
        builder.run(name, command)
    }

    fun step(command: String, block: StepScope.() -> Unit) {
        val b = Step.Builder().run(command)
        StepScope(b).block()
        builder.step(b.build())
    }

    /** Outputs the stage sets beyond those its type declares. */
    fun outputs(vararg names: String) {
        builder.outputs(*names)
    }

    /** A quality gate over what the steps wrote, checked after them: `gate("coverage", "outputs.coverage >= 80")`. */
    fun gate(name: String, condition: String) {
        builder.gate(name, condition)
    }

    /** Labels a host must have to run this stage's jobs, such as `runsOn("docker", "os=linux")`. */
    fun runsOn(vararg labels: String) {
        builder.runsOn(*labels)
    }

    fun matrix(block: MatrixScope.() -> Unit) {
        val b = Matrix.Builder()
        MatrixScope(b).block()
        builder.matrix(b.build())
    }

    fun retry(limit: Int) {
        builder.retry(limit)
    }

    fun retry(block: RetryScope.() -> Unit) {
        builder.retry(RetryScope().apply(block).build())
    }

    fun resources(cpu: String? = null, memory: String? = null) {
        builder.resources(resourcesOf(cpu, memory))
    }

    fun cache(block: CacheScope_.() -> Unit) {
        val b = CacheSpec.Builder()
        CacheScope_(b).block()
        builder.cache(b.build())
    }

    fun artifacts(block: ArtifactsScope.() -> Unit) {
        val b = ArtifactSpec.Builder()
        ArtifactsScope(b).block()
        builder.artifacts(b.build())
    }

    fun environment(name: String, block: EnvironmentScope.() -> Unit = {}) {
        val b = Environment.Builder(name)
        EnvironmentScope(b).block()
        builder.environment(b.build())
    }

    fun approval(block: ApprovalScope.() -> Unit) {
        val b = Approval.Builder()
        ApprovalScope(b).block()
        builder.approval(b.build())
    }

    /** Sets the type and its inputs at once (what the typed helpers call). */
    fun typed(typeId: String, inputs: Map<String, Any>) {
        type = typeId
        builder.with(inputs)
    }
}

@PipelineDsl
class StepScope internal constructor(private val builder: Step.Builder) {
    var name: String? = null
        set(value) { field = value; value?.let { builder.name(it) } }
    var workingDirectory: String? = null
        set(value) { field = value; value?.let { builder.workingDirectory(it) } }
    var timeout: Duration? = null
        set(value) { field = value; value?.let { builder.timeout(it) } }
    /** When the step runs (`when:` in files): `condition = "failure()"`, `"always()"`, any condition on the job so far. */
    var condition: String? = null
        set(value) { field = value; value?.let { builder.`when`(it) } }
    /** A failure of this step is logged and the job goes on. */
    var continueOnError: Boolean = false
        set(value) { field = value; builder.continueOnError(value) }

    fun env(name: String, value: String) {
        builder.env(name, value)
    }
}

@PipelineDsl
class MatrixScope internal constructor(private val builder: Matrix.Builder) {
    var failFast: Boolean = true
        set(value) { field = value; builder.failFast(value) }
    var maxParallel: Int? = null
        set(value) { field = value; value?.let { builder.maxParallel(it) } }

    fun axis(name: String, vararg values: String) {
        builder.axis(name, *values)
    }

    fun include(vararg entry: Pair<String, String>) {
        builder.include(linkedMapOf(*entry))
    }

    fun exclude(vararg entry: Pair<String, String>) {
        builder.exclude(linkedMapOf(*entry))
    }
}

/** The `cache { }` block (named with a trailing underscore to leave [CacheScope] to the model's enum). */
@PipelineDsl
class CacheScope_ internal constructor(private val builder: CacheSpec.Builder) {
    var key: String? = null
        set(value) { field = value; value?.let { builder.key(it) } }
    var scope: CacheScope = CacheScope.BRANCH
        set(value) { field = value; builder.scope(value) }
    var policy: CachePolicy = CachePolicy.PULL_PUSH
        set(value) { field = value; builder.policy(value) }

    fun restoreKeys(vararg prefixes: String) {
        builder.restoreKeys(*prefixes)
    }

    fun path(vararg paths: String) {
        builder.path(*paths)
    }
}

@PipelineDsl
class ArtifactsScope internal constructor(private val builder: ArtifactSpec.Builder) {
    var name: String? = null
        set(value) { field = value; value?.let { builder.name(it) } }
    var retention: Duration? = null
        set(value) { field = value; value?.let { builder.retention(it) } }
    /** `ArtifactWhen.ON_SUCCESS` (the default), `ON_FAILURE` or `ALWAYS`. */
    var `when`: ArtifactWhen = ArtifactWhen.ON_SUCCESS
        set(value) { field = value; builder.`when`(value) }

    fun path(vararg paths: String) {
        builder.path(*paths)
    }
}

@PipelineDsl
class EnvironmentScope internal constructor(private val builder: Environment.Builder) {
    var url: String? = null
        set(value) { field = value; value?.let { builder.url(it) } }

    fun variable(name: String, value: String) {
        builder.variable(name, value)
    }

    fun protectBranches(vararg patterns: String) {
        builder.protectBranches(*patterns)
    }

    fun requireApprovalFrom(vararg approvers: String) {
        builder.requireApprovalFrom(*approvers)
    }
}

@PipelineDsl
class ApprovalScope internal constructor(private val builder: Approval.Builder) {
    var required: Int = 1
        set(value) { field = value; builder.required(value) }
    var timeout: Duration? = null
        set(value) { field = value; value?.let { builder.timeout(it) } }

    fun approvers(vararg names: String) {
        builder.approvers(*names)
    }
}
