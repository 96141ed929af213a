#!/usr/bin/python3
"""Check a safetensors file against expected values, parsing the format by hand.

Usage: check_checkpoint.py FILE EXPECTED.json

EXPECTED.json maps each tensor name to {"shape": [...], "data": [...]}, with "data" the
elements in row-major order as a flat list (one element for shape []); non-finite values may
be written NaN, Infinity, -Infinity, bare or as strings. An optional "__metadata__" entry
({str: str}) must equal the file's metadata.

The file must hold exactly the expected tensors. F64 and F32 values must match with zero
tolerance: bit for bit after widening F32 to float64, so -0.0 differs from 0.0, while any NaN
matches any NaN. Other dtypes are reported as unsupported.

This is an independent check of Unfold's writer, so it needs only Python 3 and numpy (Debian's
python3-numpy; the safetensors package is not used): the header is parsed with struct and json
and the data read with numpy.frombuffer.

Exit status: 0 when everything matches, 1 on a mismatch, 2 on bad usage or a malformed file.
"""
import json
import math
import struct
import sys

import numpy as np

MAX_HEADER = 100_000_000  # the reference implementation's limit
NUMPY_TYPES = {"F64": "<f8", "F32": "<f4"}
NON_FINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


class Malformed(Exception):
    """The file is not a well-formed safetensors file (exit 2)."""


class Mismatch(Exception):
    """The file is well-formed but differs from the expectation (exit 1)."""


def parse(raw):
    """Returns (metadata, {name: (dtype, shape, bytes)}) after checking the layout."""
    if len(raw) < 8:
        raise Malformed(f"file is {len(raw)} bytes, too short for the 8-byte header length")
    (n,) = struct.unpack("<Q", raw[:8])
    if n > MAX_HEADER or n > len(raw) - 8:
        raise Malformed(f"header length {n} does not fit the {len(raw)}-byte file")
    try:
        header = json.loads(raw[8:8 + n].decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise Malformed(f"header is not UTF-8 JSON: {e}") from e
    if not isinstance(header, dict):
        raise Malformed("header is not a JSON object")
    metadata = header.pop("__metadata__", {})
    data = raw[8 + n:]
    spans = []
    tensors = {}
    for name, entry in header.items():
        try:
            dtype, shape, (begin, end) = entry["dtype"], entry["shape"], entry["data_offsets"]
        except (TypeError, KeyError, ValueError) as e:
            raise Malformed(f"tensor {name!r}: bad entry {entry!r}") from e
        if not (isinstance(shape, list) and all(isinstance(d, int) and d >= 0 for d in shape)):
            raise Malformed(f"tensor {name!r}: bad shape {shape!r}")
        if not (isinstance(begin, int) and isinstance(end, int) and 0 <= begin <= end <= len(data)):
            raise Malformed(f"tensor {name!r}: data_offsets [{begin}, {end}] outside the {len(data)}-byte data")
        spans.append((begin, end, name))
        tensors[name] = (dtype, shape, data[begin:end])
    at = 0
    for begin, end, name in sorted(spans):
        if begin != at:
            raise Malformed(f"tensor {name!r} starts at data byte {begin}, expected {at} (gap or overlap)")
        at = end
    if at != len(data):
        raise Malformed(f"{len(data) - at} trailing bytes after the last tensor")
    return metadata, tensors


def expected_array(name, spec):
    try:
        shape, data = spec["shape"], spec["data"]
        values = [NON_FINITE[v] if isinstance(v, str) else float(v) for v in data]
    except (TypeError, KeyError, ValueError) as e:
        raise ValueError(f"expected entry for {name!r} needs \"shape\" and numeric \"data\": {e}") from e
    expected = np.array(values, dtype=np.float64)
    if expected.size != math.prod(shape):
        raise ValueError(f"expected entry for {name!r}: {expected.size} values for shape {shape}")
    return shape, expected


def compare(name, dtype, shape, blob, spec):
    want_shape, want = expected_array(name, spec)
    if dtype not in NUMPY_TYPES:
        raise Mismatch(f"tensor {name!r}: dtype {dtype} is not supported by this checker (F64, F32)")
    if shape != want_shape:
        raise Mismatch(f"tensor {name!r}: shape {shape}, expected {want_shape}")
    got = np.frombuffer(blob, dtype=NUMPY_TYPES[dtype]).astype(np.float64)
    if got.size != want.size:
        raise Malformed(f"tensor {name!r}: {len(blob)} bytes of {dtype} for shape {shape}")
    same = (got.view(np.uint64) == want.view(np.uint64)) | (np.isnan(got) & np.isnan(want))
    if not same.all():
        bad = np.flatnonzero(~same)
        i = int(bad[0])
        where = np.unravel_index(i, shape) if shape else ()
        raise Mismatch(f"tensor {name!r}: {bad.size} of {got.size} elements differ; first at flat index {i} "
                       f"{tuple(int(k) for k in where)}: got {got[i]!r}, expected {want[i]!r}")


def check(path, expected_path):
    with open(path, "rb") as f:
        metadata, tensors = parse(f.read())
    with open(expected_path, encoding="utf-8") as f:
        expected = json.load(f)
    want_metadata = expected.pop("__metadata__", None)
    if want_metadata is not None and metadata != want_metadata:
        raise Mismatch(f"metadata {metadata!r}, expected {want_metadata!r}")
    missing = sorted(set(expected) - set(tensors))
    extra = sorted(set(tensors) - set(expected))
    if missing or extra:
        raise Mismatch(f"tensor names differ: missing {missing}, unexpected {extra}")
    for name, (dtype, shape, blob) in tensors.items():
        compare(name, dtype, shape, blob, expected[name])
    return len(tensors)


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    path, expected_path = argv[1], argv[2]
    try:
        count = check(path, expected_path)
    except Mismatch as e:
        print(f"{path}: MISMATCH: {e}", file=sys.stderr)
        return 1
    except (Malformed, ValueError, OSError) as e:
        print(f"{path}: ERROR: {e}", file=sys.stderr)
        return 2
    print(f"{path}: OK, {count} tensors match {expected_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
