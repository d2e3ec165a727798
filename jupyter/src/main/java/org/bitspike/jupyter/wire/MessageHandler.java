package org.bitspike.jupyter.wire;

/**
 * What the kernel does with a request. Called on the {@code bitspike-wire-shell} thread for SHELL
 * requests (one at a time, in arrival order) and on the {@code bitspike-wire-control} thread for
 * CONTROL requests. Replies and iopub messages go out through {@code connection}, from any thread.
 * An exception is logged and dropped; the next request is still dispatched.
 */
@FunctionalInterface
public interface MessageHandler {

    /**
     * @param channel    {@link Channel#SHELL} or {@link Channel#CONTROL}
     * @param request    the verified, decoded request; its identities route the reply
     * @param connection where to send replies ({@link Message#reply}) and broadcasts
     */
    void handle(Channel channel, Message request, KernelConnection connection) throws Exception;
}
