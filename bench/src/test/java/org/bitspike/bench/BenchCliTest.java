package org.bitspike.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.bitspike.tensor.kernel.KernelProvider;
import org.bitspike.tensor.kernel.Parallel;
import org.junit.jupiter.api.Test;

class BenchCliTest {
    /** Output of one CLI invocation. */
    private record Run(int code, String out, String err) {
        List<JsonObject> json() {
            return out.lines().map(l -> JsonParser.parseString(l).getAsJsonObject()).collect(Collectors.toList());
        }
    }

    private static Run run(SuiteRegistry registry, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = BenchCli.execute(registry, args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    private static Run run(String... args) {
        return run(SuiteRegistry.standard(), args);
    }

    @Test
    void quickGemmPrintsOneValidJsonLinePerCase() {
        for (String impl : new String[] {"scalar", "vector"}) {
            Run r = run("gemm", "--quick", "--impl", impl, "--threads", "2", "--warmup", "1", "--repeats", "2");
            assertEquals(0, r.code(), r.err());
            List<JsonObject> lines = r.json();
            List<String> expected = new GemmSuite().cases(Scale.QUICK).stream().map(BenchCase::name).toList();
            assertEquals(expected, lines.stream().map(o -> o.get("case").getAsString()).toList());
            for (JsonObject o : lines) {
                for (String field : List.of("suite", "case", "impl", "threads", "median_ms", "min_ms",
                        "gflops", "repeats", "m", "n", "k", "java", "provider")) {
                    assertTrue(o.has(field), () -> "missing " + field + " in " + o);
                }
                assertEquals("gemm", o.get("suite").getAsString());
                assertEquals(impl, o.get("impl").getAsString());
                assertEquals(2, o.get("threads").getAsInt());
                assertEquals(2, o.get("repeats").getAsInt());
                assertTrue(o.get("median_ms").getAsDouble() >= o.get("min_ms").getAsDouble());
                long m = o.get("m").getAsLong();
                long n = o.get("n").getAsLong();
                long k = o.get("k").getAsLong();
                assertEquals(2 * m * n * k, o.get("flops").getAsLong());
            }
        }
    }

    @Test
    void quickConvReportsLayerShapesAndPassFlops() {
        for (String impl : new String[] {"scalar", "vector"}) {
            Run r = run("conv", "--quick", "--impl", impl, "--case", "^L[34]/", "--warmup", "0", "--repeats", "1");
            assertEquals(0, r.code(), r.err());
            List<JsonObject> lines = r.json();
            assertEquals(List.of("L3/forward", "L3/forward+backward", "L4/forward", "L4/forward+backward"),
                    lines.stream().map(o -> o.get("case").getAsString()).toList());
            for (JsonObject o : lines) {
                for (String field : List.of("batch", "cin", "cout", "h", "w", "kh", "kw", "pad", "stride",
                        "median_ms", "gflops", "cpu_ms")) {
                    assertTrue(o.has(field), () -> "missing " + field + " in " + o);
                }
                long forward = 2L * o.get("batch").getAsLong() * o.get("cout").getAsLong() * o.get("h").getAsLong()
                        * o.get("w").getAsLong() * o.get("cin").getAsLong() * 9;
                long passes = o.get("case").getAsString().endsWith("forward+backward") ? 3 : 1;
                assertEquals(forward * passes, o.get("flops").getAsLong());
            }
        }
    }

    @Test
    void caseFilterSelectsByName() {
        Run r = run("gemm", "--quick", "--impl", "scalar", "--case", "^im2col/L3$", "--warmup", "0", "--repeats", "1");
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("im2col/L3"), r.json().stream().map(o -> o.get("case").getAsString()).toList());
    }

    @Test
    void unknownSuiteIsAUsageError() {
        Run r = run("nosuch", "--quick");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown suite 'nosuch'"), r.err());
        assertTrue(r.err().contains("gemm"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void badNumbersAreUsageErrors() {
        assertEquals(2, run("gemm", "--threads", "0").code());
        assertTrue(run("gemm", "--threads", "0").err().contains("--threads must be between 1 and"));
        assertEquals(2, run("gemm", "--threads", "two").code());
        assertEquals(2, run("gemm", "--repeats", "0").code());
        assertEquals(2, run("autograd", "--forks", "-1").code());
        assertEquals(2, run("gemm", "--impl", "gpu").code());
        assertEquals(2, run("gemm", "--case", "nothing-matches").code());
        assertEquals(2, run().code());
    }

    @Test
    void quickAdderConvComparesTheAdderStepWithTheFloatConvolution() {
        for (String impl : new String[] {"scalar", "vector"}) {
            Run r = run("adderconv", "--quick", "--impl", impl, "--case", "^L[34]/", "--warmup", "0", "--repeats", "1");
            assertEquals(0, r.code(), r.err());
            List<JsonObject> lines = r.json();
            assertEquals(List.of("L3/conv", "L3/adder", "L4/conv", "L4/adder"),
                    lines.stream().map(o -> o.get("case").getAsString()).toList());
            for (JsonObject o : lines) {
                for (String field : List.of("batch", "cin", "cout", "h", "w", "kh", "kw", "pad", "stride", "op",
                        "median_ms", "images_per_s")) {
                    assertTrue(o.has(field), () -> "missing " + field + " in " + o);
                }
                long forward = 2L * o.get("batch").getAsLong() * o.get("cout").getAsLong() * o.get("h").getAsLong()
                        * o.get("w").getAsLong() * o.get("cin").getAsLong() * 9;
                assertEquals(3 * forward, o.get("flops").getAsLong());
                boolean adder = o.get("op").getAsString().equals("adder");
                assertEquals(adder, o.has("throughput_ratio"), o::toString);
                if (adder) {
                    String layer = o.get("case").getAsString().substring(0, 2);
                    assertEquals(layer + "/conv", o.get("compared_with").getAsString());
                    assertTrue(o.get("throughput_ratio").getAsDouble() > 0, o::toString);
                }
            }
        }
    }

    @Test
    void quickSpikeConvComparesEveryFormWithTheFloatConvolution() {
        Run r = run("spikeconv", "--quick", "--impl", "vector", "--case", "^L4/(conv|[a-z]+-10%)$", "--warmup", "0",
                "--repeats", "1");
        assertEquals(0, r.code(), r.err());
        List<JsonObject> lines = r.json();
        assertEquals(List.of("L4/conv", "L4/spike-10%", "L4/event-10%", "L4/dense-10%"),
                lines.stream().map(o -> o.get("case").getAsString()).toList());
        for (JsonObject o : lines) {
            boolean spike = o.get("op").getAsString().equals("spike");
            assertEquals(spike, o.has("throughput_ratio"), o::toString);
            assertEquals(spike, o.has("density") && o.has("path"), o::toString);
            if (spike) {
                assertEquals("L4/conv", o.get("compared_with").getAsString());
                assertEquals(0.1, o.get("density").getAsDouble());
            }
        }
        assertEquals(List.of("adaptive", "event", "dense"),
                lines.subList(1, 4).stream().map(o -> o.get("path").getAsString()).toList());
        assertEquals(2, run("spikeconv", "--quick", "--impl", "scalar").code(), "spikeconv offers vector only");
    }

    @Test
    void quickBitConvComparesTheXnorConvolutionWithTheFloatForward() {
        for (String impl : new String[] {"scalar", "vector"}) {
            Run r = run("bitconv", "--quick", "--impl", impl, "--case", "^L(4|2-1x1)/", "--warmup", "0", "--repeats", "1");
            assertEquals(0, r.code(), r.err());
            List<JsonObject> lines = r.json();
            assertEquals(List.of("L4/conv", "L4/xnor", "L2-1x1/conv", "L2-1x1/xnor"),
                    lines.stream().map(o -> o.get("case").getAsString()).toList());
            for (JsonObject o : lines) {
                for (String field : List.of("batch", "cin", "cout", "h", "w", "kh", "kw", "pad", "stride", "op",
                        "median_ms", "images_per_s")) {
                    assertTrue(o.has(field), () -> "missing " + field + " in " + o);
                }
                long k = o.get("kh").getAsLong() * o.get("kw").getAsLong();
                long forward = 2L * o.get("batch").getAsLong() * o.get("cout").getAsLong() * o.get("h").getAsLong()
                        * o.get("w").getAsLong() * o.get("cin").getAsLong() * k;
                assertEquals(forward, o.get("flops").getAsLong());
                boolean xnor = o.get("op").getAsString().equals("xnor");
                assertEquals(xnor, o.has("throughput_ratio"), o::toString);
                if (xnor) {
                    String c = o.get("case").getAsString();
                    assertEquals(c.substring(0, c.indexOf('/')) + "/conv", o.get("compared_with").getAsString());
                    assertEquals("IntBits", o.get("epilogue").getAsString());
                    assertTrue(o.get("throughput_ratio").getAsDouble() > 0, o::toString);
                }
            }
        }
    }

    @Test
    void listNamesSuitesAndCases() {
        Run r = run("--list");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("gemm - "), r.out());
        assertTrue(r.out().contains("square/2048 m=2048 n=2048 k=2048"), r.out());
        assertTrue(r.out().contains("im2col/L1 m=64 n=32768 k=576"), r.out());
        assertTrue(r.out().contains("conv - "), r.out());
        assertTrue(r.out().contains("adderconv - "), r.out());
        assertTrue(r.out().contains("bitconv - "), r.out());
        assertTrue(r.out().contains("L2-1x1/xnor batch=32 cin=128 cout=128 h=16 w=16 kh=1 kw=1 pad=0"), r.out());
        assertTrue(r.out().contains("L4/adder batch=64 cin=32 cout=64 h=14 w=14"), r.out());
        assertTrue(r.out().contains("L2/forward+backward batch=32 cin=128 cout=128 h=16 w=16"), r.out());
        assertTrue(r.out().contains("impls: scalar, vector (default: vector)"), r.out());
        assertTrue(r.out().contains("autograd - "), r.out());
        assertTrue(r.out().contains("mlp-784-512-512-10-b64 batch=64 in=784 hidden1=512 hidden2=512 classes=10"),
                r.out());
        assertTrue(r.out().contains("impls: autograd, kernels (default: autograd, kernels); baseline kernels"),
                r.out());
        assertTrue(r.out().contains("train - "), r.out());
        assertTrue(r.out().contains("vgg-small/train model=vgg-small pass=train batch=64 batches=100"), r.out());
        assertTrue(r.out().contains("vgg-small/inference model=vgg-small pass=inference batch=64 batches=100"),
                r.out());
        assertTrue(r.out().contains("vgg-small-hoyer/train model=vgg-small-hoyer pass=train batch=64 batches=100 "
                + "hoyer_lambda=0.03"), r.out());
        assertTrue(r.out().contains("vgg-small-hoyer/inference model=vgg-small-hoyer pass=inference batch=64 "
                + "batches=100"), r.out());
    }

    /** The Tensor-level impls run on the shared pool, so their runs must ask for its size. */
    private static String sharedThreads() {
        return String.valueOf(Parallel.shared().threads());
    }

    @Test
    void quickOpsRunTensorOpsOnTheJvmsProviderAndCountElements() {
        Run r = run("ops", "--quick", "--impl", "vector", "--threads", sharedThreads(), "--warmup", "1", "--repeats", "2");
        assertEquals(0, r.code(), r.err());
        List<JsonObject> lines = r.json();
        List<String> expected = new OpsSuite().cases(Scale.QUICK).stream().map(BenchCase::name).toList();
        assertEquals(expected, lines.stream().map(o -> o.get("case").getAsString()).toList());
        for (JsonObject o : lines) {
            assertEquals("ops", o.get("suite").getAsString());
            assertTrue(o.has("shape") && o.has("elements"), o::toString);
            assertEquals(o.get("elements").getAsLong(), o.get("flops").getAsLong());
        }
        // this JVM's Tensor ops run on the vector kernels: a scalar line would be a lie
        Run scalar = run("ops", "--quick", "--impl", "scalar", "--threads", sharedThreads(), "--case", "^add/");
        assertEquals(1, scalar.code(), scalar.err());
        assertTrue(scalar.err().contains("-Dbitspike.kernels=scalar"), scalar.err());
    }

    @Test
    void quickAutogradMeasuresBothImplsAndReportsTheOverhead() {
        Run r = run("autograd", "--quick", "--forks", "0", "--threads", sharedThreads(), "--warmup", "1",
                "--repeats", "3");
        assertEquals(0, r.code(), r.err());
        List<JsonObject> lines = r.json();
        assertEquals(List.of("autograd", "kernels"), lines.stream().map(o -> o.get("impl").getAsString()).toList());
        for (JsonObject o : lines) {
            assertEquals("autograd", o.get("suite").getAsString());
            assertEquals(AutogradSuite.QUICK.name(), o.get("case").getAsString());
            for (String field : List.of("batch", "in", "hidden1", "hidden2", "classes", "median_ms", "min_ms",
                    "flops", "gflops", "repeats", "provider")) {
                assertTrue(o.has(field), () -> "missing " + field + " in " + o);
            }
            assertEquals(3, o.get("repeats").getAsInt());
            assertEquals(1, o.get("warmup").getAsInt());
            assertEquals((long) AutogradSuite.QUICK.flops(), o.get("flops").getAsLong());
        }
        JsonObject autograd = lines.get(0);
        JsonObject kernels = lines.get(1);
        double ratio = autograd.get("median_ms").getAsDouble() / kernels.get("median_ms").getAsDouble();
        assertEquals(ratio, autograd.get("overhead").getAsDouble(), 1e-3 * ratio + 1e-4);
        assertTrue(autograd.has("overhead_best"), autograd::toString);
        assertTrue(!kernels.has("overhead"), kernels::toString);
        assertEquals(0, autograd.get("forks").getAsInt());
    }

    @Test
    void forksMeasureEachImplInAJvmOfItsOwnAndPoolTheirSamples() {
        Run r = run("autograd", "--quick", "--forks", "2", "--threads", "1", "--warmup", "1", "--repeats", "2");
        assertEquals(0, r.code(), r.err());
        List<JsonObject> lines = r.json();
        assertEquals(List.of("autograd", "kernels"), lines.stream().map(o -> o.get("impl").getAsString()).toList());
        for (JsonObject o : lines) {
            assertEquals(2, o.get("forks").getAsInt());
            assertEquals(4, o.get("repeats").getAsInt()); // 2 forks x 2 repeats
            assertEquals(2, o.get("warmup").getAsInt());
            assertEquals(1, o.get("threads").getAsInt());
            assertTrue(!o.has(Forks.SAMPLES_FIELD), o::toString);
        }
        assertTrue(lines.get(0).has("overhead"), r.out());
    }

    @Test
    void forksDoNotRepeatAgentsOrThePoolSize() {
        assertTrue(Forks.inheritable("--add-modules=jdk.incubator.vector"));
        assertTrue(Forks.inheritable("-Dbitspike.kernels=scalar"));
        assertTrue(Forks.inheritable("-Xmx2g"));
        assertTrue(!Forks.inheritable("-Dbitspike.threads=4"));
        assertTrue(!Forks.inheritable("-agentlib:jdwp=transport=dt_socket"));
        assertTrue(!Forks.inheritable("-XX:StartFlightRecording=filename=x.jfr"));
    }

    @Test
    void oneImplOfASuiteWithABaselineHasNoOverhead() {
        Run r = run("autograd", "--quick", "--impl", "kernels", "--threads", sharedThreads(), "--warmup", "0",
                "--repeats", "1");
        assertEquals(0, r.code(), r.err());
        assertEquals(0, r.json().get(0).get("forks").getAsInt());
        assertEquals(0, r.code(), r.err());
        List<JsonObject> lines = r.json();
        assertEquals(1, lines.size());
        assertEquals("kernels", lines.get(0).get("impl").getAsString());
        assertTrue(!lines.get(0).has("overhead"), r.out());
    }

    @Test
    void eachSuiteRunsTheSelectedImplsItOffers() {
        Run r = run("gemm", "autograd", "--quick", "--impl", "vector", "--case", "^square/31$", "--warmup", "0",
                "--repeats", "1");
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("gemm vector"),
                r.json().stream().map(o -> o.get("suite").getAsString() + " " + o.get("impl").getAsString()).toList());
        assertTrue(r.err().contains("autograd: none of its impls (autograd, kernels) selected here"), r.err());
    }

    @Test
    void implsNoSelectedSuiteOffersAreUsageErrors() {
        Run r = run("autograd", "--quick", "--impl", "scalar");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--impl scalar is not offered by autograd (autograd offers autograd, kernels)"),
                r.err());
        assertEquals(2, run("gemm", "--quick", "--impl", "autograd").code());
        assertEquals("", r.out());
    }

    @Test
    void tensorLevelImplsNeedTheSharedPoolToHaveTheThreadCount() {
        String other = String.valueOf(Parallel.shared().threads() + 1);
        Run r = run("autograd", "--quick", "--forks", "0", "--threads", other);
        assertEquals(2, r.code());
        assertTrue(r.err().contains("-Dbitspike.threads=" + other), r.err());
        assertEquals("", r.out());
    }

    @Test
    void quickTrainReportsImagesPerSecondForTrainingAndInference() {
        Run r = run("train", "--quick", "--threads", sharedThreads(), "--warmup", "1", "--repeats", "2");
        assertEquals(0, r.code(), r.err());
        List<JsonObject> lines = r.json();
        assertEquals(List.of("vgg-small/train", "vgg-small/inference", "vgg-small-hoyer/train",
                        "vgg-small-hoyer/inference", "vgg-small-xnor/train", "vgg-small-xnor/inference",
                        "vgg-small-bireal/train", "vgg-small-bireal/inference", "vgg-small-adder/train",
                        "vgg-small-adder/inference"), lines.stream().map(o -> o.get("case").getAsString()).toList());
        for (JsonObject o : lines) {
            for (String field : List.of("suite", "case", "impl", "threads", "model", "pass", "batch", "batches",
                    "median_ms", "min_ms", "images_per_s", "images_per_s_best", "flops", "gflops", "cpu_ms",
                    "repeats", "provider", "java", "load_avg")) {
                assertTrue(o.has(field), () -> "missing " + field + " in " + o);
            }
            assertEquals("train", o.get("suite").getAsString());
            assertEquals("vector", o.get("impl").getAsString());
            assertEquals(TrainSuite.QUICK.batch(), o.get("batch").getAsInt());
            assertEquals(2, o.get("repeats").getAsInt());
            double perSecond = TrainSuite.QUICK.batch() / (o.get("median_ms").getAsDouble() / 1e3);
            assertEquals(perSecond, o.get("images_per_s").getAsDouble(), 1e-3 * perSecond);
            TrainSuite.Pass pass = o.get("pass").getAsString().equals("train") ? TrainSuite.Pass.TRAIN
                    : TrainSuite.Pass.INFERENCE;
            assertEquals((long) TrainSuite.flops(pass, TrainSuite.QUICK.batch()), o.get("flops").getAsLong());
        }
        // Each family's line carries its images/s over the float model's of the same pass, measured with it.
        for (int i = 2; i < lines.size(); i++) {
            JsonObject hoyer = lines.get(i);
            assertEquals(lines.get(i % 2).get("case").getAsString(), hoyer.get("compared_with").getAsString());
            double ratio = hoyer.get("images_per_s").getAsDouble() / hoyer.get("compared_images_per_s").getAsDouble();
            assertEquals(ratio, hoyer.get("throughput_ratio").getAsDouble(), 1e-3 * ratio);
            assertTrue(hoyer.get("throughput_ratio_best").getAsDouble() > 0, hoyer::toString);
            JsonObject floats = lines.get(i % 2);
            assertTrue(!floats.has("compared_with") && !floats.has("throughput_ratio"), floats::toString);
        }
    }

    @Test
    void quickDeployMeasuresDeployedModelsAgainstTheFloatModel() {
        Run r = run("deploy", "--quick", "--threads", sharedThreads(), "--warmup", "1", "--repeats", "2", "--case", "-b1$");
        assertEquals(0, r.code(), r.err());
        List<JsonObject> lines = r.json();
        assertEquals(List.of("vgg-small/eval-b1", "vgg-small-xnor/eval-b1", "vgg-small-xnor/deployed-b1",
                        "vgg-small-hoyer/eval-b1", "vgg-small-hoyer/deployed-b1", "vgg-small-adder/eval-b1",
                        "vgg-small-adder/deployed-b1"), lines.stream().map(o -> o.get("case").getAsString()).toList());
        for (JsonObject o : lines) {
            for (String field : List.of("model", "form", "batch", "train_steps", "weight_bytes", "images_per_s")) {
                assertTrue(o.has(field), () -> "missing " + field + " in " + o);
            }
            assertTrue(o.get("verified").getAsBoolean(), o::toString);
            boolean reference = o.get("case").getAsString().startsWith("vgg-small/");
            assertEquals(!reference, o.has("throughput_ratio"), o::toString);
        }
        long floatBytes = lines.get(0).get("weight_bytes").getAsLong();
        long xnorBytes = lines.get(2).get("weight_bytes").getAsLong();
        assertTrue(25 * xnorBytes <= floatBytes, "deployed XNOR weights " + xnorBytes + " vs float " + floatBytes);
    }

    @Test
    void aHoyerCaseRunAloneIsStillComparedWithItsFloatCase() {
        Run r = run("train", "--quick", "--threads", sharedThreads(), "--case", "^vgg-small-hoyer/inference$",
                "--warmup", "0", "--repeats", "1");
        assertEquals(0, r.code(), r.err());
        List<JsonObject> lines = r.json();
        assertEquals(1, lines.size(), r.out());
        JsonObject o = lines.get(0);
        assertEquals("vgg-small-hoyer/inference", o.get("case").getAsString());
        assertEquals("vgg-small/inference", o.get("compared_with").getAsString());
        assertTrue(o.get("throughput_ratio").getAsDouble() > 0, o::toString);
    }

    /** A case of {@code images} images per run that logs its runs and verifications to {@code log}. */
    private static BenchCase logging(String name, String comparedWith, int images, StringBuilder log) {
        return new BenchCase() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Map<String, Object> fields() {
                return Map.of();
            }

            @Override
            public double flops() {
                return 0;
            }

            @Override
            public int images() {
                return images;
            }

            @Override
            public Optional<String> comparedWith() {
                return Optional.ofNullable(comparedWith);
            }

            @Override
            public Prepared prepare(Impl impl, KernelProvider kernels, Parallel parallel) {
                return new Prepared() {
                    @Override
                    public void run() {
                        log.append(name);
                    }

                    @Override
                    public void verify() {
                        log.append('v');
                    }
                };
            }
        };
    }

    private static Suite suiteOf(String name, List<BenchCase> cases, Optional<Impl> baseline) {
        return new Suite() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String description() {
                return "cases compared with each other";
            }

            @Override
            public List<Impl> impls() {
                return List.of(Impl.SCALAR);
            }

            @Override
            public Optional<Impl> baseline() {
                return baseline;
            }

            @Override
            public List<BenchCase> cases(Scale scale) {
                return cases;
            }
        };
    }

    @Test
    void aComparedCaseIsMeasuredInAlternatingRoundsWithAFreshInstanceOfTheOther() {
        StringBuilder log = new StringBuilder();
        Suite suite = suiteOf("pairs", List.of(logging("a", null, 2, log), logging("b", "a", 2, log)),
                Optional.empty());
        Run r = run(SuiteRegistry.of(suite), "pairs", "--impl", "scalar", "--case", "^b$", "--warmup", "1",
                "--repeats", "2");
        assertEquals(0, r.code(), r.err());
        // One warm-up round and two timed ones, each case verified after its first run.
        assertEquals("avbv" + "ba" + "ab", log.toString());
        JsonObject o = r.json().get(0);
        assertEquals("a", o.get("compared_with").getAsString());
        assertTrue(o.has("compared_images_per_s") && o.has("throughput_ratio") && o.has("throughput_ratio_best"),
                o::toString);
    }

    @Test
    void aSuitesMinimumBudgetAndWarmupApplyUnlessTheBudgetIsExplicit() {
        Sampler.Protocol full = Sampler.Protocol.adaptive(Scale.FULL);
        Suite train = new TrainSuite();
        Sampler.Protocol p = BenchCli.protocolOf(full, train, Scale.FULL, false);
        assertEquals(10_000, p.budgetMs());
        assertEquals(10_000, p.minWarmupMs());
        assertEquals(-1, p.repeats());
        assertEquals(full.warmupBudgetMs(), p.warmupBudgetMs());
        Sampler.Protocol explicit = BenchCli.protocolOf(full.with(null, null, 700.0), train, Scale.FULL, true);
        assertEquals(700, explicit.budgetMs());
        assertEquals(10_000, explicit.minWarmupMs());
        Sampler.Protocol quick = Sampler.Protocol.adaptive(Scale.QUICK);
        assertEquals(quick.budgetMs(), BenchCli.protocolOf(quick, train, Scale.QUICK, false).budgetMs());
        assertEquals(full.budgetMs(), BenchCli.protocolOf(full, new GemmSuite(), Scale.FULL, false).budgetMs());
    }

    @Test
    void aCaseComparedWithAnUnknownCaseFailsTheRunBeforeMeasuring() {
        StringBuilder log = new StringBuilder();
        Suite suite = suiteOf("pairs", List.of(logging("orphan", "missing", 1, log)), Optional.empty());
        Run r = run(SuiteRegistry.of(suite), "pairs", "--impl", "scalar", "--warmup", "0", "--repeats", "1");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("bench: FAILED: pairs orphan is compared with missing, which is not a case of "
                + "the suite"), r.err());
        assertEquals("", r.out());
        assertEquals("", log.toString());
    }

    @Test
    void comparedCasesNeedImagesAndASuiteWithoutBaseline() {
        StringBuilder log = new StringBuilder();
        Suite noImages = suiteOf("pairs", List.of(logging("a", null, 0, log), logging("b", "a", 1, log)),
                Optional.empty());
        Run r = run(SuiteRegistry.of(noImages), "pairs", "--impl", "scalar");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("pairs b (1 images per run) is compared with a (0): a throughput ratio needs "
                + "both to process images"), r.err());
        Suite withBaseline = suiteOf("based", List.of(logging("a", null, 1, log), logging("b", "a", 1, log)),
                Optional.of(Impl.SCALAR));
        r = run(SuiteRegistry.of(withBaseline), "based", "--impl", "scalar");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("based b is compared with a, but a suite with a baseline cannot compare cases"),
                r.err());
        assertEquals("", log.toString());
    }

    @Test
    void vectorMeansTheKernelsForGemmAndTheJvmsProviderForTrainInOneRun() {
        Run r = run("gemm", "train", "--quick", "--impl", "vector", "--threads", sharedThreads(),
                "--case", "^(square/31|vgg-small/inference)$", "--warmup", "0", "--repeats", "1");
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("gemm square/31", "train vgg-small/inference"), r.json().stream()
                .map(o -> o.get("suite").getAsString() + " " + o.get("case").getAsString()).toList());
    }

    @Test
    void trainWithAnotherProviderThanTheJvmsIsAUsageError() {
        String other = KernelProvider.get().name().equals("vector") ? "scalar" : "vector";
        Run r = run("train", "--quick", "--impl", other, "--threads", sharedThreads());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("suite train runs the Tensor API, whose provider in this JVM is "
                + KernelProvider.get().name() + ": start the JVM with -Dbitspike.kernels=" + other), r.err());
        assertEquals("", r.out());
    }

    @Test
    void wrongResultFailsTheRunWithExitCodeOne() {
        Suite broken = new Suite() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public String description() {
                return "a kernel that returns a wrong entry";
            }

            @Override
            public List<Impl> impls() {
                return List.of(Impl.SCALAR);
            }

            @Override
            public List<BenchCase> cases(Scale scale) {
                return List.of(new BenchCase() {
                    @Override
                    public String name() {
                        return "wrong";
                    }

                    @Override
                    public Map<String, Object> fields() {
                        return Map.of();
                    }

                    @Override
                    public double flops() {
                        return 0;
                    }

                    @Override
                    public Prepared prepare(Impl impl, KernelProvider kernels, Parallel parallel) {
                        float[] a = GemmCheck.random(9, 1);
                        float[] b = GemmCheck.random(9, 2);
                        float[] c = new float[9];
                        return new Prepared() {
                            @Override
                            public void run() {
                                kernels.gemm().sgemm(3, 3, 3, a, 0, 3, 1, b, 0, 3, 1, c, 0, 3, false, parallel);
                                c[8] += 1;
                            }

                            @Override
                            public void verify() {
                                GemmCheck.verify("broken wrong", 3, 3, 3, a, b, c);
                            }
                        };
                    }
                });
            }
        };
        Run r = run(SuiteRegistry.of(broken), "broken", "--impl", "scalar");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("C[2, 2]"), r.err());
        assertEquals("", r.out());
    }
}
