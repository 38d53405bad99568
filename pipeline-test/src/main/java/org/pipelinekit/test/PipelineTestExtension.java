package org.pipelinekit.test;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/** The JUnit 5 extension behind {@link PipelineTest}: a {@link PipelineTester} per test, closed after it. */
public final class PipelineTestExtension implements ParameterResolver, AfterEachCallback {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PipelineTestExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == PipelineTester.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context.getStore(NAMESPACE).getOrComputeIfAbsent("tester", key -> PipelineTester.create(), PipelineTester.class);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    PipelineTester tester = context.getStore(NAMESPACE).remove("tester", PipelineTester.class);
    if (tester != null) tester.close();
  }
}
