/**
 * Modules, layers, the efficient-network families, optimisers, data and training (filled in by
 * the nn issue).
 */
package org.bitspike.nn;
