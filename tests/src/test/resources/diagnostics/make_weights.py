"""Writes the weights files that the annotated diagnostics tests load. Rerun from this folder: python3 make_weights.py"""
import io
import zipfile

import numpy as np

rng = np.random.default_rng(0)
w = rng.standard_normal((2, 4)).astype(np.float32)
b = np.zeros(2, dtype=np.float32)
np.savez("tiny.npz", w=w, b=b, wrong=np.zeros((4, 2), np.float32))

bad = w.copy()
bad[1, 2] = np.nan
np.savez("nonfinite.npz", w=bad, b=np.array([np.inf, 0.0], np.float32))

np.savez("complex.npz", w=w.astype(np.complex64), b=b)

# A valid archive whose w.npy entry lost the second half of its data.
buffer = io.BytesIO()
np.save(buffer, w)
whole = buffer.getvalue()
with zipfile.ZipFile("truncated.npz", "w") as archive:
    archive.writestr("w.npy", whole[: len(whole) - 16])
    bias = io.BytesIO()
    np.save(bias, b)
    archive.writestr("b.npy", bias.getvalue())

with open("garbage.npz", "wb") as f:
    f.write(b"this is not a zip archive, just text pretending to be weights\n")
