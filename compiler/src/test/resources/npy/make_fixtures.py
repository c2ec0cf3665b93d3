#!/usr/bin/env python3
"""Generates the NumPy fixtures that NpyReaderTest, NpzReaderTest and NpyWriterTest read.

Rerun from the repository root after changing it (needs numpy), then commit the changed files:

    python3 compiler/src/test/resources/npy/make_fixtures.py

Outputs, all in this folder:
  read/*.npy, read/*.npz   arrays written by numpy for the reader tests
  written/*.npy            what np.save writes for the arrays the writer tests build
  expected.json            for every fixture: the dtype, shape and values (C order), so the Java tests compare
                           against an expectation that does not come from the reader under test; and for a list of
                           shapes the exact .npy 1.0 header numpy writes
"""
import io
import json
import math
import os
import zipfile

import numpy as np
import numpy.lib.format as fmt

HERE = os.path.dirname(os.path.abspath(__file__))
READ = os.path.join(HERE, "read")
WRITTEN = os.path.join(HERE, "written")


def values_of(a):
    """The values in C order as JSON-friendly Python numbers (NaN and infinities as json's NaN/Infinity)."""
    flat = np.ascontiguousarray(a).reshape(-1)
    if a.dtype.kind == "f":
        return [float(v) for v in flat]
    if a.dtype.kind == "b":
        return [1 if v else 0 for v in flat]
    return [int(v) for v in flat]


def describe(a):
    return {"dtype": a.dtype.str[1:], "shape": list(a.shape), "values": values_of(a)}


def sample(dtype, shape):
    """Distinct, exactly representable values including the type's extremes."""
    n = int(np.prod(shape, dtype=np.int64))
    dt = np.dtype(dtype)
    if dt.kind == "f":
        special = [0.0, -0.0, 1.5, -2.25, np.inf, -np.inf, np.nan, float(np.finfo(dt).max),
                   float(np.finfo(dt).smallest_subnormal), 0.1]
        base = [special[i] if i < len(special) else (i * 0.37 - 3.0) for i in range(n)]
        return np.array(base, dtype=dt).reshape(shape)
    if dt.kind == "b":
        return (np.arange(n) % 3 == 0).reshape(shape).astype(dt)
    info = np.iinfo(dt)
    extremes = [info.min, info.max, 0, -1 if info.min < 0 else 1]
    base = [extremes[i] if i < len(extremes) else (i * 7 - 20) % 100 for i in range(n)]
    return np.array(base, dtype=dt).reshape(shape)


def main():
    os.makedirs(READ, exist_ok=True)
    os.makedirs(WRITTEN, exist_ok=True)
    expected = {"read": {}, "written": {}, "headers": []}

    def save(name, a, **kwargs):
        path = os.path.join(READ, name)
        with open(path, "wb") as f:
            fmt.write_array(f, a, **kwargs)
        expected["read"][name] = describe(a)

    # Every dtype in both byte orders (single-byte types have none), C order.
    for code in ["f2", "f4", "f8", "u2", "i2", "u4", "i4", "u8", "i8"]:
        for order, tag in [("<", "le"), (">", "be")]:
            save(f"{code}_{tag}.npy", sample(order + code, (2, 5)))
    for code in ["u1", "i1", "b1"]:
        save(f"{code}.npy", sample("|" + code, (3, 4)))
    # Fortran order, rank 2 and 3.
    save("f4_le_fortran_rank2.npy", np.asfortranarray(sample("<f4", (3, 4))))
    save("f8_be_fortran_rank3.npy", np.asfortranarray(sample(">f8", (2, 3, 4))))
    save("i4_le_fortran_rank3.npy", np.asfortranarray(sample("<i4", (4, 1, 3))))
    # Format versions 2.0 and 3.0.
    save("f4_v2.npy", sample("<f4", (2, 2)), version=(2, 0))
    save("i8_be_v3_fortran.npy", np.asfortranarray(sample(">i8", (2, 3))), version=(3, 0))
    # A scalar, a vector and an empty array.
    save("scalar.npy", np.array(3.5, dtype="<f8"))
    save("vector.npy", np.arange(5, dtype="<i4"))
    save("empty.npy", np.zeros((0, 3), dtype="<f4"))

    # Archives: stored and deflated, keys in a deliberately unsorted order.
    arrays = {"conv1.weight": sample("<f4", (2, 1, 3, 3)), "conv1.bias": sample("<f4", (2,)),
              "fc.weight": np.asfortranarray(sample(">f8", (3, 2))), "a_scalar": np.array(7, dtype="<i8")}
    np.savez(os.path.join(READ, "stored.npz"), **arrays)
    np.savez_compressed(os.path.join(READ, "deflated.npz"), **arrays)
    for name in ["stored.npz", "deflated.npz"]:
        with zipfile.ZipFile(os.path.join(READ, name)) as z:
            order = [info.filename[:-len(".npy")] for info in z.infolist()]
        expected["read"][name] = {"entries": {key: describe(arrays[key]) for key in order}, "order": order}

    # What np.save writes for arrays the writer tests build from these descriptions.
    written = {
        "f4_2x3.npy": np.array([[1.0, -2.5, 3.25], [0.0, -0.0, 1e-3]], dtype="<f4"),
        "f8_vector.npy": np.array([0.1, 1.0 / 3.0, -7.0], dtype="<f8"),
        "f8_scalar.npy": np.array(2.5, dtype="<f8"),
        "i8_rank3.npy": np.arange(-6, 6, dtype="<i8").reshape(2, 3, 2),
        "i4_vector.npy": np.array([-(2 ** 31), 2 ** 31 - 1, 0], dtype="<i4"),
        "u1_2x2.npy": np.array([[0, 255], [17, 128]], dtype="|u1"),
        "i1_vector.npy": np.array([-128, 127, 0], dtype="|i1"),
        "b1_vector.npy": np.array([True, False, True], dtype="|b1"),
        "f4_empty.npy": np.zeros((0, 4), dtype="<f4"),
    }
    for name, a in written.items():
        np.save(os.path.join(WRITTEN, name), a)
        expected["written"][name] = describe(a)

    # The exact .npy 1.0 header numpy writes for a C-order array, for shapes without data.
    for descr, shape in [("<f4", ()), ("<f8", (1,)), ("|u1", (2147483647,)), ("<i8", (0, 2147483647)),
                         ("|b1", (1, 2, 3, 4, 5, 6, 7, 8)), ("<i4", (12345678, 0, 99)),
                         ("<f4", tuple([1] * 20))]:
        buf = io.BytesIO()
        fmt.write_array_header_1_0(buf, {"descr": descr, "fortran_order": False, "shape": shape})
        expected["headers"].append({"descr": descr, "shape": list(shape), "header": buf.getvalue().decode("latin1")})

    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=False, allow_nan=True)
        f.write("\n")


if __name__ == "__main__":
    main()
