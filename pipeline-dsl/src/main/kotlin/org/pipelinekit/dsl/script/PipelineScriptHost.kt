package org.pipelinekit.dsl.script

import java.io.File
import java.nio.file.Files
import java.nio.file.Path
import java.security.MessageDigest
import kotlin.script.experimental.api.EvaluationResult
import kotlin.script.experimental.api.ResultValue
import kotlin.script.experimental.api.ResultWithDiagnostics
import kotlin.script.experimental.api.ScriptDiagnostic
import kotlin.script.experimental.api.SourceCode
import kotlin.script.experimental.api.valueOrNull
import kotlin.script.experimental.host.ScriptingHostConfiguration
import kotlin.script.experimental.host.toScriptSource
import kotlin.script.experimental.jvm.baseClassLoader
import kotlin.script.experimental.jvm.compilationCache
import kotlin.script.experimental.jvm.jvm
import kotlin.script.experimental.jvmhost.BasicJvmScriptingHost
import kotlin.script.experimental.jvmhost.CompiledScriptJarsCache
import kotlin.script.experimental.jvmhost.createJvmCompilationConfigurationFromTemplate
import kotlin.script.experimental.jvmhost.createJvmEvaluationConfigurationFromTemplate
import org.pipelinekit.core.ErrorCode
import org.pipelinekit.core.PipelineException
import org.pipelinekit.core.model.Pipeline

/** One problem in a script, where the compiler or the evaluation found it. */
data class ScriptProblem(val file: String, val line: Int, val column: Int, val message: String, val error: Boolean) {
    override fun toString(): String =
        "$file:${if (line > 0) "$line:$column:" else ""} ${if (error) "error" else "warning"}: $message"
}

/** A script that does not compile or fails while it runs; [problems] says where and why. */
class PipelineScriptException(val problems: List<ScriptProblem>) :
    PipelineException(ErrorCode.SCRIPT_INVALID, problems.filter { it.error }.ifEmpty { problems }.joinToString("\n"))

/**
 * Evaluates `*.pipeline.kts` scripts with the Kotlin scripting host. Compiled scripts are cached
 * as jars under [cacheDirectory], keyed by a SHA-256 of the script text, the text of every script it
 * imports and the compiler's version, so an unchanged script evaluates without compiling.
 */
class PipelineScriptHost(private val cacheDirectory: Path? = null) {
    private val compilation = createJvmCompilationConfigurationFromTemplate<PipelineScript>()
    private val evaluation = createJvmEvaluationConfigurationFromTemplate<PipelineScript> {
        jvm { baseClassLoader(PipelineScript::class.java.classLoader) }
    }
    private val host = BasicJvmScriptingHost(
        ScriptingHostConfiguration {
            jvm {
                if (cacheDirectory != null) {
                    Files.createDirectories(cacheDirectory)
                    compilationCache(CompiledScriptJarsCache { script, _ -> cacheDirectory.resolve(cacheKey(script) + ".jar").toFile() })
                }
            }
        },
    )

    /** The pipelines the script file defines. */
    fun evaluate(file: Path): List<Pipeline> = evaluate(file.toFile().toScriptSource(), file.toString())

    /** The pipelines a script defines; [name] is used in messages. */
    fun evaluate(text: String, name: String = "script.pipeline.kts"): List<Pipeline> = evaluate(text.toScriptSource(name), name)

    private fun evaluate(source: SourceCode, name: String): List<Pipeline> {
        val result = host.eval(source, compilation, evaluation)
        val problems = result.reports.filter { it.severity >= ScriptDiagnostic.Severity.WARNING }.map { problem(it, name) }
        val value: EvaluationResult = result.valueOrNull()
            ?: throw PipelineScriptException(problems.ifEmpty { listOf(ScriptProblem(name, 0, 0, "the script did not compile", true)) })
        when (val r = value.returnValue) {
            is ResultValue.Error -> throw PipelineScriptException(
                listOf(ScriptProblem(name, r.error.lineIn(name), 0, describe(r.error), true)),
            )
            else -> {
                val instance = r.scriptInstance as? PipelineScript
                    ?: throw PipelineScriptException(listOf(ScriptProblem(name, 0, 0, "the script did not run", true)))
                if (instance.pipelines.isEmpty()) {
                    throw PipelineScriptException(listOf(ScriptProblem(name, 0, 0, "the script defines no pipeline; call pipeline(\"id\") { ... }", true)))
                }
                return instance.pipelines.toList()
            }
        }
    }

    private fun problem(d: ScriptDiagnostic, name: String): ScriptProblem {
        val start = d.location?.start
        var message = d.exception?.let { describe(it) } ?: d.message
        if (message.contains("FirResolvedTypeRef")) {
            // Kotlin 2.3's K2 scripting cannot use top-level functions of imported scripts whose signatures name
            // classes; declarations inside an object work
            message = "the compiler cannot use a top-level function of an imported script here; declare shared stage groups " +
                "inside an object in the imported script (object Java { fun PipelineScope.build() { ... } }) and " +
                "import them (import Java.build)"
        }
        return ScriptProblem(d.sourcePath ?: name, start?.line ?: 0, start?.col ?: 0, message, d.severity >= ScriptDiagnostic.Severity.ERROR)
    }

    private fun describe(e: Throwable): String = when (e) {
        is PipelineException -> e.message ?: e.code()
        is IllegalArgumentException -> e.message ?: e.toString()
        else -> e.toString()
    }

    /** The script's line where an exception was thrown, when the stack shows it. */
    private fun Throwable.lineIn(name: String): Int {
        val simple = File(name).name.substringBefore('.')
        return stackTrace.firstOrNull { it.fileName != null && it.fileName!!.startsWith(simple) }?.lineNumber ?: 0
    }

    private fun cacheKey(script: SourceCode): String {
        val sha = MessageDigest.getInstance("SHA-256")
        sha.update(KotlinVersion.CURRENT.toString().toByteArray())
        sha.update(0)
        sha.update(DSL_FINGERPRINT) // a script compiled against another version of the DSL is compiled again
        sha.update(0)
        sha.update(script.text.toByteArray())
        for (imported in importedFiles(script)) {
            sha.update(0)
            sha.update(imported.readBytes())
        }
        return sha.digest().joinToString("") { "%02x".format(it) }
    }

    /** Files named by `@file:Import("...")` in the script text (and theirs, transitively). */
    private fun importedFiles(script: SourceCode): List<File> {
        val base = script.locationId?.let { File(it).parentFile }
        val out = mutableListOf<File>()
        val pattern = Regex("""@file\s*:\s*Import\s*\(([^)]*)\)""")
        for (m in pattern.findAll(script.text)) {
            for (p in Regex("\"([^\"]+)\"").findAll(m.groupValues[1])) {
                val f = File(p.groupValues[1]).let { if (it.isAbsolute || base == null) it else File(base, p.groupValues[1]) }
                if (f.isFile && f !in out) {
                    out += f
                    out += importedFiles(f.toScriptSource())
                }
            }
        }
        return out
    }
}

/**
 * The DSL's classes as this host has them: part of each compiled script's cache key, so that a script compiled against an
 * earlier PipelineKit (whose DSL methods may have changed) is not taken from the cache.
 */
private val DSL_FINGERPRINT: ByteArray by lazy {
    val sha = MessageDigest.getInstance("SHA-256")
    for (name in listOf("DslKt", "PipelineScope", "ParameterScope", "TriggerScope", "DefaultsScope", "RetryScope", "StageScope", "StepScope",
        "MatrixScope", "CacheScope_", "ArtifactsScope", "EnvironmentScope", "ApprovalScope")) {
        PipelineScriptHost::class.java.getResourceAsStream("/org/pipelinekit/dsl/$name.class")?.use { sha.update(it.readBytes()) }
    }
    sha.digest()
}
