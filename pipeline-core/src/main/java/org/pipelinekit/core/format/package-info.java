@NullMarked
package org.pipelinekit.core.format;

import org.jspecify.annotations.NullMarked;
