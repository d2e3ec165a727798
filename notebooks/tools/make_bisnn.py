"""Writes notebooks/05-bisnn.ipynb (cells only, no outputs); execute it with jupyter-nbconvert --execute."""
import sys

from nbgen import Notebook

nb = Notebook("bisnn")
md, code = nb.md, nb.code

md("""
# BiSNN: binary-weight spiking networks, straight-through or Bayesian

Jang, Skatchkovsky and Simeone (BiSNN, 2021) train spiking networks whose synapses are +-1 online, one time step at
a time, with two rules over the same layers (digest section 5):

- **ST-BiSNN**: a real latent weight per synapse, `w = sign(latent)` forward, plain SGD on the latent weight with the
  gradient of `w` (straight through);
- **Bayes-BiSNN**: a Bernoulli posterior per synapse with natural parameter `theta` (`P(w = +1) = sigmoid(2 theta)`),
  trained on Gumbel-softmax relaxed samples with temperature tau against a prior p0 with KL weight rho; it predicts
  with its most probable network (**MAP**, `sign(theta)`) or an **ensemble** of S sampled binary networks.

Their claim: the Bayesian rule is **better calibrated** (its confidence matches its accuracy) at comparable accuracy,
and its ensemble knows where it has seen no data. The networks are DECOLLE's: LIF layers with synaptic and refractory
traces, a fixed random +-1 readout and a local loss per layer, an update at every time step after a burn-in
(`org.bitspike.nn.bayes`).

Part 1 trains small networks live (`BITSPIKE_SMOKE=1` makes them tiny, as CI does). Part 2 reads the runs of
`notebooks/experiments/05-bisnn.sh` (`bitspike bisnn`, committed under `notebooks/results/05-bisnn/`); a run that has
not been made yet is listed as such.
""")
code("""
import org.bitspike.nn.bayes.*;
import org.knowm.xchart.*;
import org.knowm.xchart.style.markers.SeriesMarkers;
import com.google.gson.*;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
boolean smoke = "1".equals(System.getenv("BITSPIKE_SMOKE"));
smoke
""")
md("""
Maps of the unit square: a value per grid point (row `i`, column `j` is the point `(j, i) / (side - 1)`) as colour,
the training points on top (blue: outer moon, class 0; red: inner moon, class 1).
""")
code("""
Color diverging(double p) { // class 0 blue, undecided white, class 1 red
    double t = Math.max(0, Math.min(1, p));
    if (t < 0.5) { double u = t / 0.5; return new Color((int) (59 + u * 196), (int) (76 + u * 179), (int) (192 + u * 63)); }
    double u = (t - 0.5) / 0.5;
    return new Color((int) (255 - u * 75), (int) (255 - u * 251), (int) (255 - u * 217));
}
Color uncertainty(double s) { // 0 white, 0.5 (the largest standard deviation of a probability) dark purple
    double u = Math.max(0, Math.min(1, s / 0.5));
    return new Color((int) (255 - u * 191), (int) (255 - u * 255), (int) (255 - u * 127));
}
BufferedImage panel(String title, double[] values, int side, java.util.function.DoubleFunction<Color> colour, double[] points, long[] labels) {
    int size = 220, top = 20;
    BufferedImage img = new BufferedImage(size, size + top, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, size, size + top);
    double cell = (double) size / side;
    for (int i = 0; i < side; i++) {
        for (int j = 0; j < side; j++) {
            g.setColor(colour.apply(values[i * side + j]));
            g.fillRect((int) (j * cell), top + (int) ((side - 1 - i) * cell), (int) Math.ceil(cell) + 1, (int) Math.ceil(cell) + 1);
        }
    }
    for (int k = 0; k < labels.length; k++) {
        int x = (int) Math.round(points[2 * k] * (size - 1)), y = top + (int) Math.round((1 - points[2 * k + 1]) * (size - 1));
        g.setColor(labels[k] == 1 ? new Color(180, 4, 38) : new Color(59, 76, 192));
        g.fillOval(x - 3, y - 3, 6, 6);
        g.setColor(Color.BLACK);
        g.drawOval(x - 3, y - 3, 6, 6);
    }
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    g.drawString(title, 4, 14);
    g.dispose();
    return img;
}
BufferedImage row(List<BufferedImage> panels) {
    int w = panels.stream().mapToInt(p -> p.getWidth() + 8).sum(), h = panels.stream().mapToInt(BufferedImage::getHeight).max().orElse(1);
    BufferedImage img = new BufferedImage(Math.max(w, 1), h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, img.getWidth(), h);
    int x = 0;
    for (BufferedImage p : panels) { g.drawImage(p, x, 0, null); x += p.getWidth() + 8; }
    g.dispose();
    return img;
}
"maps ready"
""")
md("""
## Part 1: two-moons, live

BiSNN's two-moons task: 200 points with noise 0.1, each coordinate population coded by 10 neurons with raised-cosine
tuning curves whose rates drive Bernoulli spikes for T steps (digest 5.4). A small network here (2 x 32 LIF, T = 20,
burn-in 4) trained for a few epochs by each rule; the rules' settings are the paper's table except the Bayes learning
rate (10 instead of 0.1, which needs the table's 5,000 epochs).
""")
code("""
TwoMoons train = TwoMoons.bisnn(RandomKey.of(1));
TwoMoons test = TwoMoons.generate(smoke ? 200 : 1000, 0.1, RandomKey.of(2));
int side = smoke ? 20 : 50;
Tensor gridPoints = TwoMoons.grid(side);
Map<Rule, BiSnnExperiment.Result> live = new LinkedHashMap<>();
StringBuilder liveTab = new StringBuilder("| rule | epochs | test accuracy (MAP) | ECE15 (MAP) | ensemble accuracy | ensemble ECE15 |\\n|---|---|---|---|---|---|\\n");
for (Rule rule : Rule.values()) {
    BiSnnConfig c = BiSnnConfig.twoMoons(rule).withHidden(32, 32).withSteps(20, 4).withEpochs(smoke ? 1 : 8).withSamples(10);
    if (rule == Rule.BAYES) c = c.withLr(10);
    if (rule == Rule.FLOAT) c = c.withInitScale(1);
    BiSnnExperiment.Result r = BiSnnExperiment.train(c, train.points(), train.labels(), test.points(), test.labels());
    live.put(rule, r);
    BiSnnExperiment.Evaluation e = r.evaluate(test.points(), test.labels());
    liveTab.append(String.format("| %s | %d | %.1f%% | %.4f | %s | %s |%n", rule, c.epochs(), 100 * e.map().accuracy(), e.map().ece15(),
            e.ensemble() == null ? "" : String.format("%.1f%%", 100 * e.ensemble().accuracy()),
            e.ensemble() == null ? "" : String.format("%.4f", e.ensemble().ece15())));
}
Display.markdown(liveTab.toString());
""")
code("""
double[] trainPts = train.points().toDoubleArray();
long[] trainLab = train.labels().toLongArray();
double[] column1(Tensor p) { return p.select(1, 1).contiguous().toDoubleArray(); }
List<BufferedImage> livePanels = new ArrayList<>();
for (var e : live.entrySet()) {
    livePanels.add(panel(Map.of(Rule.FLOAT, "float", Rule.STRAIGHT_THROUGH, "ST-BiSNN", Rule.BAYES, "Bayes MAP").get(e.getKey()) + ": P(inner)", column1(e.getValue().predictMap(gridPoints)), side, p -> diverging(p), trainPts, trainLab));
}
Prediction.Ensemble liveEnsemble = live.get(Rule.BAYES).predictEnsemble(gridPoints, 10);
double[] liveMean = column1(liveEnsemble.mean());
double[] liveStd = column1(liveEnsemble.std());
livePanels.add(panel("Bayes ensemble (S = 10): mean", liveMean, side, p -> diverging(p), trainPts, trainLab));
livePanels.add(panel("Bayes ensemble: std", liveStd, side, s -> uncertainty(s), trainPts, trainLab));
row(livePanels)
""")
md("""
What the Bayesian rule learned: its posterior's mean `mu = tanh(theta)` per synapse of the first layer. Synapses
near +-1 are almost deterministic; those near 0 are the ones the ensemble members disagree on.
""")
code("""
BinaryRule bayesRule = live.get(Rule.BAYES).binaryRule();
double[] mu = bayesRule.theta(live.get(Rule.BAYES).network().layers().get(0).weight()).tanh().toDoubleArray();
int bins = 20;
double[] counts = new double[bins], centres = new double[bins];
for (double m : mu) counts[Math.min(bins - 1, (int) ((m + 1) / 2 * bins))]++;
for (int b = 0; b < bins; b++) centres[b] = -1 + (b + 0.5) * 2.0 / bins;
CategoryChart hist = new CategoryChartBuilder().width(640).height(300).title("first layer: posterior mean tanh(theta) of " + mu.length + " synapses")
        .xAxisTitle("mu = E[w]").yAxisTitle("synapses").build();
hist.getStyler().setLegendVisible(false);
hist.getStyler().setXAxisDecimalPattern("0.0");
hist.addSeries("mu", Arrays.stream(centres).boxed().toList(), Arrays.stream(counts).boxed().toList());
hist
""")
md("""
## Part 2: the claims, from the runs of `05-bisnn.sh`

The recipe (its header has it in full): the table's network (2 x 256 LIF), T = 100 with burn-in 10 for two-moons
(200 epochs instead of 5,000; Bayes lr 1 instead of 0.1), T = 20 with burn-in 5 and rate coding for Fashion-MNIST
(all 60,000 training and 10,000 test images, 5 epochs, the MNIST-DVS row of the table for the rules), ensembles of
S = 10. Fashion-MNIST ST and Bayes over seeds 1-3, float seed 1.
""")
code("""
Path resultsDir = Path.of("results", "05-bisnn");
Gson gson = new Gson();
Map<String, JsonObject> res = new LinkedHashMap<>();
Map<String, JsonObject> grids = new LinkedHashMap<>();
List<String> missing = new ArrayList<>();
List<String> names = new ArrayList<>(List.of("moons-float", "moons-st", "moons-bayes", "fm-float-s1"));
for (int s = 1; s <= 3; s++) { names.add("fm-st-s" + s); names.add("fm-bayes-s" + s); }
for (String c : names) {
    Path f = resultsDir.resolve(c).resolve("results.json");
    if (!Files.exists(f)) { missing.add(c); continue; }
    res.put(c, gson.fromJson(Files.readString(f), JsonObject.class));
    Path g = resultsDir.resolve(c).resolve("grid.json");
    if (Files.exists(g)) grids.put(c, gson.fromJson(Files.readString(g), JsonObject.class));
}
double num(JsonObject o, String... path) {
    JsonElement e = o;
    for (String p : path) e = e.getAsJsonObject().get(p);
    return e.getAsDouble();
}
double[] doubles(JsonArray a) { double[] out = new double[a.size()]; for (int i = 0; i < out.length; i++) out[i] = a.get(i).getAsDouble(); return out; }
long[] longs(JsonArray a) { long[] out = new long[a.size()]; for (int i = 0; i < out.length; i++) out[i] = a.get(i).getAsLong(); return out; }
missing.isEmpty() ? "all runs present" : "not run yet: " + missing
""")
md("""
### Two-moons: decision and uncertainty maps (100 x 100 grid)

Top: each network's probability of the inner moon. For the Bayes rule, the MAP network and the ensemble's mean, then
the ensemble's standard deviation over its 10 members: the uncertainty map the paper shows, which should be low near
the training points and high away from them.
""")
code("""
List<BufferedImage> moonPanels = new ArrayList<>();
StringBuilder moonTab = new StringBuilder("| rule | MAP accuracy | MAP ECE15 | MAP NLL | ensemble accuracy | ensemble ECE15 | ensemble NLL | train time |\\n|---|---|---|---|---|---|---|---|\\n");
for (String c : List.of("moons-float", "moons-st", "moons-bayes")) {
    JsonObject g = grids.get(c), r = res.get(c);
    if (r == null || g == null) { moonTab.append("| " + c + " | not run yet |||||||\\n"); continue; }
    int sd = g.get("side").getAsInt();
    double[] pts = doubles(g.getAsJsonArray("train_points"));
    long[] lab = longs(g.getAsJsonArray("train_labels"));
    moonPanels.add(panel(c.substring(6) + " MAP", doubles(g.getAsJsonArray("map_probability")), sd, p -> diverging(p), pts, lab));
    if (g.has("ensemble_probability")) {
        moonPanels.add(panel("bayes ensemble mean", doubles(g.getAsJsonArray("ensemble_probability")), sd, p -> diverging(p), pts, lab));
        moonPanels.add(panel("bayes ensemble std", doubles(g.getAsJsonArray("ensemble_std")), sd, s -> uncertainty(s), pts, lab));
    }
    boolean ens = r.has("ensemble");
    moonTab.append(String.format("| %s | %.1f%% | %.4f | %.3f | %s | %s | %s | %.0f s |%n", c.substring(6), 100 * num(r, "map", "accuracy"),
            num(r, "map", "ece15"), num(r, "map", "nll"), ens ? String.format("%.1f%%", 100 * num(r, "ensemble", "accuracy")) : "",
            ens ? String.format("%.4f", num(r, "ensemble", "ece15")) : "", ens ? String.format("%.3f", num(r, "ensemble", "nll")) : "",
            r.get("train_seconds").getAsDouble()));
}
if (!moonPanels.isEmpty()) display(row(moonPanels));
Display.markdown(moonTab.toString());
""")
md("""
Does the ensemble know where it has seen no data? The mean standard deviation of its members' probabilities at grid
points near a training point (within 0.05) against far from all of them (more than 0.2 away):
""")
code("""
String nearFar = "not run yet";
JsonObject bayesGrid = grids.get("moons-bayes");
double nearStd = Double.NaN, farStd = Double.NaN;
if (bayesGrid != null) {
    int sd = bayesGrid.get("side").getAsInt();
    double[] std = doubles(bayesGrid.getAsJsonArray("ensemble_std")), pts = doubles(bayesGrid.getAsJsonArray("train_points"));
    double nearSum = 0, farSum = 0; int near = 0, far = 0;
    for (int i = 0; i < sd; i++) for (int j = 0; j < sd; j++) {
        double x = (double) j / (sd - 1), y = (double) i / (sd - 1), d = Double.MAX_VALUE;
        for (int k = 0; k < pts.length / 2; k++) d = Math.min(d, Math.hypot(x - pts[2 * k], y - pts[2 * k + 1]));
        if (d < 0.05) { nearSum += std[i * sd + j]; near++; } else if (d > 0.2) { farSum += std[i * sd + j]; far++; }
    }
    nearStd = nearSum / near; farStd = farSum / far;
    nearFar = String.format("mean ensemble std: %.4f at %d grid points near the data, %.4f at %d far from it", nearStd, near, farStd, far);
}
nearFar
""")
md("""
### Fashion-MNIST: accuracy and calibration over 3 seeds

Rate-coded pixels (a Bernoulli spike per pixel and step with the pixel's intensity as probability), 784 -> 256 -> 256
LIF with bias; the prediction is the last layer's readout summed over the steps after the burn-in, softmax. ECE with
15 equal-width bins of confidence (also 10 in `results.json`).
""")
code("""
String meanStd(List<Double> v, double scale, String fmt) {
    if (v.isEmpty()) return "not run yet";
    double m = v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    double s = v.size() < 2 ? Double.NaN : Math.sqrt(v.stream().mapToDouble(x -> (x - m) * (x - m)).sum() / (v.size() - 1));
    return String.format(fmt, scale * m) + (v.size() < 2 ? "" : " ± " + String.format(fmt, scale * s)) + " (n=" + v.size() + ")";
}
List<Double> collect(String rule, String predictor, String metric) {
    List<Double> out = new ArrayList<>();
    for (int s = 1; s <= 3; s++) {
        JsonObject r = res.get("fm-" + rule + "-s" + s);
        if (r != null && r.has(predictor)) out.add(num(r, predictor, metric));
    }
    return out;
}
StringBuilder fmTab = new StringBuilder("| rule, predictor | test accuracy | ECE15 | NLL |\\n|---|---|---|---|\\n");
for (String[] rp : List.of(new String[] {"float", "map", "float (Adam), its weights"}, new String[] {"st", "map", "ST-BiSNN"},
        new String[] {"bayes", "map", "Bayes-BiSNN, MAP"}, new String[] {"bayes", "ensemble", "Bayes-BiSNN, ensemble S = 10"})) {
    fmTab.append(String.format("| %s | %s | %s | %s |%n", rp[2], meanStd(collect(rp[0], rp[1], "accuracy"), 100, "%.2f%%"),
            meanStd(collect(rp[0], rp[1], "ece15"), 1, "%.4f"), meanStd(collect(rp[0], rp[1], "nll"), 1, "%.3f")));
}
Display.markdown(fmTab.toString());
""")
md("""
### Reliability diagrams (seed 1)

Accuracy against mean confidence in each of the 15 bins that holds test images; a calibrated predictor lies on the
diagonal, one below it is over-confident.
""")
code("""
XYChart rel = new XYChartBuilder().width(560).height(460).title("Fashion-MNIST, seed 1: reliability")
        .xAxisTitle("confidence").yAxisTitle("accuracy").build();
rel.addSeries("perfect calibration", new double[] {0, 1}, new double[] {0, 1}).setMarker(SeriesMarkers.NONE);
for (String[] rp : List.of(new String[] {"fm-st-s1", "map", "ST-BiSNN"}, new String[] {"fm-bayes-s1", "map", "Bayes MAP"},
        new String[] {"fm-bayes-s1", "ensemble", "Bayes ensemble"}, new String[] {"fm-float-s1", "map", "float"})) {
    JsonObject r = res.get(rp[0]);
    if (r == null || !r.has(rp[1])) continue;
    List<Double> conf = new ArrayList<>(), acc = new ArrayList<>();
    for (JsonElement b : r.getAsJsonObject(rp[1]).getAsJsonArray("reliability15")) {
        JsonObject bo = b.getAsJsonObject();
        if (bo.get("count").getAsLong() > 0) { conf.add(bo.get("confidence").getAsDouble()); acc.add(bo.get("accuracy").getAsDouble()); }
    }
    if (!conf.isEmpty()) rel.addSeries(rp[2], conf, acc);
}
rel.getSeriesMap().size() > 1 ? rel : "not run yet"
""")
md("""
### Accuracy and ECE against the ensemble's size S (Bayes-BiSNN, mean over seeds)
""")
code("""
Map<Integer, List<double[]>> bySize = new TreeMap<>();
for (int s = 1; s <= 3; s++) {
    JsonObject r = res.get("fm-bayes-s" + s);
    if (r == null || !r.has("by_size")) continue;
    for (JsonElement e : r.getAsJsonArray("by_size")) {
        JsonObject o = e.getAsJsonObject();
        bySize.computeIfAbsent(o.get("size").getAsInt(), k -> new ArrayList<>()).add(new double[] {o.get("accuracy").getAsDouble(), o.get("ece15").getAsDouble()});
    }
}
if (bySize.isEmpty()) {
    display("not run yet");
} else {
    double[] sizes = bySize.keySet().stream().mapToDouble(Integer::doubleValue).toArray();
    double[] accS = bySize.values().stream().mapToDouble(l -> l.stream().mapToDouble(a -> a[0]).average().orElse(Double.NaN)).toArray();
    double[] eceS = bySize.values().stream().mapToDouble(l -> l.stream().mapToDouble(a -> a[1]).average().orElse(Double.NaN)).toArray();
    XYChart accChart = new XYChartBuilder().width(420).height(320).title("accuracy vs S").xAxisTitle("ensemble size S").yAxisTitle("test accuracy").build();
    accChart.addSeries("Bayes ensemble", sizes, accS);
    XYChart eceChart = new XYChartBuilder().width(420).height(320).title("ECE15 vs S").xAxisTitle("ensemble size S").yAxisTitle("ECE15").build();
    eceChart.addSeries("Bayes ensemble", sizes, eceS);
    List<Double> st = collect("st", "map", "ece15");
    if (!st.isEmpty()) {
        double m = st.stream().mapToDouble(Double::doubleValue).average().getAsDouble();
        eceChart.addSeries("ST-BiSNN", new double[] {sizes[0], sizes[sizes.length - 1]}, new double[] {m, m}).setMarker(SeriesMarkers.NONE);
    }
    display(accChart);
    display(eceChart);
}
""")
md("""
### Learning curves (seed 1): the MAP network's test accuracy after each epoch
""")
code("""
XYChart curves = new XYChartBuilder().width(620).height(320).title("Fashion-MNIST, seed 1").xAxisTitle("epoch").yAxisTitle("MAP test accuracy").build();
for (String c : List.of("fm-float-s1", "fm-st-s1", "fm-bayes-s1")) {
    Path f = resultsDir.resolve(c).resolve("metrics.jsonl");
    if (!Files.exists(f)) continue;
    List<Double> ep = new ArrayList<>(), acc = new ArrayList<>();
    for (String line : Files.readAllLines(f)) {
        JsonObject o = gson.fromJson(line, JsonObject.class);
        ep.add(o.get("epoch").getAsDouble());
        acc.add(o.get("test_accuracy").getAsDouble());
    }
    curves.addSeries(c.substring(3, c.length() - 3), ep, acc);
}
curves.getSeriesMap().isEmpty() ? "not run yet" : curves
""")
md("""
### Verdicts

Each claim, its measure on our data and whether it held, computed from the numbers above (means over the seeds that
have run; a difference smaller than the seeds' spread is called no clear difference).
""")
code("""
double mean(List<Double> v) { return v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN); }
double sd(List<Double> v) { double m = mean(v); return v.size() < 2 ? 0 : Math.sqrt(v.stream().mapToDouble(x -> (x - m) * (x - m)).sum() / (v.size() - 1)); }
String compare(List<Double> better, List<Double> worse, boolean lowerIsBetter) {
    if (better.isEmpty() || worse.isEmpty()) return "not run yet";
    double diff = lowerIsBetter ? mean(worse) - mean(better) : mean(better) - mean(worse);
    double spread = Math.max(sd(better), sd(worse));
    return diff > spread ? "held" : diff > 0 ? "no clear difference (within the seeds' spread)" : "did not hold";
}
List<Double> stEce = collect("st", "map", "ece15"), ensEce = collect("bayes", "ensemble", "ece15"), mapEce = collect("bayes", "map", "ece15");
List<Double> stAcc = collect("st", "map", "accuracy"), ensAcc = collect("bayes", "ensemble", "accuracy");
StringBuilder v = new StringBuilder("| claim | measure | result | verdict |\\n|---|---|---|---|\\n");
v.append(String.format("| Bayes-BiSNN is better calibrated than ST-BiSNN (the paper) | Fashion-MNIST ECE15, ensemble vs ST | %.4f vs %.4f | %s |%n",
        mean(ensEce), mean(stEce), compare(ensEce, stEce, true)));
v.append(String.format("| ... also as a single (MAP) network | ECE15, Bayes MAP vs ST | %.4f vs %.4f | %s |%n", mean(mapEce), mean(stEce), compare(mapEce, stEce, true)));
v.append(String.format("| the ensemble is better calibrated than its MAP network | ECE15, ensemble vs MAP | %.4f vs %.4f | %s |%n", mean(ensEce), mean(mapEce), compare(ensEce, mapEce, true)));
double accDiff = 100 * (mean(ensAcc) - mean(stAcc));
v.append(String.format("| at comparable accuracy (the paper: Bayes equal or better) | accuracy, ensemble minus ST | %+.2f points | %s |%n", accDiff,
        stAcc.isEmpty() || ensAcc.isEmpty() ? "not run yet" : accDiff >= -1 ? "held (within 1 point or better)" : "did not hold"));
v.append(String.format("| the ensemble is uncertain away from the data (two-moons maps) | mean member std near vs far from the training points | %.4f vs %.4f | %s |%n",
        nearStd, farStd, Double.isNaN(farStd) ? "not run yet" : farStd > 2 * nearStd ? "held" : farStd > nearStd ? "weakly (less than twice)" : "did not hold"));
JsonObject mb = res.get("moons-bayes"), ms = res.get("moons-st");
if (mb != null && ms != null) {
    double e = num(mb, "ensemble", "ece15"), st = num(ms, "map", "ece15");
    v.append(String.format("| ... on two-moons (one seed) | ECE15, Bayes ensemble vs ST | %.4f vs %.4f | %s |%n", e, st, e < st ? "held (one seed: no spread to compare with)" : "did not hold"));
    v.append(String.format("| (our check) the single MAP network sign(theta) predicts as well as the ensemble | two-moons accuracy, Bayes MAP vs ensemble | %.1f%% vs %.1f%% | %s |%n",
            100 * num(mb, "map", "accuracy"), 100 * num(mb, "ensemble", "accuracy"),
            num(mb, "ensemble", "accuracy") - num(mb, "map", "accuracy") > 0.02 ? "did not hold: the MAP network is clearly worse than sampling" : "held"));
}
Display.markdown(v.toString());
""")

if __name__ == "__main__":
    nb.write(sys.argv[1] if len(sys.argv) > 1 else "notebooks/05-bisnn.ipynb")
