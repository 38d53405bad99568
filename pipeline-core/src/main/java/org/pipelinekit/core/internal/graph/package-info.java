@NullMarked
package org.pipelinekit.core.internal.graph;

import org.jspecify.annotations.NullMarked;
