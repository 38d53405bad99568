@NullMarked
package org.pipelinekit.core.store;

import org.jspecify.annotations.NullMarked;
