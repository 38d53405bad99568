@NullMarked
package org.pipelinekit.core.runner;

import org.jspecify.annotations.NullMarked;
