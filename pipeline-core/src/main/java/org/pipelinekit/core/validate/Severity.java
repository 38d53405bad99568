package org.pipelinekit.core.validate;

/** How bad a {@link Problem} is: errors stop a pipeline from being saved or run, warnings do not. */
public enum Severity {
  ERROR, WARNING
}
