package org.bitspike.jupyter.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Consumer;
import jdk.jshell.execution.RemoteExecutionControl;
import jdk.jshell.execution.Util;

/**
 * The execution JVM's entry point: JShell's remote agent, talking to the kernel over a loopback
 * socket with {@code TCP_NODELAY}. JShell's own agent leaves Nagle's algorithm on, and with delayed
 * ACKs every snippet then waits ~40 ms per exchange (190 ms a snippet measured; 15-20 ms with this).
 *
 * <p>{@code invoke} and {@code varValue} are overridden only so that the frames of a running snippet
 * carry this class's name: the kernel finds the thread to stop by that name over JDI. This class
 * must stay free of dependencies: it is the only class on the execution JVM's own class path.
 */
public final class NoDelayAgent extends RemoteExecutionControl {

    /** Called by the kernel through JDI launch: {@code NoDelayAgent <port>}. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: NoDelayAgent <kernel port>, got " + args.length + " arguments");
        }
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(args[0]));
        socket.setTcpNoDelay(true);
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        Map<String, Consumer<OutputStream>> outputs = Map.of(
                "out", s -> System.setOut(new PrintStream(s, true, StandardCharsets.UTF_8)),
                "err", s -> System.setErr(new PrintStream(s, true, StandardCharsets.UTF_8)));
        Map<String, Consumer<InputStream>> inputs = Map.of("in", System::setIn);
        Util.forwardExecutionControlAndIO(new NoDelayAgent(), in, out, outputs, inputs);
    }

    private static final String DISPLAY = "org.bitspike.jupyter.display.Display";
    /**
     * The value text meaning "the display runtime has shown this value": its rich rendering went
     * out as a frame, or it is a display handle already on screen. The kernel then takes the
     * result from the frame alone.
     */
    public static final String SHOWN = "\u001b]bs-shown\u0007";

    /** Array elements shown in a result before the rest is elided. */
    static final int SHOWN_ITEMS = 100;
    /** Longest result text sent to the kernel. */
    static final int SHOWN_CHARS = 20_000;

    /**
     * Runs a snippet and renders its value as JShell does, but bounded: JShell renders every element
     * of an array and all of a long {@code toString}, so {@code new byte[40_000_000]} sent 120 MB
     * of text to the kernel for each evaluation.
     */
    @Override
    protected String invoke(Method doitMethod) throws Exception {
        Object value = doitMethod.invoke(null);
        if (isExpression(doitMethod.getDeclaringClass())
                && emitRichResult(doitMethod.getDeclaringClass().getClassLoader(), value)) {
            return SHOWN;
        }
        return render(value);
    }

    /**
     * Whether a snippet class evaluates an expression (its value is the cell's result) rather than
     * declaring a variable: JShell keeps an expression's value in a temporary named {@code $N}, a
     * declaration's in a field with the variable's name.
     */
    static boolean isExpression(Class<?> snippetClass) {
        for (Field f : snippetClass.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && !f.getName().startsWith("$")) {
                return false;
            }
        }
        return true;
    }

    /**
     * Lets the display runtime, when the notebook's class path has it, print the value's rich
     * rendering (an {@code execute_result} frame the kernel merges into the cell's result); true
     * when it did, or when nothing more is to be shown. Looked up by name through the snippet's
     * loader: this class may not depend on it.
     */
    private static boolean emitRichResult(ClassLoader snippets, Object value) {
        if (value == null) {
            return false;
        }
        Method emit;
        try {
            emit = Class.forName(DISPLAY, true, snippets).getMethod("emitResult", Object.class);
        } catch (ReflectiveOperationException | LinkageError absent) {
            return false; // no display runtime on this class path: JShell's text is the result
        }
        try {
            return Boolean.TRUE.equals(emit.invoke(null, value));
        } catch (InvocationTargetException e) {
            System.err.println("note: the rich display of a " + value.getClass().getName() + " failed ("
                    + e.getCause() + "); showing its text");
        } catch (ReflectiveOperationException e) {
            System.err.println("note: the display runtime could not be called (" + e + "); showing the text");
        }
        return false;
    }

    static String render(Object value) {
        String text;
        if (value != null && value.getClass().isArray() && Array.getLength(value) > SHOWN_ITEMS) {
            int length = Array.getLength(value);
            String component = value.getClass().getComponentType().getSimpleName();
            int bracket = component.indexOf('[');
            StringBuilder sb = new StringBuilder(bracket < 0 ? component : component.substring(0, bracket));
            sb.append('[').append(length).append(']').append(bracket < 0 ? "" : component.substring(bracket));
            sb.append(" { ");
            for (int i = 0; i < SHOWN_ITEMS; i++) {
                sb.append(valueString(Array.get(value, i))).append(", ");
            }
            sb.append("... ").append(length - SHOWN_ITEMS).append(" more }");
            text = sb.toString();
        } else {
            text = valueString(value);
        }
        return text.length() <= SHOWN_CHARS ? text
                : text.substring(0, SHOWN_CHARS) + "... (" + (text.length() - SHOWN_CHARS) + " more characters)";
    }

    @Override
    public String invoke(String className, String methodName) throws RunException, InternalException,
            EngineTerminationException {
        return super.invoke(className, methodName);
    }

    @Override
    public String varValue(String className, String varName) throws RunException, EngineTerminationException,
            InternalException {
        return super.varValue(className, varName);
    }
}
