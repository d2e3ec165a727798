/**
 * The Jupyter notebook kernel with bitspike built in.
 * <ul>
 *   <li>{@link org.bitspike.jupyter.wire}: the Jupyter messaging protocol on jeromq (sockets,
 *       signing, the wire format);</li>
 *   <li>{@link org.bitspike.jupyter.kernel}: the kernel (protocol 5.3 over a JShell whose snippets
 *       run in a separate JVM), its command line and installer;</li>
 *   <li>{@link org.bitspike.jupyter.agent}: the execution JVM's entry point (its whole class path);</li>
 *   <li>{@link org.bitspike.jupyter.display}: what notebook code uses to show things richly
 *       (loaded in the execution JVM; it talks to the kernel in frames on standard output).</li>
 * </ul>
 */
package org.bitspike.jupyter;
