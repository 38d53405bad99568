@NullMarked
package org.pipelinekit.core.format.internal;

import org.jspecify.annotations.NullMarked;
