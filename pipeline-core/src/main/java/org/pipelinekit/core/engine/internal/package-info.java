@NullMarked
package org.pipelinekit.core.engine.internal;

import org.jspecify.annotations.NullMarked;
