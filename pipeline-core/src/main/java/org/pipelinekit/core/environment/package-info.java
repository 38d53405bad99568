/**
 * Environments as objects of the host: {@code staging}, {@code production} with their variables, secrets and protection
 * rules ({@link org.pipelinekit.core.environment.EnvironmentDefinition}), kept in an
 * {@link org.pipelinekit.core.environment.EnvironmentStore} with each one's deployment history.
 */
package org.pipelinekit.core.environment;
