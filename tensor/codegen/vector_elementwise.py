#!/usr/bin/env python3
"""Writes VectorElementwise.java and VectorSteps.java: one Vector API loop per (op, dtype, run shape).

The Vector API is fast only when C2 sees a constant operator at each call site: a switch inside
the loop (or an operator passed in) makes every vector a heap object, 15x slower (measured 0.55
against 9.2 G elements/s for add). So every op gets its own loop, and this script writes them
rather than a hand copy per dtype. Run from the repository root after editing:

    python3 tensor/codegen/vector_elementwise.py
"""
import os

PACKAGE = os.path.join(os.path.dirname(__file__), "..", "src", "main", "java", "org", "bitspike", "tensor", "kernel",
                       "vector")

TYPES = [  # (java type, Vector class, species constant, lanes constant, box)
    ("float", "FloatVector", "F", "FL", "Float"),
    ("double", "DoubleVector", "D", "DL", "Double"),
]
BINARY = {  # op: (vector method, scalar expression over x, y, commutative)
    "ADD": ("add", "{x} + {y}", True),
    "SUB": ("sub", "{x} - {y}", False),
    "MUL": ("mul", "{x} * {y}", True),
    "DIV": ("div", "{x} / {y}", False),
    "MAX": ("max", "Math.max({x}, {y})", True),
    "MIN": ("min", "Math.min({x}, {y})", True),
}
COMPARE = {"EQ": ("==", "EQ"), "NE": ("!=", "NE"), "LT": ("<", "GT"), "LE": ("<=", "GE"),
           "GT": (">", "LT"), "GE": (">=", "LE")}  # op: (java operator, op with operands swapped)


def cap(s):
    return s[0] + s[1:].lower()


def binary_loops(t, V, S, L):
    out = []
    for op, (m, expr, _) in BINARY.items():
        name = cap(op)
        # vector op vector
        out.append(f"""
    private static void {m}VV(int n, {t}[] a, int ao, {t}[] b, int bo, {t}[] o, int oo) {{
        int i = 0;
        for (int bound = {S}.loopBound(n); i < bound; i += {L}) {{
            {V}.fromArray({S}, a, ao + i).{m}({V}.fromArray({S}, b, bo + i)).intoArray(o, oo + i);
        }}
        for (; i < n; i++) {{
            o[oo + i] = {expr.format(x=f"a[ao + i]", y=f"b[bo + i]")};
        }}
    }}
""")
        # vector op scalar
        out.append(f"""
    static void {m}VS(int n, {t}[] a, int ao, {t} s, {t}[] o, int oo) {{
        {V} vs = {V}.broadcast({S}, s);
        int i = 0;
        for (int bound = {S}.loopBound(n); i < bound; i += {L}) {{
            {V}.fromArray({S}, a, ao + i).{m}(vs).intoArray(o, oo + i);
        }}
        for (; i < n; i++) {{
            o[oo + i] = {expr.format(x=f"a[ao + i]", y="s")};
        }}
    }}
""")
    for op in ("SUB", "DIV"):
        m, expr, _ = BINARY[op]
        out.append(f"""
    private static void {m}SV(int n, {t} s, {t}[] b, int bo, {t}[] o, int oo) {{
        {V} vs = {V}.broadcast({S}, s);
        int i = 0;
        for (int bound = {S}.loopBound(n); i < bound; i += {L}) {{
            vs.{m}({V}.fromArray({S}, b, bo + i)).intoArray(o, oo + i);
        }}
        for (; i < n; i++) {{
            o[oo + i] = {expr.format(x="s", y=f"b[bo + i]")};
        }}
    }}
""")
    return "".join(out)


def binary_dispatch(t, V, S, L):
    def cases(pattern, args):
        return "\n".join(f"                    case {op} -> {m}{pattern}({args});" for op, (m, _, _) in BINARY.items())
    sv = []
    for op, (m, _, comm) in BINARY.items():
        if comm:
            sv.append(f"                    case {op} -> {m}VS(n, b, bOff, a[aOff], out, outOff);")
        else:
            sv.append(f"                    case {op} -> {m}SV(n, a[aOff], b, bOff, out, outOff);")
    sv = "\n".join(sv)
    return f"""
    @Override
    public void binary(Binary op, int n, {t}[] a, int aOff, int aStride, {t}[] b, int bOff, int bStride,
                       {t}[] out, int outOff, int outStride) {{
        if (n >= {L} && outStride == 1) {{
            if (aStride == 1 && bStride == 1) {{
                switch (op) {{
{cases("VV", "n, a, aOff, b, bOff, out, outOff")}
                }}
                return;
            }}
            if (aStride == 1 && bStride == 0) {{
                switch (op) {{
{cases("VS", "n, a, aOff, b[bOff], out, outOff")}
                }}
                return;
            }}
            if (aStride == 0 && bStride == 1) {{
                // NOTE: s op v for the commutative ops is v op s (Math.max/min too, NaN payloads aside).
                switch (op) {{
{sv}
                }}
                return;
            }}
        }}
        SCALAR.binary(op, n, a, aOff, aStride, b, bOff, bStride, out, outOff, outStride);
    }}
"""


def compare_code(t, V, S, L):
    out = []
    for op, (sym, _) in COMPARE.items():
        out.append(f"""
    private static void compare{cap(op)}VV(int n, {t}[] a, int ao, {t}[] b, int bo, boolean[] o, int oo) {{
        int i = 0;
        for (int bound = {S}.loopBound(n); i < bound; i += {L}) {{
            {V}.fromArray({S}, a, ao + i).compare(VectorOperators.{op}, {V}.fromArray({S}, b, bo + i))
                    .intoArray(o, oo + i);
        }}
        for (; i < n; i++) {{
            o[oo + i] = a[ao + i] {sym} b[bo + i];
        }}
    }}

    private static void compare{cap(op)}VS(int n, {t}[] a, int ao, {t} s, boolean[] o, int oo) {{
        {V} vs = {V}.broadcast({S}, s);
        int i = 0;
        for (int bound = {S}.loopBound(n); i < bound; i += {L}) {{
            {V}.fromArray({S}, a, ao + i).compare(VectorOperators.{op}, vs).intoArray(o, oo + i);
        }}
        for (; i < n; i++) {{
            o[oo + i] = a[ao + i] {sym} s;
        }}
    }}
""")
    vv = "\n".join(f"                    case {op} -> compare{cap(op)}VV(n, a, aOff, b, bOff, out, outOff);" for op in COMPARE)
    vs = "\n".join(f"                    case {op} -> compare{cap(op)}VS(n, a, aOff, b[bOff], out, outOff);" for op in COMPARE)
    sv = "\n".join(f"                    case {op} -> compare{cap(sw)}VS(n, b, bOff, a[aOff], out, outOff);"
                   for op, (_, sw) in COMPARE.items())
    out.append(f"""
    static void compare(Compare op, int n, {t}[] a, int aOff, int aStride, {t}[] b, int bOff, int bStride,
                        boolean[] out, int outOff, int outStride) {{
        if (n >= {L} && outStride == 1) {{
            if (aStride == 1 && bStride == 1) {{
                switch (op) {{
{vv}
                }}
                return;
            }}
            if (aStride == 1 && bStride == 0) {{
                switch (op) {{
{vs}
                }}
                return;
            }}
            if (aStride == 0 && bStride == 1) {{
                // s < v is v > s: the comparison with its operands swapped
                switch (op) {{
{sv}
                }}
                return;
            }}
        }}
        SCALAR.compare(op, n, a, aOff, aStride, b, bOff, bStride, out, outOff, outStride);
    }}
""")
    return "".join(out)


def select_code(t, V, S, L, box):
    out = []
    for an, a_load, a_s in (("V", f"{V}.fromArray({S}, a, ao + i)", "a[ao + i]"), ("S", "va", "a[ao]")):
        for bn, b_load, b_s in (("V", f"{V}.fromArray({S}, b, bo + i)", "b[bo + i]"), ("S", "vb", "b[bo]")):
            pre = ""
            if an == "S":
                pre += f"        {V} va = {V}.broadcast({S}, a[ao]);\n"
            if bn == "S":
                pre += f"        {V} vb = {V}.broadcast({S}, b[bo]);\n"
            out.append(f"""
    private static void select{an}{bn}(int n, boolean[] c, int co, {t}[] a, int ao, {t}[] b, int bo, {t}[] o, int oo) {{
{pre}        int i = 0;
        for (int bound = {S}.loopBound(n); i < bound; i += {L}) {{
            VectorMask<{box}> m = VectorMask.fromArray({S}, c, co + i);
            {b_load}.blend({a_load}, m).intoArray(o, oo + i);
        }}
        for (; i < n; i++) {{
            o[oo + i] = c[co + i] ? {a_s} : {b_s};
        }}
    }}
""")
    out.append(f"""
    @Override
    public void select(int n, boolean[] c, int cOff, int cStride, {t}[] a, int aOff, int aStride,
                       {t}[] b, int bOff, int bStride, {t}[] out, int outOff, int outStride) {{
        if (n >= {L} && outStride == 1 && cStride == 1 && (aStride & ~1) == 0 && (bStride & ~1) == 0) {{
            if (aStride == 1) {{
                if (bStride == 1) {{
                    selectVV(n, c, cOff, a, aOff, b, bOff, out, outOff);
                }} else {{
                    selectVS(n, c, cOff, a, aOff, b, bOff, out, outOff);
                }}
            }} else if (bStride == 1) {{
                selectSV(n, c, cOff, a, aOff, b, bOff, out, outOff);
            }} else {{
                selectSS(n, c, cOff, a, aOff, b, bOff, out, outOff);
            }}
            return;
        }}
        SCALAR.select(n, c, cOff, cStride, a, aOff, aStride, b, bOff, bStride, out, outOff, outStride);
    }}
""")
    return "".join(out)


def binary_scalar_code(t, V, S, L):
    """binaryScalar: the in-place binary op with a scalar, on the VS loops."""
    cases = "\n".join(f"                case {op} -> {m}VS(n, a, aOff, s, out, outOff);" for op, (m, _, _) in BINARY.items())
    return f"""
    @Override
    public void binaryScalar(Binary op, int n, {t}[] a, int aOff, int aStride, {t} s, {t}[] out, int outOff,
                             int outStride) {{
        if (n >= {L} && aStride == 1 && outStride == 1) {{
            switch (op) {{
{cases}
            }}
            return;
        }}
        SCALAR.binaryScalar(op, n, a, aOff, aStride, s, out, outOff, outStride);
    }}
"""


def adam_code(t, V, S, L, ams):
    """adam (ams False) or amsgrad (ams True): the dispatch and its four dense loops, one per variant."""
    op = "amsgrad" if ams else "adam"
    xs = ", x" if ams else ""
    x_param = f",\n            {t}[] vmax, int xOff, int xStride" if ams else ""
    x_args = ", vmax, xOff" if ams else ""
    x_scalar = ",\n                    vmax, xOff, xStride" if ams else ""
    x_tail = ",\n                vmax, xOff + bound, 1" if ams else ""
    x_dense = " || xStride != 1" if ams else ""
    out = [f"""
    static void {op}(AdamCoefficients c, int n, {t}[] p, int pOff, int pStride, {t}[] g, int gOff, int gStride,
            {t}[] m, int mOff, int mStride, {t}[] v, int vOff, int vStride{x_param}) {{
        if (n < {L} || pStride != 1 || gStride != 1 || mStride != 1 || vStride != 1{x_dense}) {{
            SCALAR.{op}(c, n, p, pOff, pStride, g, gOff, gStride, m, mOff, mStride, v, vOff, vStride{x_scalar});
            return;
        }}
        // NOTE: one loop per variant, chosen as the oracle chooses: no branch inside a vector loop.
        boolean decoupled = ({t}) c.decay() != 1;
        boolean l2 = c.l2() != 0;
        int bound = {S}.loopBound(n);
        if (decoupled && l2) {{
            {op}DecayL2(c, bound, p, pOff, g, gOff, m, mOff, v, vOff{x_args});
        }} else if (decoupled) {{
            {op}Decay(c, bound, p, pOff, g, gOff, m, mOff, v, vOff{x_args});
        }} else if (l2) {{
            {op}L2(c, bound, p, pOff, g, gOff, m, mOff, v, vOff{x_args});
        }} else {{
            {op}Plain(c, bound, p, pOff, g, gOff, m, mOff, v, vOff{x_args});
        }}
        SCALAR.{op}(c, n - bound, p, pOff + bound, 1, g, gOff + bound, 1, m, mOff + bound, 1, v, vOff + bound, 1{x_tail});
    }}
"""]
    for name, decay, l2 in (("Plain", False, False), ("Decay", True, False), ("L2", False, True),
                            ("DecayL2", True, True)):
        pre = ""
        body = ""
        if decay:
            pre += f"        {V} decay = {V}.broadcast({S}, ({t}) c.decay());\n"
            body += "            pv = pv.mul(decay);\n"
        if l2:
            pre += f"        {V} wd = {V}.broadcast({S}, ({t}) c.l2());\n"
            body += "            gv = gv.add(pv.mul(wd));\n"
        if ams:
            # NOTE: the denominator is the running maximum of v, stored back with v.
            second = f"            {V} xv = {V}.fromArray({S}, x, xo + i).max(vv);\n            {V} d = xv.div(c2).sqrt().add(eps);\n"
            store = "            xv.intoArray(x, xo + i);\n"
        else:
            second = f"            {V} d = vv.div(c2).sqrt().add(eps);\n"
            store = ""
        x_sig = f", {t}[] x, int xo" if ams else ""
        out.append(f"""
    /** Elements [0, n) of {{@link #{op}}} on dense runs; n a multiple of the lane count. */
    private static void {op}{name}(AdamCoefficients c, int n, {t}[] p, int po, {t}[] g, int go,
{" " * (25 + len(op) + len(name))}{t}[] m, int mo, {t}[] v, int vo{x_sig}) {{
{pre}        {V} b1 = {V}.broadcast({S}, ({t}) c.beta1());
        {V} oneMinusB1 = {V}.broadcast({S}, ({t}) (1 - c.beta1()));
        {V} b2 = {V}.broadcast({S}, ({t}) c.beta2());
        {V} oneMinusB2 = {V}.broadcast({S}, ({t}) (1 - c.beta2()));
        {V} c2 = {V}.broadcast({S}, ({t}) c.biasCorrection2());
        {V} eps = {V}.broadcast({S}, ({t}) c.eps());
        {V} alpha = {V}.broadcast({S}, ({t}) -c.stepSize());
        for (int i = 0; i < n; i += {L}) {{
            {V} pv = {V}.fromArray({S}, p, po + i);
            {V} gv = {V}.fromArray({S}, g, go + i);
{body}            {V} mv = {V}.fromArray({S}, m, mo + i).mul(b1).add(gv.mul(oneMinusB1));
            {V} vv = {V}.fromArray({S}, v, vo + i).mul(b2).add(gv.mul(gv).mul(oneMinusB2));
{second}            pv.add(mv.div(d).mul(alpha)).intoArray(p, po + i);
            mv.intoArray(m, mo + i);
            vv.intoArray(v, vo + i);
{store}        }}
    }}
""")
    return "".join(out)


def steps_code(t, V, S, L):
    """addScaled, adam and amsgrad: the optimiser step's kernels, static, for VectorElementwise to call."""
    return f"""
    static void addScaled(int n, {t} alpha, {t}[] x, int xOff, int xStride, {t}[] y, int yOff, int yStride) {{
        if (n >= {L} && yStride == 1) {{
            if (xStride == 1) {{
                addScaledVV(n, alpha, x, xOff, y, yOff);
                return;
            }}
            if (xStride == 0) {{
                // one product, rounded as every element's
                VectorElementwise.addVS(n, y, yOff, alpha * x[xOff], y, yOff);
                return;
            }}
        }}
        SCALAR.addScaled(n, alpha, x, xOff, xStride, y, yOff, yStride);
    }}

    private static void addScaledVV(int n, {t} alpha, {t}[] x, int xo, {t}[] y, int yo) {{
        {V} va = {V}.broadcast({S}, alpha);
        int i = 0;
        for (int bound = {S}.loopBound(n); i < bound; i += {L}) {{
            {V}.fromArray({S}, y, yo + i).add({V}.fromArray({S}, x, xo + i).mul(va)).intoArray(y, yo + i);
        }}
        for (; i < n; i++) {{
            y[yo + i] = y[yo + i] + alpha * x[xo + i];
        }}
    }}
""" + adam_code(t, V, S, L, False) + adam_code(t, V, S, L, True)


def delegates_code(t):
    """VectorElementwise's overrides that hand the optimiser-step kernels to VectorSteps."""
    return f"""
    @Override
    public void addScaled(int n, {t} alpha, {t}[] x, int xOff, int xStride, {t}[] y, int yOff, int yStride) {{
        VectorSteps.addScaled(n, alpha, x, xOff, xStride, y, yOff, yStride);
    }}

    @Override
    public void adam(AdamCoefficients c, int n, {t}[] p, int pOff, int pStride, {t}[] g, int gOff, int gStride,
                     {t}[] m, int mOff, int mStride, {t}[] v, int vOff, int vStride) {{
        VectorSteps.adam(c, n, p, pOff, pStride, g, gOff, gStride, m, mOff, mStride, v, vOff, vStride);
    }}

    @Override
    public void amsgrad(AdamCoefficients c, int n, {t}[] p, int pOff, int pStride, {t}[] g, int gOff, int gStride,
                        {t}[] m, int mOff, int mStride, {t}[] v, int vOff, int vStride, {t}[] vmax, int xOff,
                        int xStride) {{
        VectorSteps.amsgrad(c, n, p, pOff, pStride, g, gOff, gStride, m, mOff, mStride, v, vOff, vStride, vmax, xOff,
                xStride);
    }}
"""


HEADER = '''package org.bitspike.tensor.kernel.vector;

// GENERATED by tensor/codegen/vector_elementwise.py: edit that script, not this file.

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.bitspike.tensor.kernel.ElementwiseKernels;
import org.bitspike.tensor.kernel.KernelProvider;

/**
 * Elementwise kernels on the Vector API: {@link FloatVector#SPECIES_PREFERRED} loops for the runs
 * where every stride is 1, or one input's is 0 (a scalar, or one channel's value over a plane); any
 * other run, and runs shorter than a vector, go to the scalar oracle. Every op is lane-wise IEEE
 * arithmetic, so results are the oracle's bit for bit. The optimiser step's kernels (addScaled, adam,
 * amsgrad) are {@link VectorSteps}'s, and comparisons {@link VectorCompare}'s.
 */
final class VectorElementwise implements ElementwiseKernels {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int FL = F.length();
    /**
     * NOTE: 256-bit doubles, as in VectorReductions, not the preferred width: with Double256 and
     * Double512 both in use, C2 compiled the reductions' loops with boxed vectors after the shared
     * API code had seen both classes (a column sum went from 10 us to 650 us).
     */
    static final VectorSpecies<Double> D = DoubleVector.SPECIES_256;
    static final int DL = D.length();
    static final ElementwiseKernels SCALAR = KernelProvider.scalar().elementwise();
'''

UNARY = '''
    @Override
    public void unary(Unary op, int n, float[] a, int aOff, int aStride, float[] out, int outOff, int outStride) {
        // NOTE: exp, log, tanh and sigmoid stay on the oracle's Math (see ElementwiseKernels.Unary).
        boolean math = op == Unary.EXP || op == Unary.LOG || op == Unary.TANH || op == Unary.SIGMOID;
        if (n < FL || outStride != 1 || aStride != 1 || math) {
            SCALAR.unary(op, n, a, aOff, aStride, out, outOff, outStride);
            return;
        }
        int bound = F.loopBound(n);
        switch (op) {
            case NEG -> {
                for (int i = 0; i < bound; i += FL) {
                    FloatVector.fromArray(F, a, aOff + i).neg().intoArray(out, outOff + i);
                }
            }
            case ABS -> {
                for (int i = 0; i < bound; i += FL) {
                    FloatVector.fromArray(F, a, aOff + i).abs().intoArray(out, outOff + i);
                }
            }
            case RELU -> {
                // NOTE: max(x, +0) is the oracle's relu exactly: NaN stays NaN, -0 becomes +0.
                FloatVector zero = FloatVector.zero(F);
                for (int i = 0; i < bound; i += FL) {
                    FloatVector.fromArray(F, a, aOff + i).max(zero).intoArray(out, outOff + i);
                }
            }
            case SQRT -> {
                for (int i = 0; i < bound; i += FL) {
                    FloatVector.fromArray(F, a, aOff + i).sqrt().intoArray(out, outOff + i);
                }
            }
            case RECIPROCAL -> {
                // NOTE: float 1 / x equals the oracle's (float) (1.0 / x): double rounding is innocuous
                // for a quotient (53 >= 2 * 24 + 2 bits).
                FloatVector one = FloatVector.broadcast(F, 1f);
                for (int i = 0; i < bound; i += FL) {
                    one.div(FloatVector.fromArray(F, a, aOff + i)).intoArray(out, outOff + i);
                }
            }
            default -> throw new AssertionError(op);
        }
        SCALAR.unary(op, n - bound, a, aOff + bound, 1, out, outOff + bound, 1);
    }

    @Override
    public void boolToFloat(int n, boolean[] src, int srcOff, int srcStride, float[] out, int outOff, int outStride) {
        if (n < FL || srcStride != 1 || outStride != 1) {
            SCALAR.boolToFloat(n, src, srcOff, srcStride, out, outOff, outStride);
            return;
        }
        // NOTE: a blend, no branch: the scalar loop mispredicts on random masks (0.26 against
        // 15 G elements/s measured on [784, 512]).
        FloatVector zero = FloatVector.zero(F);
        FloatVector one = FloatVector.broadcast(F, 1f);
        int bound = F.loopBound(n);
        for (int i = 0; i < bound; i += FL) {
            zero.blend(one, VectorMask.fromArray(F, src, srcOff + i)).intoArray(out, outOff + i);
        }
        SCALAR.boolToFloat(n - bound, src, srcOff + bound, 1, out, outOff + bound, 1);
    }

    @Override
    public void floatToBool(int n, float[] src, int srcOff, int srcStride, boolean[] out, int outOff, int outStride) {
        if (n < FL || srcStride != 1 || outStride != 1) {
            SCALAR.floatToBool(n, src, srcOff, srcStride, out, outOff, outStride);
            return;
        }
        int bound = F.loopBound(n);
        for (int i = 0; i < bound; i += FL) {
            FloatVector.fromArray(F, src, srcOff + i).compare(VectorOperators.NE, 0f).intoArray(out, outOff + i);
        }
        SCALAR.floatToBool(n - bound, src, srcOff + bound, 1, out, outOff + bound, 1);
    }
'''


STEPS_HEADER = """package org.bitspike.tensor.kernel.vector;

// GENERATED by tensor/codegen/vector_elementwise.py: edit that script, not this file.

import static org.bitspike.tensor.kernel.vector.VectorElementwise.D;
import static org.bitspike.tensor.kernel.vector.VectorElementwise.DL;
import static org.bitspike.tensor.kernel.vector.VectorElementwise.F;
import static org.bitspike.tensor.kernel.vector.VectorElementwise.FL;
import static org.bitspike.tensor.kernel.vector.VectorElementwise.SCALAR;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import org.bitspike.tensor.kernel.ElementwiseKernels.AdamCoefficients;

/**
 * The optimiser step's kernels of {@link VectorElementwise} (addScaled, adam, amsgrad), on its
 * species: vector loops for the runs whose every stride is 1 (addScaled: or x's is 0), the scalar
 * oracle for the rest and for the tail, bit for bit the oracle's.
 *
 * <p>NOTE: adam and amsgrad have a loop per variant (decoupled decay, L2 term, both, neither), chosen
 * outside the loop as the oracle chooses; amsgrad's are adam's with the maximum against vmax in the
 * denominator. One small method per loop: C2 keeps a short loop's vectors in registers, and a warm
 * step allocates nothing ({@code StepAllocationTest}).
 */
final class VectorSteps {
    private VectorSteps() {
    }
"""

COMPARE_HEADER = """package org.bitspike.tensor.kernel.vector;

// GENERATED by tensor/codegen/vector_elementwise.py: edit that script, not this file.

import static org.bitspike.tensor.kernel.vector.VectorElementwise.D;
import static org.bitspike.tensor.kernel.vector.VectorElementwise.DL;
import static org.bitspike.tensor.kernel.vector.VectorElementwise.F;
import static org.bitspike.tensor.kernel.vector.VectorElementwise.FL;
import static org.bitspike.tensor.kernel.vector.VectorElementwise.SCALAR;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import org.bitspike.tensor.kernel.ElementwiseKernels.Compare;

/** The comparisons of {@link VectorElementwise}, on its species: one loop per (op, dtype, run shape). */
final class VectorCompare {
    private VectorCompare() {
    }
"""


def write(name, parts):
    with open(os.path.join(PACKAGE, name + ".java"), "w") as f:
        f.write("".join(parts))


def compare_delegate(t):
    return f"""
    @Override
    public void compare(Compare op, int n, {t}[] a, int aOff, int aStride, {t}[] b, int bOff, int bStride,
                        boolean[] out, int outOff, int outStride) {{
        VectorCompare.compare(op, n, a, aOff, aStride, b, bOff, bStride, out, outOff, outStride);
    }}
"""


def main():
    parts = [HEADER]
    steps = [STEPS_HEADER]
    compares = [COMPARE_HEADER]
    for t, V, S, L, box in TYPES:
        parts.append(f"\n    // ---------------------------------------------------------------- {t}: binary\n")
        parts.append(binary_dispatch(t, V, S, L))
        parts.append(binary_loops(t, V, S, L))
        parts.append(binary_scalar_code(t, V, S, L))
        parts.append(f"\n    // ---------------------------------------------------------------- {t}: select\n")
        parts.append(select_code(t, V, S, L, box))
        parts.append(f"\n    // ---------------------------------------------------------------- {t}: delegated\n")
        parts.append(compare_delegate(t))
        parts.append(delegates_code(t))
        steps.append(f"\n    // ---------------------------------------------------------------- {t}\n")
        steps.append(steps_code(t, V, S, L))
        compares.append(f"\n    // ---------------------------------------------------------------- {t}\n")
        compares.append(compare_code(t, V, S, L))
    parts.append("\n    // ---------------------------------------------------------------- float: unary, conversions\n")
    parts.append(UNARY)
    parts.append("}\n")
    steps.append("}\n")
    compares.append("}\n")
    write("VectorElementwise", parts)
    write("VectorSteps", steps)
    write("VectorCompare", compares)


if __name__ == "__main__":
    main()
