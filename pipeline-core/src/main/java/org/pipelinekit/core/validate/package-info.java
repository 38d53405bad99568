@NullMarked
package org.pipelinekit.core.validate;

import org.jspecify.annotations.NullMarked;
