package org.bitspike.bench.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ParityCliTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = new CommandLine(new ParityCli());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void listPrintsTheMatchingCaseNames() {
        assertEquals(0, run("--list", "--case", "^pow/"));
        assertEquals(List.of("pow/randn", "pow/edges"), out.toString().lines().toList());
    }

    @Test
    void writesTheSelectedCases(@TempDir Path dir) throws IOException {
        assertEquals(0, run("--out", dir.toString(), "--case", "^erf/"));
        JsonObject index = JsonParser.parseString(Files.readString(dir.resolve("index.json"))).getAsJsonObject();
        assertEquals(2, index.getAsJsonArray("cases").size());
        assertTrue(Files.exists(dir.resolve("erf__edges.json")));
        assertEquals("", err.toString());
    }

    @Test
    void optimiserCasesAreSelectedAndWrittenWithTheirKind(@TempDir Path dir) throws IOException {
        assertEquals(0, run("--out", dir.toString(), "--case", "^sgd-nesterov/"));
        JsonObject index = JsonParser.parseString(Files.readString(dir.resolve("index.json"))).getAsJsonObject();
        assertEquals(1, index.getAsJsonArray("cases").size());
        JsonObject entry = index.getAsJsonArray("cases").get(0).getAsJsonObject();
        assertEquals("optim", entry.get("kind").getAsString());
        JsonObject json = JsonParser.parseString(Files.readString(dir.resolve(entry.get("file").getAsString())))
                .getAsJsonObject();
        assertEquals("sgd", json.get("optimizer").getAsString());
        assertEquals("", err.toString());
    }

    @Test
    void badUsageExitsTwoWithTheReason() {
        assertEquals(2, run("--case", "["));
        assertTrue(err.toString().contains("--case: not a regular expression"), err.toString());
        assertEquals(2, run("--case", "no-such-case"));
        assertTrue(err.toString().contains("--case no-such-case matches no case"), err.toString());
        assertEquals(2, run());
        assertTrue(err.toString().contains("--out DIR is required"), err.toString());
    }
}
