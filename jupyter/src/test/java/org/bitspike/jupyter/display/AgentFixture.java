package org.bitspike.jupyter.display;

import org.bitspike.nn.train.Callback;
import org.bitspike.nn.train.Progress;
import org.bitspike.tensor.Tensor;

/**
 * What notebook code does in the agent JVM, run as a child process by {@link AgentEndToEndTest}:
 * prints, displays through the shared session on {@code System.out}, and asks for training progress.
 */
public final class AgentFixture {
    private AgentFixture() {
    }

    public static void main(String[] args) {
        System.out.print("line one\n");
        Display.display(Tensor.eye(2));
        DisplayHandle h = Display.html("<b>x</b>");
        h.update("y");
        Callback progress = Progress.auto();
        progress.onTrainStart(null, 0, 1);
        System.out.println("auto=" + progress.getClass().getSimpleName());
        System.out.println("emitted=" + Display.emitResult(Tensor.ones(1)) + "," + Display.emitResult("text"));
        System.out.flush();
    }
}
