package org.bitspike.jupyter.display;

import java.util.Objects;
import java.util.function.UnaryOperator;
import org.bitspike.nn.train.Callback;
import org.bitspike.nn.train.ProgressProvider;

/**
 * Offers {@link NotebookProgress} to {@code org.bitspike.nn.train.Progress.auto()} when the JVM runs
 * notebook code for the bitspike kernel: system property {@value Display#NOTEBOOK_PROPERTY} is
 * {@code true}. Registered in {@code META-INF/services}.
 */
public final class NotebookProgressProvider implements ProgressProvider {
    private final UnaryOperator<String> properties;

    /** The provider {@link java.util.ServiceLoader} makes: it reads the system properties. */
    public NotebookProgressProvider() {
        this(System::getProperty);
    }

    /** A provider reading properties from {@code properties} (name to value, or null). */
    NotebookProgressProvider(UnaryOperator<String> properties) {
        this.properties = Objects.requireNonNull(properties, "properties");
    }

    @Override
    public boolean active() {
        return "true".equalsIgnoreCase(properties.apply(Display.NOTEBOOK_PROPERTY));
    }

    @Override
    public Callback create() {
        return new NotebookProgress();
    }
}
