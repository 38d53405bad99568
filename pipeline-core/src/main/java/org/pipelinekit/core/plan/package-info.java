@NullMarked
package org.pipelinekit.core.plan;

import org.jspecify.annotations.NullMarked;
