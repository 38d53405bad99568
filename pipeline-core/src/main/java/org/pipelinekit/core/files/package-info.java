/** Workspace file helpers the modules share: glob matching as stage paths use it. */
package org.pipelinekit.core.files;
