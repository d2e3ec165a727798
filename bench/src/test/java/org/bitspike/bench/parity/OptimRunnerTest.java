package org.bitspike.bench.parity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bitspike.bench.parity.ParityCase.Params;
import org.bitspike.nn.optim.Sgd;
import org.bitspike.tensor.DType;
import org.junit.jupiter.api.Test;

/** The optimiser half of bench/parity's Java side: each optimiser case is written step by step, complete and finite. */
class OptimRunnerTest {

    /** The state our optimiser must have written for {@code c}: the names follow its hyper-parameters. */
    private static Set<String> expectedState(OptimCase c) {
        Params p = c.params();
        Set<String> s = new TreeSet<>();
        switch (c.optimizer()) {
            case "adam" -> {
                s.addAll(List.of("step", "expAvg", "expAvgSq"));
                if (p.bool("amsgrad")) {
                    s.add("maxExpAvgSq");
                }
            }
            case "rmsprop" -> {
                s.addAll(List.of("step", "squareAvg"));
                if (p.bool("centered")) {
                    s.add("gradAvg");
                }
                if (p.num("momentum") > 0) {
                    s.add("momentumBuffer");
                }
            }
            case "sgd" -> {
                if (p.num("momentum") > 0) {
                    s.add("momentum");
                }
            }
            default -> throw new AssertionError(c.name() + ": unknown optimizer " + c.optimizer());
        }
        return s;
    }

    /** Checks one written optimiser case against its row (called for every case by ParityRunnerTest). */
    static void checkOptim(OptimCase c, JsonObject json) {
        assertEquals(c.name(), json.get("name").getAsString());
        assertEquals(c.optimizer(), json.get("optimizer").getAsString());
        assertEquals(c.params().asMap().keySet(), json.getAsJsonObject("params").keySet(), c.name() + " params");
        JsonArray results = json.getAsJsonArray("results");
        assertEquals(c.dtypes().size(), results.size());
        for (JsonElement e : results) {
            JsonObject r = e.getAsJsonObject();
            String where = c.name() + " " + r.get("dtype").getAsString();
            assertFalse(r.has("error"), () -> where + ": " + r.get("error"));
            assertArrayEquals(c.shape(), shape(r.getAsJsonObject("initial")), where + " initial");
            JsonArray gradients = r.getAsJsonArray("gradients");
            JsonArray steps = r.getAsJsonArray("steps");
            assertEquals(c.gradients().size(), gradients.size(), where + " gradients");
            assertEquals(c.gradients().size(), steps.size(), where + " steps");
            double[] previous = values(r.getAsJsonObject("initial"));
            for (int k = 0; k < steps.size(); k++) {
                String at = where + " step " + (k + 1);
                JsonObject step = steps.get(k).getAsJsonObject();
                assertArrayEquals(c.shape(), shape(gradients.get(k).getAsJsonObject()), at + " gradient");
                double[] param = values(step.getAsJsonObject("param"));
                assertArrayEquals(c.shape(), shape(step.getAsJsonObject("param")), at + " param");
                assertFalse(java.util.Arrays.equals(previous, param), at + ": the step moved nothing");
                previous = param;
                JsonObject state = step.getAsJsonObject("state");
                assertEquals(expectedState(c), new TreeSet<>(state.keySet()), at + " state names");
                for (String name : state.keySet()) {
                    JsonObject t = state.getAsJsonObject(name);
                    if (name.equals("step")) {
                        assertEquals(k + 1, (int) values(t)[0], at + " step count");
                    } else {
                        assertArrayEquals(c.shape(), shape(t), at + " " + name + " shape");
                    }
                    for (double v : values(t)) {
                        assertTrue(Double.isFinite(v), at + " " + name + " holds " + v);
                    }
                }
                for (double v : param) {
                    assertTrue(Double.isFinite(v), at + " param holds " + v);
                }
            }
        }
    }

    @Test
    void everyOptimizerAndStateHasATorchCounterpart() throws IOException {
        List<OptimCase> cases = OptimCases.all();
        List<String> names = new ArrayList<>();
        ParityCheck.all().forEach(c -> names.add(c.name()));
        assertEquals(names.size(), names.stream().distinct().count(), "duplicate check names");
        String script = Files.readString(Path.of("parity.py"));
        Matcher optimizers = Pattern.compile("(?s)OPTIMIZERS: dict\\[str, Callable] = \\{(.*?)\\n}").matcher(script);
        assertTrue(optimizers.find(), "OPTIMIZERS table not found in parity.py");
        Matcher states = Pattern.compile("(?s)STATE_NAMES = \\{(.*?)\\n}").matcher(script);
        assertTrue(states.find(), "STATE_NAMES table not found in parity.py");
        for (OptimCase c : cases) {
            assertTrue(optimizers.group(1).contains("\"" + c.optimizer() + "\":"), c.name() + ": optimizer "
                    + c.optimizer() + " missing from OPTIMIZERS");
            for (String s : expectedState(c)) {
                assertTrue(states.group(1).contains("\"" + s + "\":"), c.name() + ": state " + s
                        + " missing from STATE_NAMES");
            }
        }
        assertTrue(cases.stream().anyMatch(c -> c.optimizer().equals("adam") && c.params().bool("amsgrad")
                && c.params().bool("decoupled")), "amsgrad with decoupled weight decay is covered");
    }

    @Test
    void float32StepsStartFromTheRoundedValuesActuallyUsed() {
        OptimCase c = new OptimCase("sgd/cast", "sgd", Params.of("lr", 0.5, "momentum", 0.0, "dampening", 0.0,
                "weight_decay", 0.0, "nesterov", false), new int[] {2}, new double[] {0.1, 1}, List.of(
                        new double[] {0.3, -2}), (p, q) -> Sgd.of(List.of(p), q.num("lr"), 0, 0));
        JsonObject r = OptimRunner.evaluate(c, DType.FLOAT32);
        assertEquals((double) 0.1f, values(r.getAsJsonObject("initial"))[0]);
        assertEquals((double) 0.3f, values(r.getAsJsonArray("gradients").get(0).getAsJsonObject())[0]);
        double[] after = values(r.getAsJsonArray("steps").get(0).getAsJsonObject().getAsJsonObject("param"));
        assertEquals((double) (0.1f - 0.5f * 0.3f), after[0], "p - lr * g in FLOAT32");
        assertEquals(2.0, after[1]);
    }

    @Test
    void anOptimizerThatThrowsIsRecordedAsAnErrorNotHidden() {
        OptimCase c = new OptimCase("broken/steps", "sgd", Params.of("lr", -1.0), new int[] {1}, new double[] {1},
                List.of(new double[] {1}), (p, q) -> Sgd.of(List.of(p), q.num("lr"), 0, 0));
        JsonObject r = OptimRunner.evaluate(c, DType.FLOAT64);
        assertTrue(r.get("error").getAsString().startsWith("IllegalArgumentException: ParamGroup: lr -1.0"),
                r.get("error").getAsString());
        assertTrue(r.has("initial"), "the initial values are still written");
    }

    @Test
    void badRowsAreRefusedWithTheirName() {
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class, () -> new OptimCase("t/size",
                "sgd", Params.of(), new int[] {2}, new double[] {1, 2, 3}, List.of(new double[] {1, 2}), (p, q) -> null));
        assertEquals("optim case t/size: shape [2] holds 2 values, got 3 initial values", size.getMessage());
        IllegalArgumentException grad = assertThrows(IllegalArgumentException.class, () -> new OptimCase("t/grad",
                "sgd", Params.of(), new int[] {2}, new double[] {1, 2}, List.of(new double[] {1}), (p, q) -> null));
        assertEquals("optim case t/grad: gradient of step 1 has 1 values, the parameter [2] 2", grad.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> new OptimCase("t/none",
                "sgd", Params.of(), new int[] {1}, new double[] {1}, List.of(), (p, q) -> null));
        assertTrue(none.getMessage().contains("t/none") && none.getMessage().contains("at least one gradient"));
        IllegalArgumentException dtypes = assertThrows(IllegalArgumentException.class, () -> new OptimCase("t/int",
                "sgd", Params.of(), new int[] {1}, new double[] {1}, List.of(new double[] {1}), (p, q) -> null,
                List.of(DType.INT64)));
        assertTrue(dtypes.getMessage().contains("t/int") && dtypes.getMessage().contains("INT64"));
        assertThrows(IllegalArgumentException.class, () -> OptimRunner.evaluate(OptimCases.all().get(0), DType.INT32));
    }

    private static double[] values(JsonObject t) {
        JsonArray data = t.getAsJsonArray("data");
        double[] v = new double[data.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = data.get(i).getAsDouble();
        }
        return v;
    }

    private static int[] shape(JsonObject t) {
        JsonArray a = t.getAsJsonArray("shape");
        int[] s = new int[a.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = a.get(i).getAsInt();
        }
        return s;
    }
}
