@NullMarked
package org.pipelinekit.core.internal;

import org.jspecify.annotations.NullMarked;
