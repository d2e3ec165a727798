package org.bitspike.bench.parity;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bitspike.autograd.Autograd;
import org.bitspike.autograd.GradOptions;
import org.bitspike.autograd.Var;
import org.bitspike.bench.parity.ParityCase.Input;
import org.bitspike.bench.parity.ParityCase.Kind;
import org.bitspike.bench.parity.ParityCase.Output;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.bitspike.tensor.kernel.KernelProvider;

/**
 * Evaluates parity cases through the public {@code Var} API and writes them as JSON.
 *
 * <p>Per case and dtype (FLOAT64 and, unless the case is FLOAT64 only, FLOAT32): the inputs as actually used (cast to the dtype), the
 * output {@code out} (and {@code indices} for sort and topk, {@code buffers} for an op that updates
 * some in place), a fixed normal {@code w} of the output's
 * shape and the gradients {@code grad.<input>} of {@code sum(out * w)} with respect to every
 * differentiable input. For a smooth case also a fixed normal {@code v.<input>} per differentiable
 * input and {@code second.<input>}, the gradient of {@code sum_i sum(grad_i * v_i)} (the first backward
 * recorded with {@link GradOptions#creatingGraph()}): the Hessian-vector product {@code H v}.
 *
 * <p>An op that throws is not hidden: the exception's class and message go to the dtype's
 * {@code error} field and count as a failure in {@code parity.py} (and in the unit test).
 */
public final class ParityRunner {
    /**
     * Version of the JSON layout; {@code parity.py} refuses another. 2: every case file and index entry
     * names its {@code kind}, {@code op} (this class) or {@code optim} ({@link OptimRunner}).
     */
    public static final int FORMAT = 2;
    private static final long W_SEED = 0x5eed_0011L;
    private static final long V_SEED = 0x5eed_0012L;
    // NOTE: NaN and the infinities are written as the bare words NaN, Infinity and -Infinity, which
    // Python's json module reads; doubles print with Double.toString, which reads back to the same double.
    // Null parameters (all dimensions) are written, not dropped.
    private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().serializeNulls().create();

    private ParityRunner() {
    }

    /** The results of one case in each of its dtypes, as written to its JSON file. */
    public static JsonObject evaluate(ParityCase c) {
        JsonObject json = new JsonObject();
        json.addProperty("format", FORMAT);
        json.addProperty("kind", "op");
        json.addProperty("name", c.name());
        json.addProperty("op", c.op());
        json.add("params", params(c.params().asMap()));
        json.addProperty("second_order", c.secondOrder());
        JsonArray results = new JsonArray();
        for (DType dtype : c.dtypes()) {
            results.add(evaluate(c, dtype));
        }
        json.add("results", results);
        return json;
    }

    /** The results of one case in one floating-point dtype. */
    public static JsonObject evaluate(ParityCase c, DType dtype) {
        JsonObject r = result(c.name(), dtype);
        List<Var> vars = new ArrayList<>();
        List<Var> diff = new ArrayList<>();
        List<String> diffNames = new ArrayList<>();
        JsonObject inputs = new JsonObject();
        for (Input in : c.inputs()) {
            Tensor t = Tensor.of(in.values(), in.shape());
            Var v;
            if (in.kind() == Kind.INDEX) {
                t = t.to(DType.INT64);
                v = Var.of(t);
            } else {
                t = t.to(dtype);
                v = in.kind() == Kind.DIFFERENTIABLE ? Var.withGrad(t) : Var.of(t);
            }
            if (in.kind() == Kind.DIFFERENTIABLE) {
                diff.add(v);
                diffNames.add(in.name());
            }
            vars.add(v);
            JsonObject ij = tensor(t);
            ij.addProperty("kind", in.kind().name().toLowerCase(java.util.Locale.ROOT));
            inputs.add(in.name(), ij);
        }
        r.add("inputs", inputs);
        RandomKey caseKey = RandomKey.of(W_SEED).fold(c.name().hashCode());
        try {
            Output o = c.compute().apply(vars, c.params());
            Var out = o.value();
            r.add("out", tensor(out.value()));
            if (o.indices() != null) {
                r.add("indices", tensor(o.indices()));
            }
            if (!o.buffers().isEmpty()) {
                JsonObject buffers = new JsonObject();
                o.buffers().forEach((name, t) -> buffers.add(name, tensor(t)));
                r.add("buffers", buffers);
            }
            Tensor w = Tensor.randn(caseKey, DType.FLOAT64, out.shape()).to(dtype);
            r.add("w", tensor(w));
            GradOptions options = c.secondOrder() ? GradOptions.creatingGraph() : GradOptions.DEFAULT;
            List<Var> grads = Autograd.grad(out.mul(Var.of(w)).sum(), diff, options);
            r.add("grad", named(diffNames, grads));
            if (c.secondOrder()) {
                RandomKey vKey = RandomKey.of(V_SEED).fold(c.name().hashCode());
                JsonObject vs = new JsonObject();
                Var directional = null;
                for (int i = 0; i < diff.size(); i++) {
                    Tensor v = Tensor.randn(vKey.fold(i), DType.FLOAT64, diff.get(i).shape()).to(dtype);
                    vs.add(diffNames.get(i), tensor(v));
                    Var term = grads.get(i).mul(Var.of(v)).sum();
                    directional = directional == null ? term : directional.add(term);
                }
                r.add("v", vs);
                r.add("second", named(diffNames, second(directional, diff)));
            }
        } catch (RuntimeException e) {
            // NOTE: recorded, not swallowed: parity.py and ParityRunnerTest count an error as a failure.
            r.addProperty("error", e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        return r;
    }

    /** The results of one check of either kind: {@link #evaluate(ParityCase)} or {@link OptimRunner#evaluate(OptimCase)}. */
    public static JsonObject evaluate(ParityCheck check) {
        if (check instanceof ParityCase c) {
            return evaluate(c);
        }
        return OptimRunner.evaluate((OptimCase) check);
    }

    /**
     * Writes one JSON file per check into {@code dir} (created if needed) and an {@code index.json}
     * listing them with their kind and naming this JVM's kernel provider, each through a temporary file moved into place, so no half-written file is left.
     *
     * @return the number of (check, dtype) results that recorded an error
     */
    public static int write(List<? extends ParityCheck> cases, Path dir) throws IOException {
        Files.createDirectories(dir);
        JsonArray index = new JsonArray();
        int errors = 0;
        for (ParityCheck c : cases) {
            JsonObject json = evaluate(c);
            for (JsonElement r : json.getAsJsonArray("results")) {
                if (r.getAsJsonObject().has("error")) {
                    errors++;
                }
            }
            String file = fileName(c.name());
            writeAtomically(dir.resolve(file), GSON.toJson(json));
            JsonObject entry = new JsonObject();
            entry.addProperty("name", c.name());
            entry.addProperty("kind", json.get("kind").getAsString());
            entry.addProperty("file", file);
            index.add(entry);
        }
        JsonObject root = new JsonObject();
        root.addProperty("format", FORMAT);
        root.addProperty("provider", KernelProvider.get().name());
        root.add("cases", index);
        writeAtomically(dir.resolve("index.json"), GSON.toJson(root));
        return errors;
    }

    /** The case's file name: its name with every character outside {@code [A-Za-z0-9._-]} replaced by '_'. */
    static String fileName(String caseName) {
        return caseName.replace("/", "__").replaceAll("[^A-Za-z0-9._-]", "_") + ".json";
    }

    private static List<Var> second(Var directional, List<Var> diff) {
        if (!directional.requiresGrad()) { // the gradient does not depend on the inputs: H = 0
            List<Var> zeros = new ArrayList<>();
            for (Var x : diff) {
                zeros.add(Var.of(Tensor.zeros(x.dtype(), x.shape())));
            }
            return zeros;
        }
        return Autograd.grad(directional, diff, GradOptions.DEFAULT.allowingUnused());
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static JsonObject named(List<String> names, List<Var> values) {
        JsonObject o = new JsonObject();
        for (int i = 0; i < names.size(); i++) {
            o.add(names.get(i), tensor(values.get(i).value()));
        }
        return o;
    }

    /**
     * The result object of case {@code name} in {@code dtype}, holding its "dtype" so far.
     *
     * @throws IllegalArgumentException naming the case when {@code dtype} is not FLOAT64 or FLOAT32
     */
    static JsonObject result(String name, DType dtype) {
        if (dtype != DType.FLOAT64 && dtype != DType.FLOAT32) {
            throw new IllegalArgumentException("parity " + name + ": dtype must be FLOAT64 or FLOAT32, got " + dtype);
        }
        JsonObject r = new JsonObject();
        r.addProperty("dtype", dtype == DType.FLOAT64 ? "float64" : "float32");
        return r;
    }

    /** {@code {"shape": [...], "data": [...]}} in row-major order; integer tensors as integers. */
    static JsonObject tensor(Tensor t) {
        JsonObject o = new JsonObject();
        JsonArray shape = new JsonArray();
        for (int s : t.shape()) {
            shape.add(s);
        }
        o.add("shape", shape);
        JsonArray data = new JsonArray();
        if (t.dtype() == DType.INT64 || t.dtype() == DType.INT32) {
            for (long v : t.to(DType.INT64).toLongArray()) {
                data.add(v);
            }
        } else {
            for (double v : t.to(DType.FLOAT64).toDoubleArray()) {
                data.add(new JsonPrimitive(v));
            }
        }
        o.add("data", data);
        return o;
    }

    static JsonObject params(Map<String, Object> params) {
        JsonObject o = new JsonObject();
        for (Map.Entry<String, Object> e : params.entrySet()) {
            Object v = e.getValue();
            if (v == null) {
                o.add(e.getKey(), JsonNull.INSTANCE);
            } else if (v instanceof Number n) {
                o.addProperty(e.getKey(), n);
            } else if (v instanceof Boolean b) {
                o.addProperty(e.getKey(), b);
            } else if (v instanceof String s) {
                o.addProperty(e.getKey(), s);
            } else {
                JsonArray a = new JsonArray();
                for (int i : (int[]) v) {
                    a.add(i);
                }
                o.add(e.getKey(), a);
            }
        }
        return o;
    }
}
