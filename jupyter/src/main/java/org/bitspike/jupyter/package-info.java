/** The Jupyter notebook kernel with bitspike built in (filled in by the kernel issue). */
package org.bitspike.jupyter;
