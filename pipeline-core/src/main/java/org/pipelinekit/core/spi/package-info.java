@NullMarked
package org.pipelinekit.core.spi;

import org.jspecify.annotations.NullMarked;
