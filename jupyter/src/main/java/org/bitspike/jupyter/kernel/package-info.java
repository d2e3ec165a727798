/**
 * The kernel: {@link org.bitspike.jupyter.kernel.BitspikeKernel} answers the Jupyter protocol over
 * a {@link org.bitspike.jupyter.kernel.JShellSession}, whose snippets run in a separate JVM started
 * by {@link org.bitspike.jupyter.kernel.NoDelayEngine} (launched and stopped through JDI, commands
 * and output on a {@code TCP_NODELAY} socket: JShell's own engine spends ~190 ms a snippet in
 * Nagle's algorithm).
 *
 * <p>Why a wire layer of our own rather than jupyter-jvm-basekernel's: its shell and control loops
 * sleep 50 ms between polls (most of an 80 ms round-trip budget), five of its replies lack the
 * {@code status} field the protocol requires, it serialises history entries wrongly and cannot send
 * an {@code execute_reply} payload, and every {@code print} became one iopub message (floods were
 * lost and the client hung). Each would have needed an override or a fork of its channel classes.
 *
 * <p>Every request gets a reply. Its content is read once, into the record of its type in
 * {@link org.bitspike.jupyter.kernel.Requests}; a malformed one (a missing required field, a field of the
 * wrong JSON type) gets an error reply ({@code ename} {@code MalformedRequest}, {@code evalue} naming the
 * field and the type it needs), an unknown {@code *_request} an {@code UnsupportedRequest} error reply.
 *
 * <p>Output of the execution JVM goes through an {@link org.bitspike.jupyter.kernel.OutputBatcher}
 * per stream: display frames are cut out in order, text is batched.
 */
package org.bitspike.jupyter.kernel;
