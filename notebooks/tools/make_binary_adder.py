"""Writes notebooks/03-binary-adder.ipynb (cells only, no outputs); execute it with jupyter-nbconvert --execute."""
import sys

from nbgen import Notebook

nb = Notebook("binary-adder")
md, code = nb.md, nb.code

md("""
# Binary and adder networks, and what every network computes

The Hoyer papers claim the best accuracy for the compute among binary networks (BNN), spiking networks and
adder networks. This notebook builds the competitors as their own papers describe them (digest sections 6, 7)
and counts what each computes from what actually ran (section 1.2-1.3):

- **BinaryNet / XNOR-Net** (`--family xnor`): signs of activations and weights (straight-through gradient),
  XNOR-Net's per-channel scale `mean|W|`, +1 padding so every product is an XNOR-popcount;
- **Bi-Real** (`bireal`): ApproxSign gradients, magnitude-aware weights, a real-valued shortcut per block;
- **ReActNet** (`reactnet`): Bi-Real plus a trained shift before each sign (RSign) and RPReLU;
- **AdderNet** (`adder`): `y = -sum |x - w|`, HardTanh input gradient, full-precision weight gradient,
  adaptive learning-rate scaling, a batch norm after every adder layer.

The first convolution and the classifier stay full precision in every family, as in the papers.
Part 1 runs live (`BITSPIKE_SMOKE=1` for a quick run on a sliver of the data, as CI does). Part 2 reads the
results of the full runs of `notebooks/experiments/03-binary-adder.sh` (committed under
`notebooks/results/03-binary-adder/`); a run that has not been made yet is listed as such.
""")
code("""
import org.bitspike.nn.binary.*;
import org.bitspike.nn.adder.*;
import org.bitspike.nn.accounting.*;
import org.knowm.xchart.*;
import com.google.gson.*;
boolean smoke = "1".equals(System.getenv("BITSPIKE_SMOKE"));
smoke
""")
md("""
## Part 1: the pieces

### Quantizers: a step forward, a pseudo-gradient backward

Each quantizer is an autograd `Function` whose forward is the sign (one rule everywhere, also in the packed
bit kernels: `x >= 0` is +1) and whose backward is a declared pseudo-gradient. The op table of the test suite
holds every one to its definition; here they are side by side (gradients from autograd itself):
""")
code("""
int n = 401;
double[] xs = new double[n];
for (int i = 0; i < n; i++) xs[i] = -2 + 4.0 * i / (n - 1);
XYChart grads = new XYChartBuilder().width(640).height(320).title("pseudo-gradients d q(x) / dx")
        .xAxisTitle("x").yAxisTitle("gradient").build();
for (Quantizer q : List.of(Quantizer.steSign(1), Quantizer.approxSign(), Quantizer.swishSign(5))) {
    Var x = Var.withGrad(Tensor.of(xs, n));
    q.apply(x).sum().backward();
    grads.addSeries(q.toString(), xs, x.grad().value().toDoubleArray()).setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
}
display(grads);
Var probe = Var.of(Tensor.of(new double[] {-1.5, -0.0, 0.0, 0.3, Double.NaN}, 5));
"sign of [-1.5, -0, 0, 0.3, NaN]: " + Arrays.toString(Quantizer.steSign(1).apply(probe).value().toDoubleArray())
""")
md("""
### The five small VGGs and what each computes per image

The same architecture (conv32-conv32-pool-conv64-conv64-pool-fc256-fc10) in every family. `ModelSummary`
counts what one forward of 64 test images executed, layer by layer: MACs (full-precision multiply-accumulates),
BOPs (XNOR-popcount steps), ADDs (two per adder term, AdderNet's convention), FLOPs (batch norm, scales,
shortcut additions), and prices them with the 45 nm table (MAC 4.6 pJ, add 0.9 pJ; a BOP at MAC/64, stated).
These families' counts do not depend on the input (no spikes), so untrained models give the trained ones' counts.
""")
code("""
Dataset test = Datasets.fashionMnist(Split.TEST);
DataLoader probeLoader = DataLoader.builder(test.subset(IntStream.range(0, 64).toArray()), RandomKey.of(0)).batchSize(64)
        .transforms(Transform.normalize(0.2860, 0.3530)).build();
Tensor images = probeLoader.epoch(0).iterator().next().images();
Map<String, LayerKinds> families = new LinkedHashMap<>();
families.put("float", LayerKinds.FLOAT);
families.put("xnor", new BinaryKinds(BinaryKinds.Style.XNOR));
families.put("bireal", new BinaryKinds(BinaryKinds.Style.BIREAL));
families.put("reactnet", new BinaryKinds(BinaryKinds.Style.REACTNET));
families.put("adder", AdderKinds.addernet());
Map<String, ModelSummary> summaries = new LinkedHashMap<>();
for (var f : families.entrySet()) {
    Layer m = Models.create("vgg-small", 1, 10, f.getValue(), RandomKey.of(1)).eval();
    summaries.put(f.getKey(), ModelSummary.run(m, images, CostTable.horowitz45nm()));
}
StringBuilder t = new StringBuilder("| family | MACs | BOPs | ADDs | FLOPs | parameters (bits) | memory | energy per image |\\n|---|---|---|---|---|---|---|---|\\n");
for (var e : summaries.entrySet()) {
    Map<OpKind, Double> ops = e.getValue().totalOpsPerSample();
    t.append(String.format("| %s | %.3g | %.3g | %.3g | %.3g | %s | %.1f KiB | %.2f uJ |%n", e.getKey(), ops.get(OpKind.MAC),
            ops.get(OpKind.BOP), ops.get(OpKind.ADD), ops.get(OpKind.FLOP), e.getValue().parametersByBits(),
            e.getValue().parameterBits() / 8.0 / 1024, e.getValue().energy().picojoules() / 1e6));
}
Display.markdown(t.toString());
""")
md("""
The XNOR network layer by layer (the binary layers store one bit per weight; the first convolution and the
classifier are the only multiplications left):
""")
code("""
summaries.get("xnor")
""")
md("""
### Training binary weights: latent weights or Bop, and the flip ratio

A binary weight is the sign of something. With latent weights, a real value trained through the quantizer's
pseudo-gradient and clipped to [-1, 1] after each step (BinaryNet); with Bop (Helwegen et al. 2019), the weights
are +-1 and flip when an exponential average of their gradient exceeds a threshold and agrees with their sign.
The flip ratio, the fraction of binary weights whose sign changed in a step, is how Bop's authors follow
training. One epoch of each on the XNOR network:
""")
code("""
Dataset trainAll = Datasets.fashionMnist(Split.TRAIN);
int used = smoke ? 512 : 10_000;
Dataset.TrainValidation split = trainAll.subset(IntStream.range(0, used).toArray()).split(smoke ? 128 : 2000, RandomKey.of(1));
XYChart flipChart = new XYChartBuilder().width(640).height(320).title("flip ratio per step, XNOR small VGG, one epoch")
        .xAxisTitle("step").yAxisTitle("fraction of binary weights flipped").build();
flipChart.getStyler().setYAxisLogarithmic(true);
Map<String, String> finals = new LinkedHashMap<>();
for (boolean bop : new boolean[] {false, true}) {
    Layer net = Models.create("vgg-small", 1, 10, new BinaryKinds(BinaryKinds.Style.XNOR), RandomKey.of(2));
    List<Var> binaryWeights = BinaryLayer.latentWeights(net);
    Set<Var> isBinary = Collections.newSetFromMap(new IdentityHashMap<>());
    isBinary.addAll(binaryWeights);
    List<Var> floats = net.parameters().stream().filter(p -> !isBinary.contains(p)).collect(Collectors.toList());
    Optimizer opt;
    if (bop) {
        try (GradMode.Scope s = GradMode.noGrad()) { for (Var w : binaryWeights) w.value().copy_(Quantizer.sign(w.value())); }
        opt = CombinedOptimizer.of(new Adam(List.of(new ParamGroup(floats, 1e-3, 0)), 0.9, 0.999, 1e-8, false),
                Bop.of(binaryWeights, 1e-3, 1e-8));
    } else {
        opt = new Adam(List.of(new ParamGroup(net.parameters(), 1e-3, 0)), 0.9, 0.999, 1e-8, false);
    }
    SignFlips flips = new SignFlips(binaryWeights);
    List<Double> perStep = new ArrayList<>();
    DataLoader loader = DataLoader.builder(split.train(), RandomKey.of(3)).batchSize(64).shuffle(true).dropLast(true)
            .transforms(Transform.normalize(0.2860, 0.3530)).build();
    DataLoader val = DataLoader.builder(split.validation(), RandomKey.of(4)).batchSize(256)
            .transforms(Transform.normalize(0.2860, 0.3530)).build();
    Trainer.Builder b = Trainer.builder(net, opt, loader).validation(val).callback(flips).callback(new Callback() {
        @Override public void onBatchEnd(Trainer tr, BatchResult r) { perStep.add(Math.max(flips.lastStepRatio(), 1e-7)); }
    });
    if (!bop) b.callback(new LatentWeightClipping());
    List<EpochResult> epochs = b.build().fit(1);
    String name = bop ? "Bop (gamma 1e-3, threshold 1e-8)" : "latent weights (Adam 1e-3, clipped)";
    flipChart.addSeries(name, IntStream.range(0, perStep.size()).asDoubleStream().toArray(),
            perStep.stream().mapToDouble(Double::doubleValue).toArray()).setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
    finals.put(name, String.format("validation accuracy %.2f%%, mean flip ratio %.2e", 100 * epochs.get(0).validationAccuracy(),
            flips.epochRatio()));
}
display(flipChart);
finals
""")
md("""
## Part 2: the claims on Fashion-MNIST

The full runs of `notebooks/experiments/03-binary-adder.sh` (its header has the recipe): each family 15
epochs, three seeds; ReActNet and XNOR with Bop one seed; AdderNet's ablation scaled down to 5 epochs on
20,000 training images, one seed (so its numbers compare with each other, not with the 15-epoch runs).
""")
code("""
double opsOf(JsonObject summary) {
    JsonObject o = summary.getAsJsonObject("ops_per_image");
    return o.get("BOP").getAsDouble() / 64 + o.get("FLOP").getAsDouble() + o.get("MAC").getAsDouble() + o.get("ADD").getAsDouble()
            + o.get("AC").getAsDouble() + o.get("CMP").getAsDouble();
}
Path resultsDir = Path.of("results", "03-binary-adder");
Gson gson = new Gson();
Map<String, JsonObject> results = new LinkedHashMap<>(), counted = new LinkedHashMap<>();
Map<String, List<JsonObject>> epochLog = new LinkedHashMap<>();
List<String> missing = new ArrayList<>();
List<String> families5 = List.of("float", "xnor", "bireal", "reactnet", "xnor-bop", "adder");
List<String> configs = new ArrayList<>();
for (String f : families5) for (int s = 1; s <= (f.equals("reactnet") || f.equals("xnor-bop") ? 1 : 3); s++) configs.add(f + "-s" + s);
for (String w : List.of("full", "sign")) for (String i : List.of("hardtanh", "sign", "identity"))
    for (String eta : List.of("0.2", "0")) configs.add("abl-" + w + "-" + i + "-eta" + eta);
for (String c : configs) {
    Path dir = resultsDir.resolve(c);
    if (!Files.exists(dir.resolve("summary.json"))) { missing.add(c); continue; }
    results.put(c, gson.fromJson(Files.readString(dir.resolve("results.json")), JsonObject.class));
    counted.put(c, gson.fromJson(Files.readString(dir.resolve("summary.json")), JsonObject.class));
    epochLog.put(c, Files.readAllLines(dir.resolve("metrics.jsonl")).stream().map(l -> gson.fromJson(l, JsonObject.class))
            .collect(Collectors.toList()));
}
// mean and sample standard deviation of a family's test accuracy over the seeds that ran
java.util.function.Function<String, double[]> stats = family -> {
    double[] a = results.entrySet().stream().filter(e -> e.getKey().matches(family + "-s\\\\d"))
            .mapToDouble(e -> 100 * e.getValue().get("test_accuracy").getAsDouble()).toArray();
    double mean = Arrays.stream(a).average().orElse(Double.NaN);
    double sd = a.length < 2 ? Double.NaN : Math.sqrt(Arrays.stream(a).map(v -> (v - mean) * (v - mean)).sum() / (a.length - 1));
    return new double[] {mean, sd, a.length};
};
StringBuilder acc = new StringBuilder("| family | seeds | test accuracy (mean +- sd) | energy per image | OPs (BOPs/64 + every full-precision op) |\\n|---|---|---|---|---|\\n");
for (String f : families5) {
    double[] s = stats.apply(f);
    JsonObject sum = counted.get(f + "-s1");
    acc.append(String.format("| %s | %d | %s | %s | %s |%n", f, (int) s[2],
            s[2] == 0 ? "not run yet" : String.format("%.2f%% +- %.2f", s[0], s[1]),
            sum == null ? "-" : String.format("%.2f uJ", sum.get("energy_picojoules_per_image").getAsDouble() / 1e6),
            sum == null ? "-" : String.format("%.3g", opsOf(sum))));
}
Display.markdown(acc.toString() + (missing.isEmpty() ? "" : "\\nnot run yet: " + missing));
""", )
md("""
OPs follow the Bi-Real/ReActNet convention (`BOPs / 64 + FLOPs`, full-precision MACs counted as FLOPs, adder
additions too), energy the 45 nm table (compute only). The accuracy-against-energy plot with its Pareto front,
from the runs' own counts (`summary` on each best checkpoint, 256 test images):
""")
code("""
EfficiencyReport report = new EfficiencyReport(OpsConvention.BOPS_OVER_64_PLUS_FLOPS);
for (String f : families5) {
    JsonObject sum = counted.get(f + "-s1");
    double[] s = stats.apply(f);
    if (sum == null || s[2] == 0) continue;
    OpCounts c = OpCounts.ZERO;
    for (OpKind k : OpKind.values()) c = c.with(k, Math.round(sum.getAsJsonObject("ops_per_image").get(k.name()).getAsDouble()));
    report.add(new EfficiencyReport.Entry(f, s[0] / 100, Energy.of(c, 1, CostTable.horowitz45nm()), OpsConvention.BOPS_OVER_64_PLUS_FLOPS.ops(c)));
}
report.entries().isEmpty() ? "no finished runs yet" : report
""")
md("""
### Flip ratio over training (full runs, seed 1)
""")
code("""
XYChart flipRuns = new XYChartBuilder().width(640).height(320).title("mean flip ratio per step, by epoch")
        .xAxisTitle("epoch").yAxisTitle("flip ratio").build();
flipRuns.getStyler().setYAxisLogarithmic(true);
for (String c : List.of("xnor-s1", "bireal-s1", "reactnet-s1", "xnor-bop-s1")) {
    List<JsonObject> log = epochLog.get(c);
    if (log == null) continue;
    flipRuns.addSeries(c, log.stream().mapToDouble(o -> o.get("epoch").getAsDouble()).toArray(),
            log.stream().mapToDouble(o -> Math.max(o.get("flip_ratio").getAsDouble(), 1e-9)).toArray());
}
flipRuns.getSeriesMap().isEmpty() ? "no binary run finished yet" : flipRuns
""")
md("""
### AdderNet's ablation (digest 9.5)

AdderNet's claim: only the full-precision weight gradient with the HardTanh input gradient and adaptive scaling
reaches near-CNN accuracy; sign gradients train badly.
""")
code("""
StringBuilder abl = new StringBuilder("| weight gradient | input gradient | adaptive scaling | test accuracy |\\n|---|---|---|---|\\n");
for (String w : List.of("full", "sign")) for (String i : List.of("hardtanh", "sign", "identity")) for (String eta : List.of("0.2", "0")) {
    JsonObject r = results.get("abl-" + w + "-" + i + "-eta" + eta);
    abl.append(String.format("| %s | %s | %s | %s |%n", w, i, eta.equals("0") ? "off" : "eta " + eta,
            r == null ? "not run yet" : String.format("%.2f%%", 100 * r.get("test_accuracy").getAsDouble())));
}
Display.markdown(abl.toString());
""")
md("""
### Verdicts

Each claim, its measure on our data, and whether it held (computed from the numbers above; a claim whose runs
have not finished says so).
""")
code("""
double[] fl = stats.apply("float"), ad = stats.apply("adder"), xn = stats.apply("xnor"), br = stats.apply("bireal");
double bestBnn = Math.max(Double.isNaN(xn[0]) ? -1 : xn[0], Double.isNaN(br[0]) ? -1 : br[0]);
String v1 = fl[2] == 0 || ad[2] == 0 ? "not run yet" : String.format("adder %.2f%% vs float %.2f%%: %s", ad[0], fl[0],
        fl[0] - ad[0] <= 1.0 ? "held (within 1.0 point)" : "did not hold (" + String.format("%.2f", fl[0] - ad[0]) + " points)");
String v2 = bestBnn < 0 ? "not run yet" : String.format("best BNN %.2f%%: %s", bestBnn, bestBnn >= 90 ? "held (>= 90%)" : "did not hold (< 90%)");
String v3 = bestBnn < 0 || ad[2] == 0 ? "not run yet" : String.format("AdderNet %.2f%% vs best BNN %.2f%%: %s", ad[0], bestBnn,
        ad[0] > bestBnn ? "held" : "did not hold");
Display.markdown("| claim (paper) | result |\\n|---|---|\\n"
        + "| AdderNet is within 1% of the float CNN (AdderNet, VGG-small 93.72 vs 93.80 on CIFAR-10) | " + v1 + " |\\n"
        + "| a BNN with full-precision ends reaches 90% on Fashion-MNIST (issue goal) | " + v2 + " |\\n"
        + "| AdderNet beats BNNs of the same architecture (AdderNet's tables) | " + v3 + " |\\n");
""")

if __name__ == "__main__":
    nb.write(sys.argv[1] if len(sys.argv) > 1 else "notebooks/03-binary-adder.ipynb")
