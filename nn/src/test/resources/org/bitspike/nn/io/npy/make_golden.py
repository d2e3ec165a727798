#!/usr/bin/env python3
"""Regenerates the .npy golden files next to this script with NumPy (run once, commit the output).

The files were made with NumPy 1.24.2 (Debian 12 python3-numpy). NpyGoldenTest reads every one of
them and, for the C-order little-endian files of a dtype bitspike has, checks that Npy.write
produces the same bytes. Usage: python3 make_golden.py  (writes into this directory)
"""
import os

import numpy as np
from numpy.lib import format as npf

HERE = os.path.dirname(os.path.abspath(__file__))


def save(name, array, version=None):
    path = os.path.join(HERE, name)
    with open(path, "wb") as f:
        npf.write_array(f, array, version=version, allow_pickle=False)


def main():
    # bitspike dtypes, C order, format 1.0: Npy.write must reproduce these bytes exactly
    save("f4_2x3.npy", np.array([[-1.5, -0.0, 3.25], [np.inf, -np.inf, np.nan]], dtype="<f4"))
    save("f8_scalar.npy", np.array(3.141592653589793, dtype="<f8"))
    save("i4_4.npy", np.array([-2**31, -1, 0, 2**31 - 1], dtype="<i4"))
    save("i8_2x2x1.npy", np.array([[[-2**63], [1]], [[2**53 + 1], [2**63 - 1]]], dtype="<i8"))
    save("b1_5.npy", np.array([True, False, False, True, True]))
    save("f4_0x3.npy", np.zeros((0, 3), dtype="<f4"))
    save("f8_1x1x1x1x7.npy", np.arange(7, dtype="<f8").reshape(1, 1, 1, 1, 7) / 8)
    # read-only variants
    save("f4_fortran_2x3.npy", np.asfortranarray(np.arange(6, dtype="<f4").reshape(2, 3)))
    save("f8_v2_3.npy", np.array([1.0, 2.0, 3.0], dtype="<f8"), version=(2, 0))
    save("f8_bigendian_2x2.npy", np.array([[1.0, -2.0], [0.25, 1e300]], dtype=">f8"))
    save("i4_bigendian_3.npy", np.array([1, -2, 2**31 - 1], dtype=">i4"))
    save("u1_3.npy", np.array([0, 128, 255], dtype="u1"))
    save("i1_3.npy", np.array([-128, -1, 127], dtype="i1"))
    save("i2_3.npy", np.array([-32768, -1, 32767], dtype="<i2"))
    save("u2_2.npy", np.array([0, 65535], dtype="<u2"))
    save("u4_2.npy", np.array([0, 2**32 - 1], dtype="<u4"))
    save("f2_5.npy", np.array([1.0, -2.0, 65504.0, 2.0**-24, np.inf], dtype="<f2"))
    # unsupported: must be refused with a clear message
    save("u8_2.npy", np.array([0, 2**64 - 1], dtype="<u8"))
    save("c8_1.npy", np.array([1 + 2j], dtype="<c8"))


if __name__ == "__main__":
    main()
