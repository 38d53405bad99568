@NullMarked
package org.pipelinekit.core.stage.internal;

import org.jspecify.annotations.NullMarked;
