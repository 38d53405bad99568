@NullMarked
package org.pipelinekit.core.expr;

import org.jspecify.annotations.NullMarked;
