/**
 * Rich output in notebooks: what user code in the agent JVM calls to show tensors, models, images
 * and charts, and the frame codec that carries that output to the kernel.
 *
 * <h2>Vocabulary</h2>
 * <dl>
 *   <dt>mime bundle ({@link org.bitspike.jupyter.display.MimeBundle})</dt>
 *   <dd>one value in several formats, keyed by mime type ({@code text/plain}, {@code text/html},
 *       {@code image/png} as base64, {@code image/svg+xml}); the front end shows the richest one it
 *       can. Every bundle this package makes has a {@code text/plain} entry.</dd>
 *   <dt>renderer ({@link org.bitspike.jupyter.display.Renderer})</dt>
 *   <dd>fills a bundle for values of one class; the most specific registered class wins.</dd>
 *   <dt>display ({@link org.bitspike.jupyter.display.Display}, {@link org.bitspike.jupyter.display.DisplayHandle})</dt>
 *   <dd>an output area of the current cell with a {@code display_id}; a handle updates it in place
 *       ({@code update_display_data}), which is how {@link org.bitspike.jupyter.display.NotebookProgress}
 *       redraws one training panel.</dd>
 *   <dt>session ({@link org.bitspike.jupyter.display.DisplaySession})</dt>
 *   <dd>a renderer registry and the sink its frames go to. {@link org.bitspike.jupyter.display.Display}
 *       is the static face of the agent's one shared session; tests build their own.</dd>
 *   <dt>frame ({@link org.bitspike.jupyter.display.DisplayFrames})</dt>
 *   <dd>{@code ESC ] b s ;}, base64 of a UTF-8 JSON object, {@code BEL}: rich output travelling
 *       in-band on the agent's standard output. The kernel's
 *       {@link org.bitspike.jupyter.display.DisplayFrames.Filter} cuts frames out of the byte stream
 *       and passes the rest on as text.</dd>
 * </dl>
 *
 * <h2>Frames</h2>
 * A frame's JSON object has {@code "kind"} ({@code display_data}, {@code update_display_data},
 * {@code clear_output} or {@code execute_result}) and, as in the Jupyter message of that kind,
 * {@code "data"} (mime type to string), {@code "metadata"} (object), {@code "transient"} (object,
 * {@code {"display_id": ...}}) or, for {@code clear_output}, {@code "wait"} (boolean). The kernel
 * adds what only it knows (the execution count of an {@code execute_result}).
 *
 * <p>NOTE: frames ride on standard output rather than a side channel so that their order relative
 * to printed text is the order the user's code produced them in: a progress panel appears after
 * the line printed before training started, whatever the buffering on either side.
 */
package org.bitspike.jupyter.display;
