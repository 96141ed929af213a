"""torch.mm on the shapes of MatMulBench.rnn, 2 threads: the peer for Unfold's RNN-layer products.

A layer with batch 32, input + hidden 320 and four gates of 256: forward x[32x320] @ w[320x1024],
its input gradient dz[32x1024] @ w.T and its weight gradient x.T @ dz (2*32*320*1024 flop each).
Timing as in shared/bench/torch_rnn_bench.py's matmul section (median of 30 samples).

    OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 bench/peers/torch_rnn_matmul_shapes.py
"""
import statistics, sys, time, torch
torch.set_num_threads(2)
def bench(name, f, flop, iters=30):
    for _ in range(5): f()
    reps = max(1, int(2e8 // flop))
    ts = []
    for _ in range(iters):
        t0 = time.perf_counter()
        for _ in range(reps): f()
        ts.append((time.perf_counter() - t0) / reps)
    med = statistics.median(ts)
    print(f"{name:28s} median {med*1e3:8.4f} ms  {flop/med/1e9:7.1f} GFLOP/s", flush=True)
for dt in (torch.float64, torch.float32):
    torch.manual_seed(0)
    x = torch.randn(32, 320, dtype=dt); w = torch.randn(320, 1024, dtype=dt); dz = torch.randn(32, 1024, dtype=dt)
    flop = 2 * 32 * 320 * 1024
    d = str(dt).replace("torch.", "")
    bench(f"rnn forward {d}", lambda: torch.mm(x, w), flop)
    bench(f"rnn gradInput {d}", lambda: torch.mm(dz, w.t()), flop)
    bench(f"rnn gradWeight {d}", lambda: torch.mm(x.t(), dz), flop)
