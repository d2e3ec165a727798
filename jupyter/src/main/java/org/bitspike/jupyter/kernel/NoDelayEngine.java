package org.bitspike.jupyter.kernel;

import com.sun.jdi.BooleanValue;
import com.sun.jdi.ClassType;
import com.sun.jdi.ReferenceType;
import com.sun.jdi.ClassNotLoadedException;
import com.sun.jdi.Field;
import com.sun.jdi.IncompatibleThreadStateException;
import com.sun.jdi.InvalidTypeException;
import com.sun.jdi.ObjectReference;
import com.sun.jdi.StackFrame;
import com.sun.jdi.ThreadReference;
import com.sun.jdi.VMDisconnectedException;
import com.sun.jdi.VirtualMachine;
import java.io.IOException;
import java.io.ObjectInput;
import java.io.ObjectOutput;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;
import jdk.jshell.execution.JdiExecutionControl;
import jdk.jshell.execution.JdiInitiator;
import jdk.jshell.execution.RemoteExecutionControl;
import jdk.jshell.execution.Util;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;
import org.bitspike.jupyter.agent.NoDelayAgent;

/**
 * JShell execution engine: a separate JVM launched and controlled through JDI (so {@link #stop}
 * can stop a snippet anywhere, even in a loop inside library code), with commands and output on our
 * own {@code TCP_NODELAY} socket instead of JShell's (see {@link NoDelayAgent}).
 *
 * <p>Only public JDK API is used ({@code jdk.jshell.execution}, {@code jdk.jshell.spi},
 * {@code com.sun.jdi}); the stop protocol follows the fields {@link RemoteExecutionControl} keeps
 * for it ({@code inClientCode}, {@code expectingStop}, {@code stopException}).
 */
final class NoDelayEngine implements ExecutionControlProvider {
    private static final Logger LOG = Logger.getLogger(NoDelayEngine.class.getName());
    private static final int LAUNCH_TIMEOUT_MS = 30_000;
    private static final long EXIT_GRACE_MS = 1_000;
    /** How long an interrupted snippet gets to stop by itself before it is stopped by force. */
    static final long GRACE_MS = 1_000;
    private static final java.util.Set<String> PRIMITIVES =
            java.util.Set.of("boolean", "byte", "char", "short", "int", "long", "float", "double");
    private static final List<String> AGENT_CLASSES = List.of(NoDelayAgent.class.getName(),
            RemoteExecutionControl.class.getName());

    private final Path agentJar;
    private final List<String> vmOptions;
    private final AtomicReference<Process> process = new AtomicReference<>();
    private final AtomicReference<Control> control = new AtomicReference<>();

    /**
     * @param agentJar  the jar holding {@link NoDelayAgent}, the execution JVM's whole class path
     * @param vmOptions options of the execution JVM (heap, {@code --add-modules}, system properties)
     */
    NoDelayEngine(Path agentJar, List<String> vmOptions) {
        this.agentJar = agentJar;
        this.vmOptions = List.copyOf(vmOptions);
    }

    @Override
    public String name() {
        return "bitspike";
    }

    /** The execution JVM's process, once launched (for its exit code when it dies). */
    Process process() {
        return process.get();
    }

    /** The wrapper class whose snippet method ran last (a variable's initialiser runs in its class). */
    String lastInvokedClass() {
        Control c = control.get();
        return c == null ? null : c.lastInvokedClass;
    }

    void forgetLastInvoked() {
        Control c = control.get();
        if (c != null) {
            c.lastInvokedClass = null;
        }
    }

    /**
     * Sets a static field of a snippet class to null (or zero) over JDI, so an overwritten
     * variable's old value can be collected: JShell keeps every snippet class, and with it the
     * value of every variable ever declared, for the life of the session.
     */
    void clearStatic(String className, String fieldName) {
        Control c = control.get();
        if (c != null) {
            c.clearStatic(className, fieldName);
        }
    }

    @Override
    public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) throws IOException {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<String> options = new ArrayList<>(vmOptions);
            options.addAll(env.extraRemoteVMOptions());
            options.add("--class-path");
            options.add(agentJar.toString());
            JdiInitiator launch = new JdiInitiator(listener.getLocalPort(), options, NoDelayAgent.class.getName(),
                    true, null, LAUNCH_TIMEOUT_MS, Map.of());
            VirtualMachine vm = launch.vm();
            process.set(launch.process());
            // also resumes the VM, which JDI launched suspended: without it accept() never returns
            Util.detectJdiExitEvent(vm, reason -> env.closeDown());
            listener.setSoTimeout(LAUNCH_TIMEOUT_MS);
            Socket socket = listener.accept();
            socket.setTcpNoDelay(true);
            return Util.remoteInputOutput(socket.getInputStream(), socket.getOutputStream(),
                    Map.of("out", env.userOut(), "err", env.userErr()), Map.of("in", env.userIn()),
                    (in, out) -> {
                        Control c = new Control(out, in, vm, launch.process());
                        control.set(c);
                        return c;
                    });
        }
    }

    /** The host side of the engine: JShell's streaming protocol plus the JDI stop. */
    private static final class Control extends JdiExecutionControl {
        private final Object stopLock = new Object();
        private final VirtualMachine vm;
        private final Process process;
        private volatile boolean userCodeRunning;
        private volatile String lastInvokedClass;

        Control(ObjectOutput out, ObjectInput in, VirtualMachine vm, Process process) {
            super(out, in);
            this.vm = vm;
            this.process = process;
        }

        @Override
        protected VirtualMachine vm() throws EngineTerminationException {
            return vm;
        }

        @Override
        public String invoke(String className, String methodName) throws RunException, EngineTerminationException,
                InternalException {
            synchronized (stopLock) {
                userCodeRunning = true;
            }
            lastInvokedClass = className;
            try {
                return super.invoke(className, methodName);
            } finally {
                synchronized (stopLock) {
                    userCodeRunning = false;
                    stopLock.notifyAll();
                }
            }
        }

        /**
         * Stops the running snippet in two steps. First its thread is interrupted, which code that
         * watches for interrupts (sleeps, waits, bitspike's training loop between steps) turns into
         * a clean exit; if the snippet is still running after {@value #GRACE_MS} ms, the agent's
         * prepared stop exception is thrown into that thread, which stops any code anywhere but may
         * land inside a class initialiser or a half-done update.
         */
        @Override
        public void stop() throws EngineTerminationException, InternalException {
            synchronized (stopLock) {
                if (!userCodeRunning) {
                    return;
                }
                try {
                    withSnippetThread(false);
                    long deadline = System.nanoTime() + GRACE_MS * 1_000_000L;
                    for (long left = GRACE_MS; userCodeRunning && left > 0;
                         left = (deadline - System.nanoTime()) / 1_000_000L) {
                        stopLock.wait(left);
                    }
                    if (userCodeRunning) {
                        withSnippetThread(true);
                    }
                } catch (VMDisconnectedException e) {
                    throw new EngineTerminationException("the execution JVM is gone: " + e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        /** Interrupts ({@code hard == false}) or stops the thread running client code, found while the VM is suspended. */
        private void withSnippetThread(boolean hard) throws InternalException {
            vm.suspend();
            try {
                for (ThreadReference thread : vm.allThreads()) {
                    for (StackFrame frame : thread.frames()) {
                        String type = frame.location().declaringType().name();
                        String method = frame.location().method().name();
                        if (!AGENT_CLASSES.contains(type) || !(method.equals("invoke") || method.equals("varValue"))) {
                            continue;
                        }
                        ObjectReference agent = frame.thisObject();
                        Field inClientCode = agent.referenceType().fieldByName("inClientCode");
                        if (!((BooleanValue) agent.getValue(inClientCode)).value()) {
                            return;
                        }
                        if (!hard) {
                            thread.interrupt();
                            return;
                        }
                        Field expectingStop = agent.referenceType().fieldByName("expectingStop");
                        Field stopException = agent.referenceType().fieldByName("stopException");
                        agent.setValue(expectingStop, vm.mirrorOf(true));
                        ObjectReference toThrow = (ObjectReference) agent.getValue(stopException);
                        vm.resume();
                        thread.stop(toThrow);
                        agent.setValue(expectingStop, vm.mirrorOf(false));
                        return;
                    }
                }
            } catch (ClassNotLoadedException | IncompatibleThreadStateException | InvalidTypeException e) {
                throw new InternalException("stopping the running snippet failed: " + e);
            } finally {
                vm.resume();
            }
        }

        void clearStatic(String className, String fieldName) {
            try {
                for (ReferenceType type : vm.classesByName(className)) {
                    Field field = type.fieldByName(fieldName);
                    // primitives hold nothing worth collecting
                    if (field != null && field.isStatic() && !field.isFinal() && type instanceof ClassType ct
                            && !PRIMITIVES.contains(field.typeName())) {
                        ct.setValue(field, null);
                    }
                }
            } catch (ClassNotLoadedException | InvalidTypeException | VMDisconnectedException e) {
                LOG.log(Level.FINE, "could not clear " + className + "." + fieldName, e);
            }
        }

        @Override
        public void close() {
            try {
                super.close();
            } finally {
                try {
                    vm.dispose();
                } catch (VMDisconnectedException gone) {
                    // already dead: nothing to release
                }
                try {
                    // a JVM that is exiting (System.exit) gets to finish, so its exit code is its own
                    process.waitFor(EXIT_GRACE_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                process.destroyForcibly();
            }
        }
    }
}
