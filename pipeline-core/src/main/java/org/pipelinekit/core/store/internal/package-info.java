@NullMarked
package org.pipelinekit.core.store.internal;

import org.jspecify.annotations.NullMarked;
