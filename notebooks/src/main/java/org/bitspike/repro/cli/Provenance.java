package org.bitspike.repro.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bitspike.tensor.kernel.KernelProvider;

/**
 * Where a result came from: the configuration, the dataset files' SHA-256, the code version (the
 * git commit of the working directory when there is one), the Java runtime and the kernels. Stored
 * in every checkpoint's metadata and in the results file.
 */
final class Provenance {
    private Provenance() {
    }

    static Map<String, String> collect(String configJson, Path dataDir, List<String> dataFiles) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("config", configJson);
        StringBuilder sums = new StringBuilder();
        for (String f : dataFiles) {
            Path p = dataDir.resolve(f);
            if (Files.exists(p)) {
                sums.append(f).append('=').append(sha256(p)).append(';');
            }
        }
        m.put("dataset_sha256", sums.toString());
        m.put("code_version", gitCommit());
        m.put("java", System.getProperty("java.version") + " " + System.getProperty("java.vm.name"));
        m.put("kernels", KernelProvider.get().name());
        m.put("threads", String.valueOf(Integer.getInteger("bitspike.threads", Runtime.getRuntime().availableProcessors())));
        return m;
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** {@code git rev-parse HEAD} (with "+dirty" for local changes), or "unknown" outside a checkout. */
    static String gitCommit() {
        try {
            Process p = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
            String head = new String(p.getInputStream().readAllBytes()).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0 || head.length() != 40) {
                return "unknown";
            }
            Process status = new ProcessBuilder("git", "status", "--porcelain", "--untracked-files=no")
                    .redirectErrorStream(true).start();
            String changes = new String(status.getInputStream().readAllBytes()).trim();
            status.waitFor(10, TimeUnit.SECONDS);
            return head + (changes.isEmpty() ? "" : "+dirty");
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
