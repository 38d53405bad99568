@NullMarked
package org.pipelinekit.core.engine;

import org.jspecify.annotations.NullMarked;
