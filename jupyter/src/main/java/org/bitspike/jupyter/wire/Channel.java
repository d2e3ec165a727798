package org.bitspike.jupyter.wire;

import java.util.Locale;

/** The five sockets of a kernel, as named in the connection file ({@code shell_port} and so on). */
public enum Channel {
    /** Requests from frontends (execute, complete, inspect, kernel_info, ...), answered in order. */
    SHELL,
    /** Like shell, but served by its own thread so interrupt and shutdown get through a busy kernel. */
    CONTROL,
    /** Input requests from the kernel to the frontend, answered by {@code input_reply}. */
    STDIN,
    /** Broadcast of status, streams, display data and results to every subscribed frontend. */
    IOPUB,
    /** Echo of every frame received, so a frontend can tell the kernel process is alive. */
    HEARTBEAT;

    /** Lower-case name as used in logs and in the spec: {@code shell}, {@code iopub}, ... */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
