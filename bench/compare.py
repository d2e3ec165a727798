"""Compare bitspike kernels and models with NumPy (OpenBLAS) and PyTorch on the cases of bench/run.

Run through the bench/compare wrapper, which installs the references. For each suite it runs our
bench/run (one JVM per impl), then the references in this process, joins rows on (suite, case) and
prints a table plus one JSON line per comparison. Every raw row and comparison is also written to
bench/results/compare-<time>.jsonl.

Case names and shapes mirror the Java suites (GemmSuite.java, ConvSuite.java, SpikeConvSuite.java and TrainSuite.java in
bench/src/main/java/org/bitspike/bench/); a joined row whose shapes differ is reported as a
mismatch, not compared.
"""

import argparse
import datetime
import gzip
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
SHAPE_KEYS = ("m", "n", "k", "batch", "cin", "cout", "h", "w", "kh", "kw", "pad", "stride", "model", "batches")

# --- cases: keep in step with the Java suites --------------------------------------------------

# im2col GEMMs of the conv layers: m = Cout, k = Cin * 9, n = N * H * W.
IM2COL = {"L1": (64, 32768, 576), "L2": (128, 8192, 1152), "L3": (32, 50176, 9), "L4": (64, 12544, 288)}
# Conv layers: (N, Cin, Cout, H, W), kernel 3x3, padding 1, stride 1.
CONV = {"L1": (32, 64, 64, 32, 32), "L2": (32, 128, 128, 16, 16),
        "L3": (64, 1, 32, 28, 28), "L4": (64, 32, 64, 14, 14)}
CONV_PASSES = ("forward", "forward+backward")


def gemm_cases(quick):
    cases = []
    for s in ((31, 64, 100) if quick else (256, 512, 1024, 2048)):
        cases.append({"case": f"square/{s}", "m": s, "n": s, "k": s})
    shrink = 64 if quick else 1
    for layer, (m, n, k) in IM2COL.items():
        cases.append({"case": f"im2col/{layer}", "m": m, "n": n // shrink, "k": k})
    for c in cases:
        c["flops"] = 2 * c["m"] * c["n"] * c["k"]
    return cases


def conv_cases(quick):
    """Quick mode keeps the layer shapes and uses a batch of 2."""
    cases = []
    for layer, (batch, cin, cout, h, w) in CONV.items():
        batch = 2 if quick else batch
        fwd = 2 * batch * cout * h * w * cin * 9  # output is h x w: 3x3, pad 1, stride 1
        for p in CONV_PASSES:
            cases.append({"case": f"{layer}/{p}", "pass": p, "batch": batch, "cin": cin, "cout": cout, "h": h, "w": w,
                          "kh": 3, "kw": 3, "pad": 1, "stride": 1,
                          "flops": fwd * (3 if p == "forward+backward" else 1)})
    return cases


def bitconv_cases(quick):
    """BitConvSuite.java: the conv layers and L2 with a 1x1 kernel (padding 0), forward only.

    Both `<layer>/conv` and `<layer>/xnor` get torch's float convolution forward of the shape as
    their reference (PyTorch has no XNOR-popcount convolution), so the comparison rows of the xnor
    cases read as our XNOR convolution against PyTorch's float one (measured again for each case).
    """
    layers = dict(CONV)
    layers["L2-1x1"] = CONV["L2"]
    cases = []
    for layer, (batch, cin, cout, h, w) in layers.items():
        batch = 2 if quick else batch
        k, pad = (1, 0) if layer.endswith("-1x1") else (3, 1)
        for op in ("conv", "xnor"):
            cases.append({"case": f"{layer}/{op}", "pass": "forward", "batch": batch, "cin": cin, "cout": cout,
                          "h": h, "w": w, "kh": k, "kw": k, "pad": pad, "stride": 1,
                          "flops": 2 * batch * cout * h * w * cin * k * k})


# The spikeconv suite (SpikeConvSuite.java): the float conv forward of layers L2 and L4, and the spike
# convolution at densities 1-50% in three forms. Only the float conv has a reference (torch's dense
# float conv2d forward); each spike case is joined with its layer's reference (ref_case).
SPIKE_LAYERS = ("L2", "L4")
SPIKE_DENSITIES = (1, 2, 5, 10, 20, 30, 50)
SPIKE_PATHS = ("spike", "event", "dense")


def spikeconv_cases(quick):
    cases = []
    for c in conv_cases(quick):
        layer = c["case"].split("/")[0]
        if layer not in SPIKE_LAYERS or c["pass"] != "forward":
            continue
        conv = dict(c, case=f"{layer}/conv")
        cases.append(conv)
        for d in SPIKE_DENSITIES:
            for path in SPIKE_PATHS:
                cases.append(dict(conv, case=f"{layer}/{path}-{d}%", ref_case=conv["case"], reference=False))
    return cases


# The train suite (TrainSuite.java): the small VGG on real Fashion-MNIST batches.
FASHION_MNIST_DIR = Path("/usr/share/datasets/fashion-mnist")
FASHION_MNIST_MEAN, FASHION_MNIST_STD = 0.2860, 0.3530
TRAIN_LR, TRAIN_MOMENTUM, TRAIN_WEIGHT_DECAY = 0.01, 0.9, 5e-4
# (batch, distinct batches cycled through, check steps); quick keeps batch 8 as the Java suite does.
TRAIN_WORKLOAD = {False: (64, 100, 10), True: (8, 16, 10)}
# The products FLOPs count: 3x3 convs (cin, cout, size at 28x28 inputs) and linear layers (in, out).
VGG_SMALL_CONVS = ((1, 32, 28), (32, 32, 28), (32, 64, 14), (64, 64, 14))
VGG_SMALL_LINEARS = ((64 * 7 * 7, 256), (256, 10))


def vgg_small_flops(pass_, batch):
    """Forward products, plus for training the weight gradients and every input gradient but the image's."""
    fwd = sum(2 * batch * cout * size * size * cin * 9 for cin, cout, size in VGG_SMALL_CONVS)
    fwd += sum(2 * batch * i * o for i, o in VGG_SMALL_LINEARS)
    if pass_ == "inference":
        return fwd
    cin, cout, size = VGG_SMALL_CONVS[0]
    return 3 * fwd - 2 * batch * cout * size * size * cin * 9


def train_cases(quick):
    batch, batches, _ = TRAIN_WORKLOAD[quick]
    return [{"case": f"vgg-small/{p}", "model": "vgg-small", "pass": p, "batch": batch, "batches": batches,
             "flops": vgg_small_flops(p, batch), "images": batch} for p in ("train", "inference")]


def deploy_cases(quick):
    """DeploySuite.java: PyTorch's float vgg-small in evaluation (no_grad) is the reference of each batch size;
    the deployed and family cases of that batch have no PyTorch counterpart (torch has no XNOR or spike kernels)."""
    return [{"case": f"vgg-small/eval-b{b}", "model": "vgg-small", "pass": "inference", "batch": b,
             "batches": 64 if b == 1 else 8, "flops": vgg_small_flops("inference", b), "images": b}
            for b in ((8, 1) if quick else (64, 1))]


SUITES = {"gemm": gemm_cases, "conv": conv_cases, "bitconv": bitconv_cases, "spikeconv": spikeconv_cases,
          "train": train_cases, "deploy": deploy_cases}
REFS_FOR = {"gemm": ("numpy", "torch"), "conv": ("torch",), "bitconv": ("torch",), "spikeconv": ("torch",),
            "train": ("torch",), "deploy": ("torch",)}
# Suites whose headline is throughput (images/s) rather than time and GFLOP/s.
THROUGHPUT_SUITES = ("train", "deploy")

# --- timing: the protocol of org.bitspike.bench.Sampler ----------------------------------------


def min_repeats(estimate_ms):
    return 3 if estimate_ms < 2000 else 2 if estimate_ms < 8000 else 1


def measure(fn, args):
    """Warm up and time like org.bitspike.bench.Sampler (adaptive unless --warmup / --repeats)."""
    warm_budget, budget = (20.0, 50.0) if args.quick else (500.0, 1500.0)
    if args.budget_ms:
        budget = args.budget_ms

    def once():
        t0 = time.perf_counter_ns()
        fn()
        return (time.perf_counter_ns() - t0) / 1e6

    warm, last = 0, None
    if args.warmup is not None:
        for _ in range(args.warmup):
            last = once()
            warm += 1
    else:
        start = mark = time.perf_counter()
        best = float("inf")
        while True:
            run_start = time.perf_counter()
            last = once()
            warm += 1
            if last * 1.25 < best:  # clearly faster: a JIT/first-call step; restart the budget
                mark = run_start
            best = min(best, last)
            now = time.perf_counter()
            if warm >= 1000 or (now - start) * 1e3 >= 20 * warm_budget or \
                    (warm >= 2 and (now - mark) * 1e3 >= warm_budget):
                break
    samples = []
    cpu0 = time.process_time_ns()  # all threads of this process, like the Java cpu_ms
    if args.repeats:
        count = args.repeats
    else:
        if last is None:
            last = once()
            samples.append(last)
        count = int(max(min_repeats(last), min(200, -(-budget // max(last, 1e-6)))))
    while len(samples) < count:
        samples.append(once())
    return warm, samples, (time.process_time_ns() - cpu0) / 1e6 / len(samples)


def summarize(samples, flops, cpu_ms, images=0):
    med = statistics.median(samples)
    row = {"median_ms": sig(med), "min_ms": sig(min(samples)), "max_ms": sig(max(samples)),
           "mean_ms": sig(statistics.fmean(samples)), "cpu_ms": sig(cpu_ms)}
    if images:
        row["images_per_s"] = sig(images / (med / 1e3))
        row["images_per_s_best"] = sig(images / (min(samples) / 1e3))
    if flops:
        row["flops"] = flops
        row["gflops"] = sig(flops / (med * 1e6))
        row["gflops_best"] = sig(flops / (min(samples) * 1e6))
    row["repeats"] = len(samples)
    return row


def sig(x, digits=5):
    return float(f"{x:.{digits}g}")


# --- references ---------------------------------------------------------------------------------


def loaded_blas():
    """Shared libraries with 'blas' in their name mapped into this process (which BLAS really runs)."""
    libs = set()
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                path = line.split()[-1]
                if "blas" in os.path.basename(path).lower():
                    libs.add(os.path.realpath(path))
    except OSError:
        pass
    return ",".join(sorted(libs)) or "unknown"


class References:
    """Imports NumPy and torch lazily, after the thread-count variables are set."""

    def __init__(self, threads):
        import numpy
        import torch
        self.np = numpy
        self.torch = torch
        torch.set_num_threads(threads)
        self.rng = numpy.random.default_rng(20240601)
        self.env = {"numpy": numpy.__version__, "torch": torch.__version__,
                    "torch_threads": torch.get_num_threads(),
                    "mkldnn": bool(torch.backends.mkldnn.is_available())}
        self._fmnist = None

    def uniform(self, *shape):
        return self.rng.uniform(-1, 1, size=shape).astype(self.np.float32)

    def gemm(self, ref, c):
        a, b = self.uniform(c["m"], c["k"]), self.uniform(c["k"], c["n"])
        out = self.np.empty((c["m"], c["n"]), dtype=self.np.float32)
        if ref == "numpy":
            fn = lambda: self.np.matmul(a, b, out=out)  # noqa: E731
            check = lambda: out  # noqa: E731
        else:
            ta, tb, tout = self.torch.from_numpy(a), self.torch.from_numpy(b), self.torch.from_numpy(out)
            fn = lambda: self.torch.mm(ta, tb, out=tout)  # noqa: E731
            check = lambda: out  # noqa: E731 (tout shares out's memory)
        return fn, lambda: self.check_gemm(ref, c, a, b, check())

    def check_gemm(self, ref, c, a, b, out):
        """A few entries against a float64 dot product, as the Java suite does."""
        rows = [0, c["m"] - 1, c["m"] // 2]
        cols = [0, c["n"] - 1, c["n"] // 3]
        for i in rows:
            for j in cols:
                terms = a[i, :].astype(self.np.float64) * b[:, j].astype(self.np.float64)
                tol = (c["k"] + 2) * 2.0 ** -24 * float(self.np.abs(terms).sum()) + 1e-30
                if not abs(float(out[i, j]) - float(terms.sum())) <= tol:
                    raise RuntimeError(f"{ref} gemm {c['case']}: C[{i}, {j}] = {out[i, j]} "
                                       f"but the float64 reference is {terms.sum()}")

    def conv(self, c):
        torch, F = self.torch, self.torch.nn.functional
        x = torch.from_numpy(self.uniform(c["batch"], c["cin"], c["h"], c["w"]))
        w = torch.from_numpy(self.uniform(c["cout"], c["cin"], c["kh"], c["kw"]))
        if c["pass"] == "forward":
            def fn():
                with torch.no_grad():
                    return F.conv2d(x, w, padding=c["pad"], stride=c["stride"])
        else:
            x.requires_grad_(True)
            w.requires_grad_(True)
            gy = torch.from_numpy(self.uniform(c["batch"], c["cout"], c["h"], c["w"]))

            def fn():
                x.grad = None
                w.grad = None
                F.conv2d(x, w, padding=c["pad"], stride=c["stride"]).backward(gy)
        return fn, lambda: None

    def fashion_mnist_train(self):
        """The training images as uint8 [60000, 28, 28] and labels int64 [60000], read once."""
        if self._fmnist is None:
            self._fmnist = (read_idx(FASHION_MNIST_DIR / "train-images-idx3-ubyte.gz", 3),
                            read_idx(FASHION_MNIST_DIR / "train-labels-idx1-ubyte.gz", 1).astype(self.np.int64))
        return self._fmnist

    def train_batches(self, batch, count):
        """The first `count` batches of a seeded shuffle of the training set, normalised, as tensors.

        The same kind of batches as TrainSuite.java (a random subset of the real training set,
        normalised the same way), though not the same images: its shuffle is bitspike's RandomKey.
        """
        np, torch = self.np, self.torch
        pixels, labels = self.fashion_mnist_train()
        order = np.random.default_rng(20240604).permutation(len(labels))[:batch * count]
        x = (pixels[order].astype(np.float32) / 255.0 - FASHION_MNIST_MEAN) / FASHION_MNIST_STD
        x = torch.from_numpy(np.ascontiguousarray(x.reshape(-1, 1, 28, 28), dtype=np.float32))
        y = torch.from_numpy(labels[order])
        return [(x[i * batch:(i + 1) * batch], y[i * batch:(i + 1) * batch]) for i in range(count)]

    def vgg_small(self):
        """bitspike's Models.vggSmall(1, 10, FLOAT): conv-BN-ReLU x2, pool, x2, pool, fc256-BN1d-ReLU, fc10."""
        nn = self.torch.nn

        def block(cin, cout):
            return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU()]

        return nn.Sequential(*block(1, 32), *block(32, 32), nn.MaxPool2d(2),
                             *block(32, 64), *block(64, 64), nn.MaxPool2d(2),
                             nn.Flatten(), nn.Linear(64 * 7 * 7, 256, bias=False), nn.BatchNorm1d(256), nn.ReLU(),
                             nn.Linear(256, 10))

    def train(self, c, quick):
        """One SGD step (train) or an eval-mode forward under no_grad (inference), cycling the batches."""
        torch, F = self.torch, self.torch.nn.functional
        torch.manual_seed(20240604)
        _, _, check_steps = TRAIN_WORKLOAD[quick]
        batches = self.train_batches(c["batch"], c["batches"])
        model = self.vgg_small()
        state = {"next": 0, "first_loss": None, "logits": None, "index": 0}

        def take():
            i = state["next"]
            state["next"] = (i + 1) % len(batches)
            state["index"] = i
            return batches[i]

        if c["pass"] == "train":
            model.train()
            opt = torch.optim.SGD(model.parameters(), lr=TRAIN_LR, momentum=TRAIN_MOMENTUM,
                                  weight_decay=TRAIN_WEIGHT_DECAY)

            def fn():
                x, y = take()
                loss = F.cross_entropy(model(x), y)
                opt.zero_grad(set_to_none=True)  # bitspike's zeroGrad also drops the gradients
                loss.backward()
                opt.step()
                if state["first_loss"] is None:
                    state["first_loss"] = loss.item()

            def check():
                first = state["first_loss"]
                if not 0 < first < 100:
                    raise RuntimeError(f"torch train {c['case']}: first loss {first}")
                for _ in range(check_steps):  # as many steps as the Java check, after the timed ones
                    fn()
                with torch.no_grad():
                    x, y = batches[0]
                    after = F.cross_entropy(model(x), y).item()
                if not after <= 0.8 * first:
                    raise RuntimeError(f"torch train {c['case']}: did not learn: loss on the first batch "
                                       f"{first:.4f} -> {after:.4f}")
                for name, p in model.named_parameters():
                    if not bool(torch.isfinite(p).all()):
                        raise RuntimeError(f"torch train {c['case']}: parameter {name} is not finite")
        else:
            model.eval()

            def fn():
                x, _ = take()
                with torch.no_grad():
                    state["logits"] = model(x)

            def check():
                logits = state["logits"]
                if tuple(logits.shape) != (c["batch"], 10) or not bool(torch.isfinite(logits).all()):
                    raise RuntimeError(f"torch inference {c['case']}: logits {tuple(logits.shape)} not finite "
                                       f"or of the wrong shape")
        return fn, check


def read_idx(path, dims):
    """An IDX file of unsigned bytes (gzip): the array with its header's shape, checked against `dims`."""
    import numpy
    with gzip.open(path, "rb") as f:
        data = f.read()
    if len(data) < 4 + 4 * dims or data[:3] != b"\x00\x00\x08" or data[3] != dims:
        raise RuntimeError(f"{path}: expected an IDX header for {dims}-d unsigned bytes, got {data[:4].hex()}")
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    arr = numpy.frombuffer(data, dtype=numpy.uint8, offset=4 + 4 * dims)
    if arr.size != numpy.prod(shape):
        raise RuntimeError(f"{path}: header says {shape} ({numpy.prod(shape)} bytes) but {arr.size} follow it")
    return arr.reshape(shape)


def run_references(suite, cases, args):
    refs = [r for r in args.refs if r in REFS_FOR[suite]]
    if not refs:
        return []
    env = References(args.threads)
    rows = []
    for ref in refs:
        for c in cases:
            if c.get("reference") is False:
                continue
            if suite == "gemm":
                fn, check = env.gemm(ref, c)
            elif suite in ("conv", "bitconv", "spikeconv"):
                fn, check = env.conv(c)
            else:
                fn, check = env.train(c, args.quick)
            warm, samples, cpu_ms = measure(fn, args)
            check()
            row = {"suite": suite, "case": c["case"], "impl": ref, "threads": args.threads}
            row.update({k: c[k] for k in SHAPE_KEYS + ("pass",) if k in c})
            row.update(summarize(samples, c["flops"], cpu_ms, c.get("images", 0)))
            row.update({"warmup": warm, "scale": "quick" if args.quick else "full",
                        "library": f"{ref} {env.env['numpy' if ref == 'numpy' else 'torch']}",
                        "blas": loaded_blas(), "torch_threads": env.env["torch_threads"],
                        "mkldnn": env.env["mkldnn"], "cpus": os.cpu_count(),
                        "load_avg": sig(os.getloadavg()[0]),
                        "time": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")})
            rows.append(row)
            print(f"compare: {ref:6} {suite} {c['case']:22} {row['median_ms']:>10} ms", file=sys.stderr)
    return rows


# --- ours ---------------------------------------------------------------------------------------


def run_ours(suite, args):
    """bench/run for each impl (its own JVM); returns (rows, failed)."""
    cmd = [str(BENCH_DIR / "run"), suite, "--threads", str(args.threads), "--impl", ",".join(args.impl)]
    for flag, value in (("--repeats", args.repeats), ("--warmup", args.warmup), ("--budget-ms", args.budget_ms),
                        ("--case", args.case)):
        if value is not None:
            cmd += [flag, str(value)]
    if args.quick:
        cmd.append("--quick")
    print("compare: " + " ".join(cmd), file=sys.stderr)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
    rows = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode == 2:
        print(f"compare: bench/run {suite} is not runnable (exit 2, see above); "
              "showing the references only", file=sys.stderr)
        return rows, False
    if proc.returncode != 0:
        print(f"compare: bench/run {suite} FAILED (exit {proc.returncode})", file=sys.stderr)
        return rows, True
    return rows, False


# --- join and report ----------------------------------------------------------------------------


def compare(ours, refs, ref_case=None):
    """Joins our rows with the references' by case (or by ref_case[case], the case whose reference it shares)."""
    ref_case = ref_case or {}
    by_key = {(r["suite"], r["case"], r["impl"]): r for r in refs}
    ref_names = sorted({r["impl"] for r in refs})
    out = []
    for o in ours:
        for ref in ref_names:
            r = by_key.get((o["suite"], ref_case.get(o["case"], o["case"]), ref))
            if r is None:
                continue
            row = {"kind": "comparison", "suite": o["suite"], "case": o["case"], "threads": o["threads"],
                   "impl": o["impl"], "reference": ref,
                   "median_ms": o["median_ms"], "ref_median_ms": r["median_ms"],
                   "gflops": o.get("gflops"), "ref_gflops": r.get("gflops")}
            mismatch = {k: (o.get(k), r.get(k)) for k in SHAPE_KEYS if o.get(k) != r.get(k)}
            if mismatch:
                row["shape_mismatch"] = {k: list(v) for k, v in mismatch.items()}
            else:
                row["time_ratio"] = sig(o["median_ms"] / r["median_ms"], 4)
                if o.get("gflops") and r.get("gflops"):
                    row["gflops_fraction"] = sig(o["gflops"] / r["gflops"], 4)
                if o.get("images_per_s") and r.get("images_per_s"):
                    row["images_per_s"] = o["images_per_s"]
                    row["ref_images_per_s"] = r["images_per_s"]
                    row["throughput_ratio"] = sig(o["images_per_s"] / r["images_per_s"], 4)
            out.append(row)
    return out


def table(suite, cases, ours, refs, threads):
    if suite in THROUGHPUT_SUITES:
        return throughput_table(suite, cases, ours, refs, threads)
    ref_names = [r for r in ("numpy", "torch") if any(x["impl"] == r for x in refs)]
    our_impls = sorted({o["impl"] for o in ours}) or ["-"]
    by = {(r["case"], r["impl"]): r for r in ours + refs}
    head = f"{'case':22} {'impl':6} {'ours ms':>10} {'GF/s':>7}"
    for ref in ref_names:
        head += f" | {ref + ' ms':>10} {'GF/s':>7} {'ours/ref':>8} {'GF/s %':>7}"
    lines = [f"{suite}  (threads={threads}; ours/ref = time ratio, >1 is slower; GF/s % = our share of the reference's GFLOP/s)",
             head, "-" * len(head)]
    for c in cases:
        for impl in our_impls:
            o = by.get((c["case"], impl))
            line = f"{c['case']:22} {impl:6} " + (f"{o['median_ms']:>10.4g} {o.get('gflops', 0):>7.3g}"
                                                   if o else f"{'-':>10} {'-':>7}")
            for ref in ref_names:
                r = by.get((c.get("ref_case", c["case"]), ref))
                if r is None:
                    line += f" | {'-':>10} {'-':>7} {'-':>8} {'-':>7}"
                    continue
                line += f" | {r['median_ms']:>10.4g} {r.get('gflops', 0):>7.3g}"
                if o and all(o.get(k) == r.get(k) for k in SHAPE_KEYS):
                    line += f" {o['median_ms'] / r['median_ms']:>7.3g}x {100 * r['median_ms'] / o['median_ms']:>6.3g}%"
                else:
                    line += f" {'-' if not o else 'shape?':>8} {'-':>7}"
            lines.append(line)
    return "\n".join(lines)


def throughput_table(suite, cases, ours, refs, threads):
    """Images per second, ours and each reference's, and ours as a fraction of the reference's.

    `cpu` is process CPU time over wall time per run (cpu_ms / mean_ms): how many cores a side kept
    busy. With 2 threads on this 2-core machine torch's train step shows 2-3x when undisturbed but
    ~1x when another process holds a core, and then runs 3-10x slower (its OpenMP threads wait at
    barriers): a low torch `cpu` marks a ratio not to trust.
    """
    ref_names = [r for r in ("numpy", "torch") if any(x["impl"] == r for x in refs)]
    our_impls = sorted({o["impl"] for o in ours}) or ["-"]
    by = {(r["case"], r["impl"]): r for r in ours + refs}

    def cpu(row):
        return f"{row['cpu_ms'] / row['mean_ms']:>4.2g}x" if row.get("cpu_ms") and row.get("mean_ms") else f"{'-':>5}"

    head = f"{'case':22} {'impl':6} {'ours ms':>9} {'img/s':>8} {'cpu':>5}"
    for ref in ref_names:
        head += f" | {ref + ' ms':>9} {'img/s':>8} {'cpu':>5} {'ours/ref':>8}"
    lines = [f"{suite}  (threads={threads}; ours/ref = our images/s over the reference's: "
             f"1.0 is parity, <1 is slower, the goal is >= 0.75; cpu = CPU time / wall time per run)",
             head, "-" * len(head)]
    for c in cases:
        for impl in our_impls:
            o = by.get((c["case"], impl))
            line = f"{c['case']:22} {impl:6} " + (f"{o['median_ms']:>9.4g} {o.get('images_per_s', 0):>8.4g} {cpu(o)}"
                                                   if o else f"{'-':>9} {'-':>8} {'-':>5}")
            for ref in ref_names:
                r = by.get((c["case"], ref))
                if r is None:
                    line += f" | {'-':>9} {'-':>8} {'-':>5} {'-':>8}"
                    continue
                line += f" | {r['median_ms']:>9.4g} {r.get('images_per_s', 0):>8.4g} {cpu(r)}"
                if o and all(o.get(k) == r.get(k) for k in SHAPE_KEYS):
                    line += f" {o['images_per_s'] / r['images_per_s']:>7.3g}x"
                else:
                    line += f" {'-' if not o else 'shape?':>8}"
            lines.append(line)
    return "\n".join(lines)


def main(argv=None):
    p = argparse.ArgumentParser(prog="bench/compare", description=__doc__.split("\n\n")[0])
    p.add_argument("suites", nargs="+", metavar="SUITE", help="gemm, conv, bitconv, spikeconv, train and/or deploy")
    p.add_argument("--threads", type=int, default=2, help="threads for ours and the references (default 2)")
    p.add_argument("--impl", default="vector", help="our impls, comma-separated: vector, scalar (default vector)")
    p.add_argument("--refs", default="numpy,torch", help="references, comma-separated (default numpy,torch)")
    p.add_argument("--quick", action="store_true", help="tiny shapes, for smoke tests")
    p.add_argument("--repeats", type=int, help="timed runs per case (default adaptive)")
    p.add_argument("--warmup", type=int, help="untimed runs per case (default adaptive)")
    p.add_argument("--budget-ms", type=float, help="adaptive measuring time per case (default 1500)")
    p.add_argument("--case", help="only cases whose name contains a match of this regex")
    p.add_argument("--no-ours", action="store_true", help="run the references only")
    p.add_argument("--format", choices=("table", "json", "both"), default="both",
                   help="stdout: the table, JSON lines of the comparisons, or both (default)")
    p.add_argument("--out", help="also write every row here (default bench/results/compare-<time>.jsonl)")
    args = p.parse_args(argv)
    for s in args.suites:
        if s not in SUITES:
            p.error(f"unknown suite '{s}'; known suites: {', '.join(SUITES)}")
    if args.threads < 1:
        p.error(f"--threads must be >= 1, got {args.threads}")
    args.impl = [i for i in args.impl.split(",") if i]
    args.refs = [r for r in args.refs.split(",") if r]
    for r in args.refs:
        if r not in ("numpy", "torch"):
            p.error(f"unknown reference '{r}' (expected numpy or torch)")
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)  # before NumPy/torch are imported (References)

    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    out_path = Path(args.out) if args.out else BENCH_DIR / "results" / f"compare-{'-'.join(args.suites)}-{stamp}.jsonl"
    out_path.parent.mkdir(parents=True, exist_ok=True)
    failed = False
    all_rows, tables = [], []
    for suite in args.suites:
        cases = SUITES[suite](args.quick)
        if args.case:
            cases = [c for c in cases if re.search(args.case, c["case"])]
        ours, bad = ([], False) if args.no_ours else run_ours(suite, args)
        failed |= bad
        refs = run_references(suite, cases, args)
        comparisons = compare(ours, refs, {c["case"]: c["ref_case"] for c in cases if "ref_case" in c})
        all_rows += ours + refs + comparisons
        tables.append((table(suite, cases, ours, refs, args.threads), comparisons))
    with open(out_path, "w") as f:
        for row in all_rows:
            f.write(json.dumps(row) + "\n")
    for text, comparisons in tables:
        if args.format in ("table", "both"):
            print(text)
            print()
        if args.format in ("json", "both"):
            for row in comparisons:
                print(json.dumps(row))
    print(f"compare: all rows written to {out_path}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
