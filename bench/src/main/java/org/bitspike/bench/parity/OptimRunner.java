package org.bitspike.bench.parity;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.Map;
import org.bitspike.autograd.Var;
import org.bitspike.nn.optim.Optimizer;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;

/**
 * Evaluates {@link OptimCase}s through the public optimiser API and writes them as JSON
 * ({@code "kind": "optim"}).
 *
 * <p>Per case and dtype: the parameter's {@code initial} values and the {@code gradients} as actually
 * used (cast to the dtype), and for every step the parameter after it ({@code param}) and every
 * state tensor of the optimiser by our name ({@code state}: {@code expAvg}, {@code expAvgSq},
 * {@code maxExpAvgSq}, {@code squareAvg}, {@code gradAvg}, {@code momentumBuffer}, SGD's
 * {@code momentum}, {@code step}); {@code parity.py} maps the names to torch's. Each gradient reaches
 * the parameter as a real backward would put it there: the backward of {@code sum(param * g)}, whose
 * gradient is {@code g} exactly, after {@link Optimizer#zeroGrad()}.
 *
 * <p>An optimiser that throws is recorded in the dtype's {@code error} field, as an op that throws.
 */
public final class OptimRunner {
    private OptimRunner() {
    }

    /** The results of one case in each of its dtypes, as written to its JSON file. */
    public static JsonObject evaluate(OptimCase c) {
        JsonObject json = new JsonObject();
        json.addProperty("format", ParityRunner.FORMAT);
        json.addProperty("kind", "optim");
        json.addProperty("name", c.name());
        json.addProperty("optimizer", c.optimizer());
        json.add("params", ParityRunner.params(c.params().asMap()));
        JsonArray results = new JsonArray();
        for (DType dtype : c.dtypes()) {
            results.add(evaluate(c, dtype));
        }
        json.add("results", results);
        return json;
    }

    /** The results of one case in one floating-point dtype. */
    public static JsonObject evaluate(OptimCase c, DType dtype) {
        JsonObject r = ParityRunner.result(c.name(), dtype);
        Var param = Var.withGrad(Tensor.of(c.initial(), c.shape()).to(dtype));
        r.add("initial", ParityRunner.tensor(param.value()));
        JsonArray gradients = new JsonArray();
        JsonArray steps = new JsonArray();
        r.add("gradients", gradients);
        r.add("steps", steps);
        try {
            Optimizer optimizer = c.factory().apply(param, c.params());
            for (double[] values : c.gradients()) {
                Tensor g = Tensor.of(values, c.shape()).to(dtype);
                gradients.add(ParityRunner.tensor(g));
                optimizer.zeroGrad();
                param.mul(Var.of(g)).sum().backward();
                optimizer.step();
                JsonObject step = new JsonObject();
                step.add("param", ParityRunner.tensor(param.value()));
                JsonObject state = new JsonObject();
                String prefix = "state.0.";
                for (Map.Entry<String, Tensor> e : optimizer.stateDict().entrySet()) {
                    if (e.getKey().startsWith(prefix)) {
                        state.add(e.getKey().substring(prefix.length()), ParityRunner.tensor(e.getValue()));
                    }
                }
                step.add("state", state);
                steps.add(step);
            }
        } catch (RuntimeException e) {
            // NOTE: recorded, not swallowed: parity.py and ParityRunnerTest count an error as a failure.
            r.addProperty("error", e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        return r;
    }
}
