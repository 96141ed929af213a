"""Markdown tables for bench/README.md from one session's outputs: Unfold's JMH JSON beside the peers.

    python3 bench/peers/report.py --jmh jmh.json --torch torch.json --shapes shapes.txt [--dl4j dl4j.txt]

--jmh     java -jar bench/target/benchmarks.jar -prof gc -rf json -rff jmh.json
--torch   OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 ../shared/bench/torch_rnn_bench.py --json torch.json
--shapes  OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 bench/peers/torch_rnn_matmul_shapes.py > shapes.txt
--dl4j    ../shared/bench/dl4j/run_all.sh dl4j.txt OMP_WAIT_POLICY=PASSIVE OPENBLAS_CORETYPE=SkylakeX

Ratios are Unfold's time over the peer's (below 1: Unfold is faster) and, for products, Unfold's
GFLOP/s over the peer's. Standard library only.
"""
import argparse
import json
import re

STD = dict(batch=32, steps=50)
RNN_FLOP = 2 * 32 * 320 * 1024


def jmh_rows(path):
    rows = {}
    for r in json.load(open(path)):
        name = r["benchmark"].rsplit(".", 2)[-2:]
        params = r.get("params", {})
        alloc = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score")
        rows[(".".join(name),) + tuple(sorted(params.items()))] = (
            r["primaryMetric"]["score"], r["primaryMetric"]["scoreError"], alloc)
    return rows


def get(rows, bench, **params):
    return rows.get((bench,) + tuple(sorted((k, str(v)) for k, v in params.items())))


def torch_train(path):
    out = {}
    for r in json.load(open(path))["results"]:
        if r["section"] == "train":
            config = "std" if r["batch"] == 32 else "small"
            out[(r["impl"], r["kind"], config, r["dtype"])] = r["ms_median"]
        elif r["section"] == "matmul":
            out[("matmul", r["n"], r["dtype"])] = r["gflops_median"]
    return out


def shapes(path):
    out = {}
    for line in open(path):
        m = re.match(r"rnn (\w+) (float\d+)\s+median\s+[\d.]+ ms\s+([\d.]+) GFLOP/s", line.strip())
        if m:
            out[(m.group(1), m.group(2))] = float(m.group(3))
    return out


def dl4j(path):
    out = {}
    if not path:
        return out
    for line in open(path):
        m = re.search(r"RESULT dl4j (\w+) (float|double) B=(\d+) .*median_ms=([\d.]+)", line)
        if m:
            config = "std" if m.group(3) == "32" else "small"
            out[(m.group(1), config, "float32" if m.group(2) == "float" else "float64")] = float(m.group(4))
    return out


def ratio(a, b):
    return f"{a / b:.2f}" if a is not None and b else "—"


def ms(x):
    return "—" if x is None else (f"{x:.2f} ms" if x < 10 else f"{x:.1f} ms")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jmh", required=True)
    ap.add_argument("--torch", required=True)
    ap.add_argument("--shapes", required=True)
    ap.add_argument("--dl4j")
    a = ap.parse_args()
    rows, torch, shp, dj = jmh_rows(a.jmh), torch_train(a.torch), shapes(a.shapes), dl4j(a.dl4j)

    print("| config | dtype | Unfold step | Unfold forward only | PyTorch fused | PyTorch unrolled | DL4J | "
          "Unfold ÷ fused | Unfold ÷ unrolled | Unfold ÷ DL4J | allocated per step |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for config in ("std", "small"):
        for cell in ("rnn", "gru", "lstm"):
            for dtype in ("float32", "float64"):
                step = get(rows, "TrainingStepBench.step", cell=cell, config=config, dtype=dtype)
                fwd = get(rows, "TrainingStepBench.baseline", cell=cell, config=config, dtype=dtype)
                if step is None:
                    continue
                fused = torch.get(("fused", cell, config, dtype))
                unrolled = torch.get(("unrolled", cell, config, dtype))
                d = dj.get((cell, config, dtype))
                print(f"| {config} {cell} | {dtype} | {step[0]:.2f} ± {step[1]:.2f} ms | {ms(fwd[0] if fwd else None)} | "
                      f"{ms(fused)} | {ms(unrolled)} | {ms(d)} | {ratio(step[0], fused)} | {ratio(step[0], unrolled)} | "
                      f"{ratio(step[0], d)} | {step[2] / 1e6:.1f} MB |")

    print()
    print("| product | dtype | Unfold GFLOP/s | PyTorch GFLOP/s | Unfold ÷ PyTorch |")
    print("|---|---|---|---|---|")
    for n in (64, 256, 1024):
        for dtype in ("float32", "float64"):
            r = get(rows, "MatMulBench.square", n=n, dtype=dtype)
            if r is None:
                continue
            g = r[0] * 2 * n ** 3 / 1e9
            peer = torch.get(("matmul", n, dtype))
            print(f"| square n = {n} | {dtype} | {g:.1f} | {peer and f'{peer:.1f}' or '—'} | {ratio(g, peer)} |")
    for product in ("forward", "gradInput", "gradWeight"):
        for dtype in ("float32", "float64"):
            r = get(rows, "MatMulBench.rnn", product=product, dtype=dtype)
            if r is None:
                continue
            g = r[0] * RNN_FLOP / 1e9
            peer = shp.get((product, dtype))
            print(f"| rnn {product} | {dtype} | {g:.1f} | {peer and f'{peer:.1f}' or '—'} | {ratio(g, peer)} |")

    print()
    print("| cell, hidden | step | baseline | step ÷ baseline | allocated per step |")
    print("|---|---|---|---|---|")
    for cell in ("gru", "lstm"):
        for hidden in (64, 256, 1024):
            s = get(rows, "CellStepBench.step", cell=cell, hidden=hidden)
            b = get(rows, "CellStepBench.baseline", cell=cell, hidden=hidden)
            if s and b:
                print(f"| {cell} {hidden} | {s[0]:.1f} ± {s[1]:.1f} µs | {b[0]:.1f} µs | {s[0] / b[0]:.1f} | {s[2] / 1e6:.2f} MB |")

    print()
    print("| benchmark | time per node | allocated per node |")
    print("|---|---|---|")
    for b in ("baseline", "record", "recordAndBackward"):
        r = get(rows, "NodeOverheadBench." + b)
        if r:
            print(f"| `{b}` | {r[0]:.1f} ± {r[1]:.1f} ns | {r[2]:.0f} B |")


if __name__ == "__main__":
    main()
