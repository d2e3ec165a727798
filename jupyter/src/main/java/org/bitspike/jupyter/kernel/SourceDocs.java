package org.bitspike.jupyter.kernel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Javadoc of bitspike's own classes for {@code inspect_request}s, read from the sources jar the
 * kernel ships. JShell finds Javadoc only in the JDK's {@code src.zip}; for everything else it
 * gives bare signatures such as {@code Tensor Tensor.zeros(int... shape)}. This finds the
 * declaration in the source of the named class and returns the comment above it, as plain text.
 */
final class SourceDocs {
    private static final Pattern SIGNATURE = Pattern.compile("^(?:.*\\s)?([\\w.]+)\\.(\\w+)\\((.*)\\)\\s*$");
    private static final Pattern CLASS_ONLY = Pattern.compile("^(?:[\\w.]+\\.)?([A-Z]\\w*)$");

    /** Source text by simple class name ({@code Tensor} for {@code org/bitspike/tensor/Tensor.java}). */
    private final Map<String, List<String>> sources = new HashMap<>();

    private SourceDocs() {
    }

    /** The docs of a sources jar, or of nothing when it does not exist. */
    static SourceDocs load(Path jar) {
        SourceDocs docs = new SourceDocs();
        if (jar == null || !Files.isRegularFile(jar)) {
            return docs;
        }
        try (ZipFile zip = new ZipFile(jar.toFile(), StandardCharsets.UTF_8)) {
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                String name = e.getName();
                if (!name.endsWith(".java") || name.endsWith("package-info.java")) {
                    continue;
                }
                String simple = name.substring(name.lastIndexOf('/') + 1, name.length() - ".java".length());
                String text = new String(zip.getInputStream(e).readAllBytes(), StandardCharsets.UTF_8);
                docs.sources.computeIfAbsent(simple, k -> new ArrayList<>()).add(text);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("kernel sources " + jar + " could not be read: " + e.getMessage(), e);
        }
        return docs;
    }

    /**
     * The Javadoc, as plain text, of what a JShell signature names: a method or constructor
     * ({@code Tensor Tensor.zeros(int... shape)}) or a class; empty when it is not ours or has none.
     */
    Optional<String> forSignature(String signature) {
        Matcher m = SIGNATURE.matcher(signature.strip());
        if (m.matches()) {
            String owner = m.group(1);
            String outer = owner.contains(".") ? owner.substring(0, owner.indexOf('.')) : owner;
            return find(outer, declaration(m.group(2), m.group(3)));
        }
        Matcher c = CLASS_ONLY.matcher(signature.strip());
        if (c.matches()) {
            return find(c.group(1), Pattern.compile("\\b(class|interface|record|enum)\\s+" + c.group(1) + "\\b"));
        }
        return Optional.empty();
    }

    /** A declaration line of {@code name} with these parameters (whitespace and {@code final} ignored). */
    private static Pattern declaration(String name, String params) {
        StringBuilder re = new StringBuilder("\\b").append(Pattern.quote(name)).append("\\s*\\(\\s*");
        String[] parts = params.isBlank() ? new String[0] : params.split(",");
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                re.append("\\s*,\\s*");
            }
            re.append("(?:final\\s+)?(?:@\\w+\\s+)?");
            String[] words = parts[i].strip().split("\\s+");
            for (int w = 0; w < words.length; w++) {
                if (w > 0) {
                    re.append("\\s*");
                }
                re.append(Pattern.quote(words[w]));
            }
        }
        return Pattern.compile(re.append("\\s*\\)").toString());
    }

    private Optional<String> find(String simpleClass, Pattern declaration) {
        for (String text : sources.getOrDefault(simpleClass, List.of())) {
            Matcher d = declaration.matcher(text);
            while (d.find()) {
                Optional<String> doc = commentBefore(text, text.lastIndexOf('\n', d.start()) + 1);
                if (doc.isPresent()) {
                    return doc;
                }
            }
        }
        return Optional.empty();
    }

    /** The Javadoc block ending just above the line starting at {@code lineStart} (annotations skipped). */
    private static Optional<String> commentBefore(String text, int lineStart) {
        int end = lineStart;
        while (true) {
            String before = text.substring(0, end).stripTrailing();
            if (before.endsWith("*/")) {
                int open = before.lastIndexOf("/**");
                return open < 0 ? Optional.empty() : Optional.of(plain(before.substring(open + 3, before.length() - 2)));
            }
            int prevLine = before.lastIndexOf('\n') + 1;
            String line = before.substring(prevLine).strip();
            if (!line.startsWith("@")) {
                return Optional.empty();
            }
            end = prevLine;
        }
    }

    /** Javadoc markup to readable text. */
    static String plain(String comment) {
        StringBuilder out = new StringBuilder();
        for (String line : comment.split("\n")) {
            String l = line.strip();
            if (l.startsWith("*")) {
                l = l.substring(1).strip();
            }
            out.append(l).append('\n');
        }
        return out.toString()
                .replaceAll("\\{@(?:code|literal) ([^}]*)}", "$1")
                .replaceAll("\\{@(?:link|linkplain) (?:[\\w.]*#)?([^}\\s]*)[^}]*}", "$1")
                .replaceAll("\\{@value ([^}]*)}", "$1")
                .replaceAll("(?i)<p>", "\n")
                .replaceAll("(?i)<li>", "- ")
                .replaceAll("<[^>]+>", "")
                .replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
                .replaceAll("\n{3,}", "\n\n")
                .strip();
    }
}
