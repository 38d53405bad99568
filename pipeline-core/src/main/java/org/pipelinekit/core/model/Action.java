package org.pipelinekit.core.model;

/**
 * Configures a nested part of a pipeline: {@code stage("build", s -> s.run("mvn -B package"))}.
 * A one-method interface so Java callers write lambdas and Kotlin gets receiver blocks through
 * SAM-with-receiver.
 */
@FunctionalInterface
public interface Action<T> {
  void execute(T target);
}
