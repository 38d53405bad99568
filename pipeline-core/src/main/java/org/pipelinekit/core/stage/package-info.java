@NullMarked
package org.pipelinekit.core.stage;

import org.jspecify.annotations.NullMarked;
