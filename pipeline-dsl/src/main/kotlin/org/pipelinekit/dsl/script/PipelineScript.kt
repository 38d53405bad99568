package org.pipelinekit.dsl.script

import java.io.File
import kotlin.script.experimental.annotations.KotlinScript
import kotlin.script.experimental.api.ResultWithDiagnostics
import kotlin.script.experimental.api.ScriptAcceptedLocation
import kotlin.script.experimental.api.ScriptCollectedData
import kotlin.script.experimental.api.ScriptCompilationConfiguration
import kotlin.script.experimental.api.ScriptConfigurationRefinementContext
import kotlin.script.experimental.api.ScriptDiagnostic
import kotlin.script.experimental.api.acceptedLocations
import kotlin.script.experimental.api.asSuccess
import kotlin.script.experimental.api.collectedAnnotations
import kotlin.script.experimental.api.compilerOptions
import kotlin.script.experimental.api.defaultImports
import kotlin.script.experimental.api.ide
import kotlin.script.experimental.api.importScripts
import kotlin.script.experimental.api.refineConfiguration
import kotlin.script.experimental.api.with
import kotlin.script.experimental.host.FileBasedScriptSource
import kotlin.script.experimental.host.FileScriptSource
import kotlin.script.experimental.jvm.dependenciesFromClassContext
import kotlin.script.experimental.jvm.jvm
import org.pipelinekit.core.model.Pipeline
import org.pipelinekit.dsl.PipelineScope

/**
 * Reuses another script's declarations (shared stage groups, helper functions):
 * `@file:Import("shared.pipeline.kts")`, a path relative to the importing script.
 */
@Target(AnnotationTarget.FILE)
@Repeatable
@Retention(AnnotationRetention.SOURCE)
annotation class Import(vararg val paths: String)

/**
 * The base of every `*.pipeline.kts` script. Each `pipeline(...)` call the script makes is
 * collected; the host hands them back in order.
 */
@KotlinScript(
    displayName = "PipelineKit pipeline",
    fileExtension = "pipeline.kts",
    compilationConfiguration = PipelineScriptCompilation::class,
)
abstract class PipelineScript {
    /** The pipelines this script defined, in order. */
    val pipelines: MutableList<Pipeline> = mutableListOf()

    fun pipeline(id: String, draft: Boolean = false, block: PipelineScope.() -> Unit): Pipeline =
        org.pipelinekit.dsl.pipeline(id, draft, block).also { pipelines += it }
}

object PipelineScriptCompilation : ScriptCompilationConfiguration({
    defaultImports(
        "org.pipelinekit.dsl.*",
        "org.pipelinekit.dsl.script.Import",
        "org.pipelinekit.core.model.CacheScope",
        "org.pipelinekit.core.model.CachePolicy",
        "org.pipelinekit.core.model.ArtifactWhen",
        "org.pipelinekit.core.model.WorkspaceMode",
        "org.pipelinekit.core.model.ParameterType",
        "org.pipelinekit.core.model.RetryOn",
        "java.time.Duration",
    )
    jvm {
        dependenciesFromClassContext(PipelineScript::class, wholeClasspath = true)
    }
    compilerOptions("-jvm-target", "17")
    refineConfiguration {
        onAnnotations(Import::class, handler = ::importScripts)
    }
    ide {
        acceptedLocations(ScriptAcceptedLocation.Everywhere)
    }
})

/** Adds the scripts named by `@file:Import` (resolved against the importing script's directory). */
private fun importScripts(context: ScriptConfigurationRefinementContext): ResultWithDiagnostics<ScriptCompilationConfiguration> {
    val annotations = context.collectedData?.get(ScriptCollectedData.collectedAnnotations)
        ?.filter { it.annotation is Import } ?: return context.compilationConfiguration.asSuccess()
    val base = (context.script as? FileBasedScriptSource)?.file?.parentFile
    val sources = mutableListOf<FileScriptSource>()
    for (a in annotations) {
        for (path in (a.annotation as Import).paths) {
            val file = File(path).let { if (it.isAbsolute || base == null) it else File(base, path) }
            if (!file.isFile) {
                return ResultWithDiagnostics.Failure(
                    ScriptDiagnostic(
                        ScriptDiagnostic.unspecifiedError,
                        "imported script '$path' not found (looked for ${file.path})",
                        ScriptDiagnostic.Severity.ERROR,
                        context.script.locationId,
                        a.location?.locationInText,
                    ),
                )
            }
            sources += FileScriptSource(file)
        }
    }
    return context.compilationConfiguration.with { importScripts.append(sources) }.asSuccess()
}
