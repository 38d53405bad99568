package org.pipelinekit.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives each test method a fresh {@link PipelineTester} (as a parameter), closed after the test:
 *
 * <pre>{@code
 * @PipelineTest
 * class DeployPipelineTest {
 *   @Test
 *   void deploysFromMainOnly(PipelineTester tester) { ... }
 * }
 * }</pre>
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(PipelineTestExtension.class)
public @interface PipelineTest {}
