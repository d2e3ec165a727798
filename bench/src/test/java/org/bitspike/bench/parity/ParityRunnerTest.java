package org.bitspike.bench.parity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bitspike.bench.parity.ParityCase.Input;
import org.bitspike.bench.parity.ParityCase.Kind;
import org.bitspike.bench.parity.ParityCase.Output;
import org.bitspike.bench.parity.ParityCase.Params;
import org.bitspike.tensor.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java half of bench/parity: every case is written, complete and well-formed (the torch half is not run here). */
class ParityRunnerTest {
    /**
     * Flat positions where a NaN is expected, per case (both dtypes) or "case dtype", and quantity.
     * Everywhere else a NaN fails, except in the sorted values of a case whose input holds NaN.
     */
    private static final Map<String, Map<String, Set<Integer>>> EXPECTED_NAN = Map.of(

            // log1p(-2), (-2)^0.5, sqrt(-1), 1/sqrt(-1): outside the domain, and their derivatives
            "log1p/edges", Map.of("out", Set.of(17)),
            "pow_scalar-0.5/edges", Map.of("out", Set.of(0), "grad.x", Set.of(0)),
            "sqrt/zero", Map.of("out", Set.of(0), "grad.x", Set.of(0)),
            "rsqrt/zero", Map.of("out", Set.of(0), "grad.x", Set.of(0)),
            // (-2)^0.5 and its derivatives; log(a) for a < 0 in db (at a = 0, b = -1 db is -inf, as torch's)
            "pow/edges", Map.of("out", Set.of(7), "grad.a", Set.of(7), "grad.b", Set.of(5, 6, 7)),
            // every sample ignored: the weighted mean is 0 / 0 (as torch); the gradient is exactly 0
            "cross_entropy_opts-all-ignored-ls0.0-mean/randn", Map.of("out", Set.of(0)),
            "cross_entropy_opts-all-ignored-ls0.2-mean/randn", Map.of("out", Set.of(0)));

    @Test
    void everyCaseIsWrittenCompleteAndWellFormed(@TempDir Path dir) throws IOException {
        List<ParityCheck> cases = ParityCheck.all();
        assertEquals(0, ParityRunner.write(cases, dir), "no case may record an error");
        JsonObject index = JsonParser.parseString(Files.readString(dir.resolve("index.json"))).getAsJsonObject();
        assertEquals(ParityRunner.FORMAT, index.get("format").getAsInt());
        assertFalse(index.get("provider").getAsString().isEmpty());
        JsonArray entries = index.getAsJsonArray("cases");
        assertEquals(cases.size(), entries.size());
        Set<String> files = new HashSet<>();
        for (int i = 0; i < cases.size(); i++) {
            ParityCheck c = cases.get(i);
            JsonObject entry = entries.get(i).getAsJsonObject();
            assertEquals(c.name(), entry.get("name").getAsString());
            assertTrue(files.add(entry.get("file").getAsString()), "file name collision at " + c.name());
            JsonObject json = JsonParser.parseString(Files.readString(dir.resolve(entry.get("file").getAsString())))
                    .getAsJsonObject();
            assertEquals(ParityRunner.FORMAT, json.get("format").getAsInt());
            assertEquals(json.get("kind").getAsString(), entry.get("kind").getAsString(), c.name() + " kind");
            if (c instanceof ParityCase op) {
                assertEquals("op", json.get("kind").getAsString());
                checkCase(op, json);
            } else {
                assertEquals("optim", json.get("kind").getAsString());
                OptimRunnerTest.checkOptim((OptimCase) c, json);
            }
        }
        try (var listing = Files.list(dir)) {
            assertEquals(cases.size() + 1, listing.count(), "one file per case plus index.json, no temporaries");
        }
    }

    private static void checkCase(ParityCase c, JsonObject json) {
        assertEquals(c.name(), json.get("name").getAsString());
        assertEquals(c.op(), json.get("op").getAsString());
        assertEquals(c.secondOrder(), json.get("second_order").getAsBoolean());
        assertEquals(c.params().asMap().keySet(), json.getAsJsonObject("params").keySet(), c.name() + " params");
        JsonArray results = json.getAsJsonArray("results");
        assertEquals(c.dtypes().size(), results.size());
        boolean nanInput = c.inputs().stream().anyMatch(in -> Arrays.stream(in.values()).anyMatch(Double::isNaN));
        boolean indexed = c.op().equals("sort") || c.op().equals("topk");
        for (JsonElement e : results) {
            JsonObject r = e.getAsJsonObject();
            String where = c.name() + " " + r.get("dtype").getAsString();
            assertFalse(r.has("error"), () -> where + ": " + r.get("error"));
            JsonObject out = r.getAsJsonObject("out");
            assertArrayEquals(shape(out), shape(r.getAsJsonObject("w")), where + ": w has the output's shape");
            assertEquals(indexed, r.has("indices"), where + " indices");
            if (indexed) {
                assertArrayEquals(shape(out), shape(r.getAsJsonObject("indices")), where + " indices shape");
            }
            checkValues(where, "out", out, nanInput && indexed ? null : expectedNan(where, "out"));
            for (Input in : c.inputs()) {
                JsonObject written = r.getAsJsonObject("inputs").getAsJsonObject(in.name());
                assertArrayEquals(in.shape(), shape(written), where + " input " + in.name());
                if (in.kind() != Kind.DIFFERENTIABLE) {
                    continue;
                }
                for (String group : c.secondOrder() ? List.of("grad", "second") : List.of("grad")) {
                    JsonObject g = r.getAsJsonObject(group).getAsJsonObject(in.name());
                    assertArrayEquals(in.shape(), shape(g), where + " " + group + "." + in.name() + " shape");
                    checkValues(where, group + "." + in.name(), g, expectedNan(where, group + "." + in.name()));
                }
            }
            // Running statistics (batch norm) are written back after the call, with their input's shape.
            boolean stats = c.inputs().stream().anyMatch(in -> in.name().equals("running_mean"));
            assertEquals(stats, r.has("buffers"), where + " buffers");
            if (stats) {
                for (String name : List.of("running_mean", "running_var")) {
                    JsonObject b = r.getAsJsonObject("buffers").getAsJsonObject(name);
                    assertArrayEquals(shape(r.getAsJsonObject("inputs").getAsJsonObject(name)), shape(b), where + " " + name);
                    checkValues(where, "buffer." + name, b, Set.of());
                }
            }
            assertEquals(c.secondOrder(), r.has("second"), where + " second");
            assertEquals(c.secondOrder(), r.has("v"), where + " v");
        }
    }

    /** The expected NaN positions of {@code quantity} at {@code where} ("case dtype"). */
    private static Set<Integer> expectedNan(String where, String quantity) {
        Map<String, Set<Integer>> byQuantity = EXPECTED_NAN.getOrDefault(where,
                EXPECTED_NAN.getOrDefault(where.substring(0, where.lastIndexOf(' ')), Map.of()));
        return byQuantity.getOrDefault(quantity, Set.of());
    }

    /** The data has as many entries as the shape says, and NaN exactly at {@code nan} (any positions if null). */
    private static void checkValues(String where, String quantity, JsonObject t, Set<Integer> nan) {
        int n = 1;
        for (int s : shape(t)) {
            n *= s;
        }
        JsonArray data = t.getAsJsonArray("data");
        assertEquals(n, data.size(), where + " " + quantity + " size");
        if (nan == null) {
            return;
        }
        Set<Integer> found = new HashSet<>();
        for (int i = 0; i < n; i++) {
            if (Double.isNaN(data.get(i).getAsDouble())) {
                found.add(i);
            }
        }
        assertEquals(nan, found, where + " " + quantity + ": positions of NaN");
    }

    private static int[] shape(JsonObject t) {
        JsonArray a = t.getAsJsonArray("shape");
        int[] s = new int[a.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = a.get(i).getAsInt();
        }
        return s;
    }

    @Test
    void caseNamesAreUniqueAndEveryOpHasATorchComputation() throws IOException {
        List<ParityCase> cases = ParityCases.all();
        assertEquals(cases.size(), cases.stream().map(ParityCase::name).distinct().count(), "duplicate case names");
        assertEquals(cases.size(), cases.stream().map(c -> ParityRunner.fileName(c.name())).distinct().count(),
                "file names collide");
        // parity.py sits next to the module's pom; its OPS table must name every op the cases use.
        String script = Files.readString(Path.of("parity.py"));
        Matcher ops = Pattern.compile("(?s)OPS: dict\\[str, Callable] = \\{(.*?)\\n}").matcher(script);
        assertTrue(ops.find(), "OPS table not found in parity.py");
        for (ParityCase c : cases) {
            assertTrue(ops.group(1).contains("\"" + c.op() + "\":"), c.name() + ": op " + c.op() + " missing from OPS");
        }
    }

    @Test
    void anOpThatThrowsIsRecordedAsAnErrorNotHidden() {
        ParityCase failing = new ParityCase("broken/case", "log1p", Params.of(), List.of(Input.vector("x", 1, 2)),
                (in, p) -> {
                    throw new IllegalStateException("boom at " + p.asMap());
                }, false);
        JsonObject r = ParityRunner.evaluate(failing, DType.FLOAT64);
        assertEquals("IllegalStateException: boom at {}", r.get("error").getAsString());
        assertTrue(r.has("inputs"), "the inputs are still written");
    }

    @Test
    void float32ResultsRecordTheRoundedInputsActuallyUsed() {
        ParityCase c = new ParityCase("cast/check", "expm1", Params.of(), List.of(Input.vector("x", 0.1, 1e-320)),
                (in, p) -> Output.of(in.get(0).expm1()), true);
        JsonObject r = ParityRunner.evaluate(c, DType.FLOAT32);
        JsonArray x = r.getAsJsonObject("inputs").getAsJsonObject("x").getAsJsonArray("data");
        assertEquals((double) 0.1f, x.get(0).getAsDouble());
        assertEquals(0.0, x.get(1).getAsDouble(), "a FLOAT64 subnormal is 0 in FLOAT32");
        assertEquals("float32", r.get("dtype").getAsString());
    }

    @Test
    void badRowsAreRefusedWithTheirName() {
        IllegalArgumentException noDiff = assertThrows(IllegalArgumentException.class, () -> new ParityCase("t/none",
                "bce", Params.of(), List.of(Input.vector("y", 1).as(Kind.CONSTANT)), (in, p) -> null, false));
        assertTrue(noDiff.getMessage().contains("t/none") && noDiff.getMessage().contains("no differentiable input"));
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> Input.of("x", new int[] {2, 2}, 1, 2, 3));
        assertEquals("parity input x: shape [2, 2] holds 4 values, got 3", size.getMessage());
        IllegalArgumentException odd = assertThrows(IllegalArgumentException.class, () -> Params.of("beta"));
        assertTrue(odd.getMessage().contains("alternate"));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> Params.of("beta", 2.0).num("threshold"));
        assertEquals("parity params: no parameter threshold among [beta]", missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ParityRunner.evaluate(ParityCases.all().get(0), DType.INT64));
        IllegalArgumentException dtypes = assertThrows(IllegalArgumentException.class, () -> new ParityCase("t/int",
                "log1p", Params.of(), List.of(Input.vector("x", 1)), (in, p) -> null, false, List.of(DType.INT32)));
        assertTrue(dtypes.getMessage().contains("t/int") && dtypes.getMessage().contains("INT32"));
    }
}
