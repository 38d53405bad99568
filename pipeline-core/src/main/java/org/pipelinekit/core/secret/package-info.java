@NullMarked
package org.pipelinekit.core.secret;

import org.jspecify.annotations.NullMarked;
