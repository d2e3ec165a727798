/**
 * The Jupyter messaging layer: connection files, signed wire frames, and the five ZeroMQ sockets
 * a kernel serves (messaging protocol 5.3, on jeromq and gson).
 *
 * <h2>Vocabulary</h2>
 * <ul>
 *   <li><b>connection file</b> - the JSON file a frontend writes before starting the kernel: transport,
 *       ip, one port per channel, the signature scheme and key ({@link org.bitspike.jupyter.wire.ConnectionInfo}).</li>
 *   <li><b>channel</b> - one of the five sockets ({@link org.bitspike.jupyter.wire.Channel}): SHELL and
 *       CONTROL carry request/reply pairs, STDIN carries input requests from the kernel to the frontend,
 *       IOPUB broadcasts side effects (status, streams, results), HEARTBEAT echoes bytes.</li>
 *   <li><b>message</b> - header, parent header, metadata and content (four JSON objects), plus the
 *       routing identities before it and binary buffers after it ({@link org.bitspike.jupyter.wire.Message}).</li>
 *   <li><b>frames</b> - one message on the wire:
 *       <pre>{@code identities..., "<IDS|MSG>", signature, header, parent_header, metadata, content, buffers...}</pre>
 *       The identities route a reply back to the frontend that sent the request (on IOPUB the single
 *       identity frame is the subscription topic).</li>
 *   <li><b>signature</b> - the hex HMAC of the four JSON frames under the connection file's key
 *       ({@link org.bitspike.jupyter.wire.Signer}); an empty key means signing is off.</li>
 *   <li><b>parent header</b> - the header of the request a message answers or was caused by; frontends
 *       use it to route outputs to the right cell.</li>
 *   <li><b>replay</b> - a verified message sent again byte for byte (same signature). The last 65,536
 *       signatures are remembered ({@code ReplayGuard}, the size of jupyter_client's digest history); a
 *       repeat is dropped with a WARNING and gets no reply, as jupyter_client does.</li>
 *   <li><b>message size limit</b> - the largest frame any socket accepts
 *       ({@link org.bitspike.jupyter.wire.WireOptions#maxMessageBytes()}, ZeroMQ's {@code MAXMSGSIZE}, default
 *       128 MiB); jeromq disconnects a peer that announces more, before allocating anything. Each disconnected
 *       peer is logged at INFO (channel, address, the limit and {@code max.message.bytes}, the
 *       kernel.properties setting that raises it), at most once a minute ({@code DisconnectWarnings}).
 *       NOTE: jeromq 0.6.0 raises the same socket-monitor events (ACCEPTED, HANDSHAKE_PROTOCOL,
 *       DISCONNECTED, no reason) for a refused peer as for one that closed its connection, so the warning
 *       cannot tell them apart and says so.</li>
 *   <li><b>frame guard</b> - the allocator of every incoming frame ({@code FrameGuard}, set with
 *       {@code setMsgAllocator} on the five sockets): it refuses what jeromq's signed size check lets through (a
 *       64-bit size with its top bit set) and any frame the <b>in-flight budget</b> cannot cover. The budget
 *       ({@code FrameBudget}, {@link org.bitspike.jupyter.wire.WireOptions#frameBudgetBytes()}, by default half the
 *       heap and at least one largest frame) is per kernel: every frame jeromq holds, from its header until the
 *       kernel has read it, is charged its size plus 256 bytes, so neither announcements of big frames that never
 *       come nor a multipart message that never ends can exhaust memory. A refused frame becomes an empty command
 *       frame that jeromq discards; each refusal is logged at WARNING, rate-limited ({@code LogLimiter}), with the
 *       channel, the size and the limit or budget. NOTE: jeromq 0.6.0 gives a custom decoder
 *       ({@code setDecoder}) to raw STREAM sockets only, and the allocator knows neither the connection nor
 *       the peer: a refused peer stays connected (its later bytes are read as frame headers, each guarded
 *       again), and while one peer holds the whole budget every peer's frames are refused, a heartbeat too;
 *       the watchdog then restarts the kernel. This is a denial of service, not a zombie.</li>
 *   <li><b>watchdog</b> - a thread with a ZeroMQ context of its own that pings the kernel's heartbeat every
 *       {@link org.bitspike.jupyter.wire.WireOptions#watchdogPeriodMillis()} (2 s) and ends the kernel as a
 *       fatal error when no echo came for {@link org.bitspike.jupyter.wire.WireOptions#watchdogTimeoutMillis()}
 *       (15 s): any future hang of jeromq becomes a restart.</li>
 *   <li><b>fatal error</b> - an Error that ends one of the connection's or jeromq's threads, or the watchdog's
 *       verdict. A line built in advance goes to stderr, then the
 *       {@link org.bitspike.jupyter.wire.FatalErrorHandler} is called, once (the kernel halts with status 70, so
 *       its frontend restarts it, rather than live on deaf), and only then the detailed line ("fatal error in
 *       thread ...") is logged, best effort: nothing is allocated before the halt. The kernelspec also runs the
 *       kernel JVM with {@code -XX:+ExitOnOutOfMemoryError}.</li>
 *   <li><b>content reader</b> - typed reads of a request's content that name the field and the type it
 *       needs ({@link org.bitspike.jupyter.wire.ContentReader}); the kernel turns its errors into error
 *       replies, so every request is answered.</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * {@link org.bitspike.jupyter.wire.KernelConnection} runs five threads. {@code bitspike-wire-io} owns the
 * shell, control, stdin and iopub sockets: it verifies and decodes what arrives, hands shell and control
 * requests to their dispatch threads, completes pending input requests, and writes everything that other
 * threads queued for sending. A verified request whose JSON frames are malformed gets an error reply naming
 * the frame or field when its header says where to send it; dropped messages are logged at most 20 times a
 * minute. {@code bitspike-wire-shell} and {@code bitspike-wire-control} call the
 * {@link org.bitspike.jupyter.wire.MessageHandler} one request at a time, so an interrupt or shutdown on
 * control is handled while a long execute runs on shell. {@code bitspike-wire-heartbeat} only echoes.
 * {@code bitspike-wire-monitor} reads the ZeroMQ socket monitors of the five channels, logs disconnected
 * peers and tells the in-flight budget that a peer left ({@code PeerMonitor}). {@code bitspike-wire-watchdog}
 * pings the heartbeat on a timer (the one thread that does).
 * No other thread sleeps: each blocks in {@code poll} on its sockets plus a wake-up pipe that senders
 * write one byte to. A RuntimeException in a loop is logged and the loop goes on; an Error, or anything
 * that escapes a thread (the jeromq context's own I/O threads included), is a fatal error.
 *
 * <h2>Sockets</h2>
 * Shell, control, stdin and heartbeat are ROUTER sockets; iopub is an XPUB, which publishes exactly like a
 * PUB but also lets the kernel see subscriptions arrive (tests use that to avoid the slow-joiner race).
 * NOTE: every distinct topic a subscriber sends is kept in jeromq's subscription trie until it disconnects, and
 * jeromq 0.6.0's manual mode ({@code ZMQ_XPUB_MANUAL}) keeps them too (in a second trie), so it does not help:
 * a flood of distinct topics can still exhaust the heap, which then ends the kernel JVM
 * ({@code -XX:+ExitOnOutOfMemoryError}, so a restart, not a zombie).
 * NOTE: the kernel does not send the {@code iopub_welcome} message of JEP 65: clients of protocol 5.3, such
 * as the jupyter_kernel_test in Debian 12, reject message types they do not know. Socket options and
 * their reasons are in {@code Sockets}.
 *
 * <h2>Why it is ours</h2>
 * jupyter-jvm-basekernel (the library IJava is built on) was measured and rejected for this layer: its
 * shell and control loops poll without blocking and then sleep 50 ms, which makes every trivial cell
 * cost ~52 ms of a round-trip budget of 80 ms; several of its replies lack {@code status}; and it does not
 * batch stream output. Here nothing waits on a timer: between a request arriving and its reply leaving
 * there are only thread hand-offs, well under a millisecond on loopback.
 */
package org.bitspike.jupyter.wire;
