#!/usr/bin/python3
"""bench/parity.py DIR...: compare bitspike's results written by ParityCli to each DIR with PyTorch.

Each DIR holds one run of ParityCli (DIR/index.json lists its cases and names its kernel provider;
bench/parity writes one per provider). For every case and dtype, recomputes with torch, from the very input
values bitspike used, the output, the indices (sort, topk), the gradients of sum(out * w) and, for
smooth cases, the Hessian-vector products, and buffers an op updates in place (batch norm's running
statistics), (the gradient of sum_i sum(grad_i * v_i), through a backward
with create_graph=True), and compares element by element:

    |ours - torch| <= atol + rtol * |torch|, NaN matching NaN and infinities matching exactly

(indices must be equal). An optimiser case ("kind": "optim", OptimCases.java) instead replays its
gradient sequence through the same torch.optim optimiser (OPTIMIZERS below) from the same initial
parameter, and compares the parameter and every state tensor (named by STATE_NAMES) after each step,
as quantities step<k>.param, step<k>.exp_avg, ... Prints one JSON line per comparison, then the documented deviations with
their reasons, the failures and a summary table. Exit code 0 when every comparison passed or differs
only where a documented deviation (DEVIATIONS below) says it may; 1 otherwise; 2 on unreadable input.
A documented deviation that applied to some comparison but never showed is listed too (its
documentation may be stale); it does not fail the run.

A new op is one entry in OPS (its key is the case's "op", written by ParityCases.java or
NnParityCases.java); a new optimiser one entry in OPTIMIZERS and its state names in STATE_NAMES.
"""
import json
import math
import os
import re
import sys
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F

FORMAT = 2
TORCH_DTYPES = {"float64": torch.float64, "float32": torch.float32}
# (rtol, atol) per dtype. float64: a few hundred ulp, to absorb a different erf or exp on each side;
# float32: ~80 ulp (both sides compute in float32 with their own exp/erf/tanh approximations).
TOLERANCES = {"float64": (1e-9, 1e-12), "float32": (1e-5, 1e-6)}


def _std(t, p):
    dims = p["dims"]
    return torch.std(t["x"], dim=None if dims is None else list(dims), correction=p["correction"],
                     keepdim=p["keepdim"])


def _var(t, p):
    dims = p["dims"]
    return torch.var(t["x"], dim=None if dims is None else list(dims), correction=p["correction"],
                     keepdim=p["keepdim"])


def _prod(t, p):
    return torch.prod(t["x"]) if p["dim"] is None else torch.prod(t["x"], p["dim"], keepdim=p["keepdim"])


def _sort(t, p):
    # stable=True: torch's default sort does not promise an order among ties; ours is stable.
    r = torch.sort(t["x"], dim=p["dim"], descending=p["descending"], stable=True)
    return r.values, r.indices


def _topk(t, p):
    r = torch.topk(t["x"], p["k"], dim=p["dim"], largest=p["largest"], sorted=p["sorted"])
    return r.values, r.indices


def _batch_norm(t, p):
    """F.batch_norm (then relu for activation "relu") on clones of the running statistics, which it updates in
    training: (out, None, buffers)."""
    rm, rv = t.get("running_mean"), t.get("running_var")
    rm, rv = (None, None) if rm is None else (rm.clone(), rv.clone())
    out = F.batch_norm(t["x"], rm, rv, t.get("weight"), t.get("bias"), training=p["training"],
                       momentum=p["momentum"], eps=p["eps"])
    out = torch.relu(out) if p["activation"] == "relu" else out
    return out, None, ({} if rm is None else {"running_mean": rm, "running_var": rv})


# op key -> f(inputs by name as torch tensors, params) -> output tensor, or (values, indices), or
# (values, indices or None, {buffer name: tensor updated in place}).
OPS: dict[str, Callable] = {
    "log1p": lambda t, p: torch.log1p(t["x"]),
    "expm1": lambda t, p: torch.expm1(t["x"]),
    "erf": lambda t, p: torch.erf(t["x"]),
    "softplus": lambda t, p: F.softplus(t["x"], beta=p["beta"], threshold=p["threshold"]),
    "logsigmoid": lambda t, p: F.logsigmoid(t["x"]),
    "hardtanh": lambda t, p: F.hardtanh(t["x"], min_val=p["min"], max_val=p["max"]),
    "gelu": lambda t, p: F.gelu(t["x"], approximate=p["approximate"]),
    "silu": lambda t, p: F.silu(t["x"]),
    "elu": lambda t, p: F.elu(t["x"], alpha=p["alpha"]),
    "std": _std,
    "var": _var,
    "prod": _prod,
    "cumsum": lambda t, p: torch.cumsum(t["x"], dim=p["dim"]),
    "sort": _sort,
    "topk": _topk,
    "pow": lambda t, p: torch.pow(t["a"], t["b"]),
    "pow_scalar": lambda t, p: torch.pow(t["x"], p["exponent"]),
    "clamp": lambda t, p: torch.clamp(t["x"], min=p["min"], max=p["max"]),
    "sqrt": lambda t, p: torch.sqrt(t["x"]),
    "rsqrt": lambda t, p: torch.rsqrt(t["x"]),
    "relu": lambda t, p: torch.relu(t["x"]),
    "abs": lambda t, p: torch.abs(t["x"]),
    "maximum": lambda t, p: torch.maximum(t["a"], t["b"]),
    "minimum": lambda t, p: torch.minimum(t["a"], t["b"]),
    "cross_entropy": lambda t, p: F.cross_entropy(t["input"], t["target"], label_smoothing=p["label_smoothing"],
                                                  reduction=p["reduction"]),
    "mse_loss": lambda t, p: F.mse_loss(t["input"], t["target"], reduction=p["reduction"]),
    # nn's losses and normalisations (NnParityCases.java); optional inputs are absent by name (None).
    "bce": lambda t, p: F.binary_cross_entropy(t["input"], t["target"], weight=t.get("weight"),
                                               reduction=p["reduction"]),
    "bce_logits": lambda t, p: F.binary_cross_entropy_with_logits(t["input"], t["target"], weight=t.get("weight"),
                                                                  pos_weight=t.get("pos_weight"),
                                                                  reduction=p["reduction"]),
    "l1_loss": lambda t, p: F.l1_loss(t["input"], t["target"], reduction=p["reduction"]),
    "smooth_l1_loss": lambda t, p: F.smooth_l1_loss(t["input"], t["target"], reduction=p["reduction"], beta=p["beta"]),
    "huber_loss": lambda t, p: F.huber_loss(t["input"], t["target"], reduction=p["reduction"], delta=p["delta"]),
    "kl_div": lambda t, p: F.kl_div(t["input"], t["target"], reduction=p["reduction"], log_target=p["log_target"]),
    "cross_entropy_opts": lambda t, p: F.cross_entropy(t["input"], t["target"], weight=t.get("weight"),
                                                       ignore_index=p["ignore_index"], reduction=p["reduction"],
                                                       label_smoothing=p["label_smoothing"]),
    "layer_norm": lambda t, p: F.layer_norm(t["x"], list(p["normalized_shape"]), t.get("weight"), t.get("bias"),
                                            eps=p["eps"]),
    "group_norm": lambda t, p: F.group_norm(t["x"], p["groups"], t.get("weight"), t.get("bias"), eps=p["eps"]),
    "batch_norm": _batch_norm,
}


@dataclass(frozen=True)
class Deviation:
    """A documented difference: where (case, quantity, dtype) match, the elements `where` selects may differ."""
    case: str  # regular expression, full match on the case name
    quantity: str  # regular expression, full match on the quantity (out, indices, grad.x, second.x)
    where: Callable  # (inputs as numpy, params, ours, torch's) -> boolean mask of the quantity's shape
    reason: str
    dtype: str = ".*"


def _tied(x, quantity):
    """Mask over `quantity` (indices of shape [rows, k], or a gradient of x's shape [rows, n]) of tied elements."""
    if quantity.shape == x.shape:  # a gradient: elements whose value occurs again in their row
        return np.array([[np.sum(row == v) > 1 for v in row] for row in x])
    # indices: ours point at a value that occurs more than once in the row
    return np.array([[np.sum(x[r] == x[r][int(i)]) > 1 for i in quantity[r]] for r in range(x.shape[0])])


def _rows_with_zeros(at_least):
    return lambda x, p, ours, ref: np.broadcast_to(
        ((x["x"] == 0).sum(axis=1, keepdims=True) >= at_least), ours.shape)


DEVIATIONS = [
    Deviation(r"softplus/(edges|randn)", r".*",
              lambda x, p, ours, ref: x["x"] >= 20,
              "Var.softplus() has no threshold: it is log(1 + e^x) computed stably for every x (derivative "
              "sigmoid(x)); torch's default F.softplus(beta=1, threshold=20) returns x above 20 (derivative 1, "
              "second derivative 0). The difference is below e^-20 = 2e-9 (relative) and vanishes in FLOAT32; "
              "softplus(1, 20) reproduces torch's default and is compared exactly (softplus-threshold/edges)."),
    Deviation(r"softplus-.*", r"second\.x",
              lambda x, p, ours, ref: x["x"] * p["beta"] == p["threshold"],
              "at beta * x == threshold exactly torch's forward and first derivative take the softplus branch "
              "(it switches to x only for beta * x > threshold), but its double backward (softplus_double_backward) "
              "masks with beta * x < threshold and gives 0 there; ours differentiates the softplus branch it "
              "took, so the second derivative is beta * sigmoid'(beta * x) (about 2e-9 times beta at threshold 20)."),
    Deviation(r"topk-.*/ties", r"indices|grad\.x",
              lambda x, p, ours, ref: _tied(x["x"], ours),
              "torch.topk has no stable flag and orders ties as its selection algorithm leaves them (here not by "
              "position); ours breaks ties by position (the lower index first), as its stable sort. Allowed only "
              "where the elements involved are tied in value: indices that point to equal values, and gradients "
              "of elements whose value occurs more than once in their slice."),
    Deviation(r"gelu-tanh/huge.*", r"grad\.x|second\.x",
              lambda x, p, ours, ref: np.abs(x["x"]) > 100,
              "gelu(TANH) cubes x clamped to [-100, 100] (Activations.gelu), so x^3 cannot overflow; torch cubes x "
              "itself, and where x^3 overflows (|x| > 5.6e102 in float64, > 7e12 in float32) its gradient is "
              "0 * inf = NaN, where ours is the exact limit (1 for x > 0, 0 for x < 0)."),
    Deviation(r"std-.*/zero-variance", r"grad\.x",
              lambda x, p, ours, ref: np.isnan(ref) & (ours == 0),
              "std's gradient is 0 where the variance is 0 (masked; the derivative of sqrt is infinite there). "
              "Listed because the issue expected torch to give NaN there (a std backward that divides by the zero "
              "result); torch 1.13's std_backward masks result == 0 as well, so with it this is not observed."),
    Deviation(r"pow_scalar-0\.5/edges", r"grad\.x",
              lambda x, p, ours, ref: (x["x"] == 0) & np.signbit(x["x"]),
              "pow(x, 0.5) at x = -0.0: ours is 0.5 * (-0.0)^-0.5 = +inf by IEEE pow; torch's pow backward "
              "takes its rsqrt shortcut for the exponent -0.5 and rsqrt(-0.0) = -inf (torch.pow with a tensor "
              "exponent gives +inf there, so torch disagrees with itself). Documented in autograd's package-info."),
    Deviation(r"prod-dim1/two-zeros", r"second\.x", _rows_with_zeros(2),
              "prod's backward gives no gradient to any element of a slice with two or more zeros (exactly "
              "right to first order), so its second derivative there is 0; torch along a dim differentiates "
              "its exclusive-cumprod formula, whose mixed second derivative d2/dxi dxj at the two zeros is the "
              "product of the other elements (nonzero). Documented in autograd's package-info."),
    Deviation(r"bce-.*/(edges|below-clamp.*)", r"grad\.input",
              lambda x, p, ours, ref: x["input"] * (1 - x["input"]) < 1e-12,
              "binaryCrossEntropy's gradient with respect to p is the exact derivative of its loss (logs clamped at "
              "-100, the clamped log contributing 0): at p = 0, y = 0 it is 1, at p = 1, y = 1 it is -1, at p = 1e-30, "
              "y = 0 it is 1. torch's binary_cross_entropy_backward divides (p - y) by max(p (1 - p), 1e-12), so "
              "wherever p (1 - p) < 1e-12 it gives (p - y) * 1e12 instead (0 at p = y, +-1e12 at p = 1 - y). "
              "Documented in Losses.binaryCrossEntropy (NOTE) and nn's package-info (conventions at kinks)."),
    Deviation(r"bce-.*/(edges|below-clamp.*)", r"grad\.target",
              lambda x, p, ours, ref: (x["input"] <= math.exp(-100)) | (1 - x["input"] <= math.exp(-100)),
              "binaryCrossEntropy clamps each log at -100 (as torch's forward) and its target gradient is the "
              "derivative of that clamped loss, log(1 - p) - max(log p, -100) (100 at p = 0, -100 at p = 1); torch's "
              "binary_cross_entropy_target_backward uses the unclamped logs (+-inf at p = 0 and 1, 115.1 at p = 1e-50), "
              "inconsistent with its own forward. Losses.binaryCrossEntropy's NOTE states the clamp (its dl/dy line "
              "omits it)."),
    Deviation(r"smooth_l1_loss-beta0\.0-.*", r"grad\..*",
              lambda x, p, ours, ref: x["input"] == x["target"],
              "smoothL1Loss with beta = 0 is l1Loss (Losses.smoothL1Loss), whose derivative at input = target is 0 as "
              "torch's l1_loss (nn's package-info, conventions at kinks); torch's smooth_l1_loss_backward with "
              "beta = 0 gives -1 there for the input (+1 for the target), unlike its own l1_loss."),
    Deviation(r"kl_div-.*/zero-targets", r"grad\.target",
              lambda x, p, ours, ref: x["target"] == 0,
              "klDiv with a zero (non-log) target takes the derivative of t log t there as 0, so dl/dt = -input "
              "(Losses.klDiv NOTE, nn's package-info); torch 1.13 differentiates xlogy(t, t) and gets 0/0 = NaN."),
]


def tensor_of(spec, dtype):
    shape = spec["shape"]
    data = spec["data"]
    if spec.get("kind") == "index":
        return torch.tensor(data, dtype=torch.int64).reshape(shape)
    return torch.tensor(np.array(data, dtype=np.float64).reshape(shape), dtype=dtype)


def numpy_of(spec):
    return np.array(spec["data"], dtype=np.float64).reshape(spec["shape"])


def torch_quantities(case, result):
    """torch's out, indices, grad.<name>, second.<name> for one (case, dtype) result, as numpy float64."""
    dtype = TORCH_DTYPES[result["dtype"]]
    inputs = {}
    diff = []
    for name, spec in result["inputs"].items():
        t = tensor_of(spec, dtype)
        if spec["kind"] == "differentiable":
            t.requires_grad_(True)
            diff.append(name)
        inputs[name] = t
    op = OPS.get(case["op"])
    if op is None:
        raise KeyError(f"no torch computation for op '{case['op']}' in OPS of parity.py")
    r = op(inputs, case["params"])
    out, indices, buffers = (r + (None,) * (3 - len(r))) if isinstance(r, tuple) else (r, None, None)
    q = {"out": out.detach().double().numpy()}
    if indices is not None:
        q["indices"] = indices.numpy()
    for n, b in (buffers or {}).items():
        q["buffer." + n] = b.detach().double().numpy()
    w = tensor_of(result["w"], dtype)
    second = case["second_order"]
    grads = torch.autograd.grad((out * w).sum(), [inputs[n] for n in diff], create_graph=second)
    for n, g in zip(diff, grads):
        q["grad." + n] = g.detach().double().numpy()
    if second:
        directional = sum((g * tensor_of(result["v"][n], dtype)).sum() for n, g in zip(diff, grads))
        if directional.requires_grad:
            hv = torch.autograd.grad(directional, [inputs[n] for n in diff], allow_unused=True)
        else:  # the gradient does not depend on the inputs
            hv = [None] * len(diff)
        for n, h in zip(diff, hv):
            q["second." + n] = (torch.zeros_like(inputs[n]) if h is None else h).detach().double().numpy()
    return q


def ours_quantities(result):
    q = {"out": numpy_of(result["out"])}
    if "indices" in result:
        q["indices"] = np.array(result["indices"]["data"], dtype=np.int64).reshape(result["indices"]["shape"])
    for n, spec in result.get("buffers", {}).items():
        q["buffer." + n] = numpy_of(spec)
    for group in ("grad", "second"):
        for n, spec in result.get(group, {}).items():
            q[f"{group}.{n}"] = numpy_of(spec)
    return q


def compare(ours, ref, dtype, exact):
    """Boolean mask of the elements that agree, and the max abs / rel error over finite pairs."""
    if exact:
        ok = ours == ref
    else:
        rtol, atol = TOLERANCES[dtype]
        with np.errstate(invalid="ignore", over="ignore"):
            close = np.abs(ours - ref) <= atol + rtol * np.abs(ref)
        ok = (ours == ref) | (np.isnan(ours) & np.isnan(ref)) | (close & np.isfinite(ours) & np.isfinite(ref))
    # The errors are over the pairs where both are finite; the relative one divides by max(|torch|, atol).
    a, b = ours.astype(np.float64), ref.astype(np.float64)
    finite = np.isfinite(a) & np.isfinite(b)
    abs_err = np.abs(a[finite] - b[finite])
    rel_err = abs_err / np.maximum(np.abs(b[finite]), TOLERANCES[dtype][1])
    return ok, float(abs_err.max(initial=0)), float(rel_err.max(initial=0))


def number(v):
    v = float(v)
    return v if math.isfinite(v) else str(v)


def evaluate(case, result, provider, applied):
    """One comparison record per quantity of one (case, dtype) result; adds the deviations that applied to `applied`."""
    dtype = result["dtype"]
    base = {"kind": "comparison", "case": case["name"], "provider": provider, "dtype": dtype}
    if "error" in result:
        return [dict(base, quantity="error", status="fail", detail="bitspike threw: " + result["error"])]
    try:
        ref = torch_quantities(case, result)
    except Exception as e:  # noqa: BLE001 - reported as a failure of this case, never skipped
        return [dict(base, quantity="error", status="fail", detail=f"torch threw: {type(e).__name__}: {e}")]
    ours = ours_quantities(result)
    inputs = {n: numpy_of(s) for n, s in result["inputs"].items()}
    return [compare_quantity(base, case, q, ours.get(q), ref.get(q), inputs, applied)
            for q in sorted(set(ref) | set(ours), key=lambda k: (k != "out", k != "indices", k))]


def compare_quantity(base, case, quantity, a, b, inputs, applied):
    """One comparison record of ours `a` against torch's `b` (either None when that side lacks it)."""
    dtype = base["dtype"]
    rec = dict(base, quantity=quantity)
    if a is None or b is None:
        side = "bitspike" if a is None else "torch"
        return dict(rec, status="fail", detail=f"{side} has no {quantity}")
    if a.shape != b.shape:
        return dict(rec, status="fail", detail=f"shape {list(a.shape)} (ours) != {list(b.shape)} (torch)")
    ok, max_abs, max_rel = compare(a, b, dtype, exact=quantity == "indices")
    rec.update(n=int(a.size), max_abs_err=number(max_abs), max_rel_err=number(max_rel))
    covered = np.zeros(a.shape, dtype=bool)
    reasons = []
    for d in DEVIATIONS:
        if re.fullmatch(d.case, case["name"]) and re.fullmatch(d.quantity, quantity) \
                and re.fullmatch(d.dtype, dtype):
            mask = np.broadcast_to(np.asarray(d.where(inputs, case["params"], a, b), dtype=bool), a.shape)
            covered |= mask
            reasons.append(d.reason)
            applied.setdefault(d, False)
            applied[d] |= bool((~ok & mask).any())
    bad = ~ok
    if (bad & ~covered).any():
        status = "fail"
    elif bad.any():
        status = "deviation"
    else:
        status = "pass"
    rec.update(status=status, mismatches=int(bad.sum()))
    rec["pass"] = status != "fail"
    if bad.any():
        i = tuple(int(k) for k in np.argwhere(bad & ~covered if status == "fail" else bad)[0])
        rec["first_mismatch"] = {"index": list(i), "ours": number(a[i]), "torch": number(b[i]),
                                 "input": {n: number(v[i]) if v.shape == a.shape else "see case file"
                                           for n, v in inputs.items()}}
    if status == "deviation":
        rec["reason"] = " | ".join(reasons)
    return rec


# ---------------------------------------------------------------- optimisers ("kind": "optim")

def _adam(params, p):
    cls = torch.optim.AdamW if p["decoupled"] else torch.optim.Adam
    return cls(params, lr=p["lr"], betas=(p["beta1"], p["beta2"]), eps=p["eps"], weight_decay=p["weight_decay"],
               amsgrad=p["amsgrad"])


# optimizer key (OptimCases.java) -> f(list of parameters, params) -> a torch.optim optimiser.
OPTIMIZERS: dict[str, Callable] = {
    "adam": _adam,
    "rmsprop": lambda params, p: torch.optim.RMSprop(params, lr=p["lr"], alpha=p["alpha"], eps=p["eps"],
                                                     weight_decay=p["weight_decay"], momentum=p["momentum"],
                                                     centered=p["centered"]),
    "sgd": lambda params, p: torch.optim.SGD(params, lr=p["lr"], momentum=p["momentum"], dampening=p["dampening"],
                                             weight_decay=p["weight_decay"], nesterov=p["nesterov"]),
}

# our state names (Optimizer.stateDict) -> torch.optim's state keys.
STATE_NAMES = {
    "step": "step",
    "expAvg": "exp_avg",
    "expAvgSq": "exp_avg_sq",
    "maxExpAvgSq": "max_exp_avg_sq",
    "squareAvg": "square_avg",
    "gradAvg": "grad_avg",
    "momentumBuffer": "momentum_buffer",
    "momentum": "momentum_buffer",  # Sgd's name for its buffer
}


def torch_optim_steps(case, result):
    """torch's param and state after each step, {"step<k>.param": ..., "step<k>.<torch state key>": ...}."""
    dtype = TORCH_DTYPES[result["dtype"]]
    make = OPTIMIZERS.get(case["optimizer"])
    if make is None:
        raise KeyError(f"no torch optimiser for '{case['optimizer']}' in OPTIMIZERS of parity.py")
    param = tensor_of(result["initial"], dtype).requires_grad_(True)
    opt = make([param], case["params"])
    q = {}
    for k, g in enumerate(result["gradients"], start=1):
        param.grad = tensor_of(g, dtype)
        opt.step()
        q[f"step{k}.param"] = param.detach().double().numpy().copy()
        for name, v in opt.state[param].items():
            if v is not None:  # SGD without momentum keeps momentum_buffer = None
                q[f"step{k}.{name}"] = torch.as_tensor(v).detach().double().numpy().copy()
    return q


def ours_optim_steps(result):
    q = {}
    for k, step in enumerate(result["steps"], start=1):
        q[f"step{k}.param"] = numpy_of(step["param"])
        for name, spec in step["state"].items():
            if name not in STATE_NAMES:
                raise KeyError(f"our optimiser state '{name}' has no torch name in STATE_NAMES of parity.py")
            q[f"step{k}.{STATE_NAMES[name]}"] = numpy_of(spec)
    return q


def evaluate_optim(case, result, provider, applied):
    """One comparison record per step and quantity (param, each state tensor) of one (case, dtype) result."""
    base = {"kind": "comparison", "case": case["name"], "provider": provider, "dtype": result["dtype"]}
    if "error" in result:
        return [dict(base, quantity="error", status="fail", detail="bitspike threw: " + result["error"])]
    try:
        ref = torch_optim_steps(case, result)
        ours = ours_optim_steps(result)
    except Exception as e:  # noqa: BLE001 - reported as a failure of this case, never skipped
        return [dict(base, quantity="error", status="fail", detail=f"{type(e).__name__}: {e}")]
    inputs = {"param": numpy_of(result["initial"])}

    def order(k):
        step, _, name = k.partition(".")
        return int(step[4:]), name != "param", name
    return [compare_quantity(base, case, q, ours.get(q), ref.get(q), inputs, applied)
            for q in sorted(set(ref) | set(ours), key=order)]


def main(argv):
    if len(argv) < 2:
        print("usage: parity.py DIR... (each written by org.bitspike.bench.parity.ParityCli --out DIR)",
              file=sys.stderr)
        return 2
    runs = []
    for root in argv[1:]:
        try:
            with open(os.path.join(root, "index.json")) as f:
                index = json.load(f)
            if index.get("format") != FORMAT:
                raise ValueError(f"index.json has format {index.get('format')}, parity.py reads {FORMAT}")
            cases = []
            for entry in index["cases"]:
                with open(os.path.join(root, entry["file"])) as f:
                    cases.append(json.load(f))
            runs.append((index["provider"], cases))
        except (OSError, ValueError, KeyError) as e:
            print(f"parity.py: cannot read the cases in {root}: {e}", file=sys.stderr)
            return 2
    torch.set_num_threads(1)
    records = []
    applied = {}
    for provider, cases in runs:
        for case in cases:
            run = evaluate_optim if case.get("kind") == "optim" else evaluate
            for result in case["results"]:
                records.extend(run(case, result, provider, applied))
    for r in records:
        r.setdefault("pass", r["status"] != "fail")
        print(json.dumps(r))
    report(records, [d for d, seen in applied.items() if not seen])
    return 1 if any(r["status"] == "fail" for r in records) else 0


def report(records, unobserved):
    print()
    print(f"torch {torch.__version__}; tolerances (rtol, atol): " +
          ", ".join(f"{k} {v}" for k, v in TOLERANCES.items()))
    deviations = [r for r in records if r["status"] == "deviation"]
    failures = [r for r in records if r["status"] == "fail"]
    if deviations:
        print("\nDocumented deviations (expected, each with its reason):")
        seen = set()
        for r in deviations:
            print(f"  {r['case']} {r['quantity']} {r['provider']} {r['dtype']}: {r['mismatches']} of {r['n']} elements differ, "
                  f"e.g. at {r['first_mismatch']['index']} input {r['first_mismatch']['input']}: "
                  f"ours {r['first_mismatch']['ours']}, torch {r['first_mismatch']['torch']}")
            if r["reason"] not in seen:
                seen.add(r["reason"])
                print(f"      reason: {r['reason']}")
    if unobserved:
        print("\nDocumented deviations NOT observed (torch agreed; the documentation may be stale):")
        for d in unobserved:
            print(f"  cases {d.case}, quantity {d.quantity}: {d.reason}")
    if failures:
        print("\nFAILURES:")
        for r in failures:
            if "first_mismatch" in r:
                m = r["first_mismatch"]
                print(f"  {r['case']} {r['quantity']} {r['provider']} {r['dtype']}: {r['mismatches']} of {r['n']} differ "
                      f"(max abs {r['max_abs_err']}, max rel {r['max_rel_err']}); first at {m['index']} "
                      f"input {m['input']}: ours {m['ours']}, torch {m['torch']}")
            else:
                print(f"  {r['case']} {r['quantity']} {r['provider']} {r['dtype']}: {r['detail']}")
    # worst_rel: the largest relative error (denominator max(|torch|, atol)) among the passing comparisons, per dtype.
    families = {}
    for r in records:
        fam = families.setdefault(re.split(r"[-/]", r["case"])[0],
                                  {"cases": set(), "pass": 0, "deviation": 0, "fail": 0, "float64": 0.0, "float32": 0.0})
        fam["cases"].add(r["case"])
        fam[r["status"]] += 1
        if r["status"] == "pass" and isinstance(r.get("max_rel_err"), float):
            fam[r["dtype"]] = max(fam[r["dtype"]], r["max_rel_err"])
    print(f"\n{'family':16} {'cases':>5} {'comparisons':>11} {'pass':>5} {'deviation':>9} {'fail':>5} "
          f"{'worst_rel f64':>13} {'worst_rel f32':>13}")
    for name, f in families.items():
        total = f["pass"] + f["deviation"] + f["fail"]
        print(f"{name:16} {len(f['cases']):5d} {total:11d} {f['pass']:5d} {f['deviation']:9d} {f['fail']:5d} "
              f"{f['float64']:13.1e} {f['float32']:13.1e}")
    totals = {s: sum(1 for r in records if r["status"] == s) for s in ("pass", "deviation", "fail")}
    n_cases = len({r["case"] for r in records})
    print(f"{'total':16} {n_cases:5d} {len(records):11d} {totals['pass']:5d} {totals['deviation']:9d} "
          f"{totals['fail']:5d}")
    summary = {"kind": "summary", "torch": torch.__version__, "providers": sorted({r["provider"] for r in records}),
               "cases": n_cases, "comparisons": len(records)}
    summary.update(totals)
    print(json.dumps(summary))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
