package org.pipelinekit.dsl

import kotlin.properties.ReadWriteProperty
import kotlin.reflect.KProperty

/**
 * The base of the typed input blocks (`gitClone { repository = "..." }`): each property writes the
 * stage type's input of the same meaning, under its schema name (`coverageThreshold` →
 * `coverage_threshold`). Unset properties leave the input to its default.
 */
@PipelineDsl
abstract class StageInputs {
    private val values = linkedMapOf<String, Any>()

    protected fun <T> input(name: String): ReadWriteProperty<StageInputs, T?> = object : ReadWriteProperty<StageInputs, T?> {
        @Suppress("UNCHECKED_CAST")
        override fun getValue(thisRef: StageInputs, property: KProperty<*>): T? = values[name] as T?

        override fun setValue(thisRef: StageInputs, property: KProperty<*>, value: T?) {
            if (value == null) values.remove(name) else values[name] = value
        }
    }

    /** The inputs set so far, by schema name. */
    fun values(): Map<String, Any> = LinkedHashMap(values)
}
