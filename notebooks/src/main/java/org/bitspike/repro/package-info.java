/** Reproduction experiments that the notebooks and the main-job CLI run. */
package org.bitspike.repro;
