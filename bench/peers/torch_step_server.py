"""PyTorch's training step (or one matrix product), timed in windows on request, for Unfold's PeerComparison.

The model and the step are those of shared/bench/torch_rnn_bench.py (its Model class is imported
from the folder given by --shared; the step below is its bench_train's): a recurrent layer, a
linear head on every step, cross-entropy, backward, an SGD update. PeerComparison starts this
script, and the two sides then take turns on the machine, so that their ratio comes from the same
minutes (this machine's speed changes by up to 2x from minute to minute).

With the cell "matmul", the config is a product N,K,M,TRANS_A,TRANS_B (the last two 1 or 0) and
each "step" is one torch.mm(op(A), op(B)) of normal operands, op(A) [N×K] and op(B) [K×M], a
transposed operand being the .t() view of a stored [K×N] or [M×K] tensor as Unfold's is.

Protocol, one line each way: after its warm-up the script prints "ready"; each "run MS" runs
whole steps for at least MS milliseconds and answers "steps N median_ms M"; "quit" (or the end
of input) ends it. Run by hand, for example:

    OPENBLAS_CORETYPE=Zen /usr/bin/python3 bench/peers/torch_step_server.py rnn std float32
    OPENBLAS_CORETYPE=Zen /usr/bin/python3 bench/peers/torch_step_server.py matmul 256,1600,1024,1,0 float32
"""

import argparse
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F

CONFIGS = {
    # batch, steps, input, hidden, classes, one-hot inputs
    "std": (32, 50, 64, 256, 64, False),
    "small": (1, 25, 65, 100, 65, True),
    # not in the table: products of 1-4 MFLOP per step, between the other two
    "mid": (16, 50, 64, 128, 64, False),
}


def product(config, dtype):
    """One torch.mm of the shape "N,K,M,TRANS_A,TRANS_B", a transposed operand as a .t() view."""
    try:
        n, k, m, ta, tb = (int(v) for v in config.split(","))
    except ValueError:
        sys.exit(f"matmul: expected N,K,M,TRANS_A,TRANS_B (integers, the last two 1 or 0), got {config!r}")
    if min(n, k, m) < 1 or ta not in (0, 1) or tb not in (0, 1):
        sys.exit(f"matmul: sizes must be positive and the transposes 1 or 0, got {config!r}")
    a = torch.randn(k, n, dtype=dtype).t() if ta else torch.randn(n, k, dtype=dtype)
    b = torch.randn(m, k, dtype=dtype).t() if tb else torch.randn(k, m, dtype=dtype)

    def step():
        torch.mm(a, b)

    return step


def training_step(args, dtype):
    """The training step of shared/bench/torch_rnn_bench.py for a cell and a config."""
    if args.config not in CONFIGS:
        sys.exit(f"config must be one of {sorted(CONFIGS)}, got {args.config!r}")
    sys.path.insert(0, os.path.abspath(args.shared))
    import torch_rnn_bench as peer  # noqa: E402 (the folder is only known now)

    batch, seq, inp, hid, ncls, onehot = CONFIGS[args.config]
    model = peer.Model(args.cell, args.impl, inp, hid, ncls).to(dtype)
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    if onehot:
        x = F.one_hot(torch.randint(0, inp, (seq, batch)), inp).to(dtype)
    else:
        x = torch.randn(seq, batch, inp, dtype=dtype)
    y = torch.randint(0, ncls, (seq, batch))

    def step():
        opt.zero_grad(set_to_none=True)
        logits = model(x)
        loss = F.cross_entropy(logits.reshape(seq * batch, ncls), y.reshape(-1))
        loss.backward()
        opt.step()

    return step


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("cell", choices=["rnn", "gru", "lstm", "matmul"])
    ap.add_argument("config", help="std, small or mid; for matmul N,K,M,TRANS_A,TRANS_B")
    ap.add_argument("dtype", choices=["float32", "float64"])
    ap.add_argument("--impl", choices=["fused", "unrolled"], default="fused")
    ap.add_argument("--shared", default=os.path.join(here, "..", "..", "..", "shared", "bench"))
    ap.add_argument("--warmup-seconds", type=float, default=10.0)
    ap.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)),
                    help="intra-op threads (default: the CPUs this process may use)")
    args = ap.parse_args()
    dtype = getattr(torch, args.dtype)
    torch.manual_seed(0)
    step = product(args.config, dtype) if args.cell == "matmul" else training_step(args, dtype)
    # NOTE: after training_step, whose import of torch_rnn_bench sets its own count. PyTorch's default
    # follows its CPU topology probe, which on this VM has read one core as often as two.
    torch.set_num_threads(args.threads)

    blas = sorted({ln.split()[-1] for ln in open("/proc/self/maps") if "blas" in ln.split()[-1]})
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, BLAS {blas}, "
          f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}", file=sys.stderr, flush=True)
    end = time.perf_counter() + args.warmup_seconds
    while time.perf_counter() < end:
        step()
    print("ready", flush=True)
    for line in sys.stdin:
        words = line.split()
        if not words or words[0] == "quit":
            break
        if words[0] != "run" or len(words) != 2:
            print(f"error: expected 'run MS' or 'quit', got {line.strip()!r}", flush=True)
            continue
        window = float(words[1]) / 1e3
        times = []
        start = time.perf_counter()
        while time.perf_counter() - start < window:
            t0 = time.perf_counter()
            step()
            times.append((time.perf_counter() - t0) * 1e3)
        print(f"steps {len(times)} median_ms {statistics.median(times):.6f}", flush=True)


if __name__ == "__main__":
    main()
