@NullMarked
package org.pipelinekit.core.log;

import org.jspecify.annotations.NullMarked;
