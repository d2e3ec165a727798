#!/usr/bin/python3
"""bench/parity.py DIR...: compare bitspike's results written by ParityCli to each DIR with PyTorch.

Each DIR holds one run of ParityCli (DIR/index.json lists its cases and names its kernel provider;
bench/parity writes one per provider). For every case and dtype, recomputes with torch, from the very input
values bitspike used, the output, the indices (sort, topk), the gradients of sum(out * w) and, for
smooth cases, the Hessian-vector products (the gradient of sum_i sum(grad_i * v_i), through a backward
with create_graph=True), and compares element by element:

    |ours - torch| <= atol + rtol * |torch|, NaN matching NaN and infinities matching exactly

(indices must be equal). Prints one JSON line per comparison, then the documented deviations with
their reasons, the failures and a summary table. Exit code 0 when every comparison passed or differs
only where a documented deviation (DEVIATIONS below) says it may; 1 otherwise; 2 on unreadable input.
A documented deviation that applied to some comparison but never showed is listed too (its
documentation may be stale); it does not fail the run.

A new op is one entry in OPS (its key is the case's "op", written by ParityCases.java).
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

FORMAT = 1
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


# op key -> f(inputs by name as torch tensors, params) -> output tensor, or (values, indices).
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
    out, indices = r if isinstance(r, tuple) else (r, None)
    q = {"out": out.detach().double().numpy()}
    if indices is not None:
        q["indices"] = indices.numpy()
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
    records = []
    for quantity in sorted(set(ref) | set(ours), key=lambda k: (k != "out", k != "indices", k)):
        rec = dict(base, quantity=quantity)
        if quantity not in ours or quantity not in ref:
            side = "bitspike" if quantity not in ours else "torch"
            records.append(dict(rec, status="fail", detail=f"{side} has no {quantity}"))
            continue
        a, b = ours[quantity], ref[quantity]
        if a.shape != b.shape:
            records.append(dict(rec, status="fail", detail=f"shape {list(a.shape)} (ours) != {list(b.shape)} (torch)"))
            continue
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
        records.append(rec)
    return records


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
            for result in case["results"]:
                records.extend(evaluate(case, result, provider, applied))
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
