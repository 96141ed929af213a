"""PyTorch's training step, timed in windows on request, for Unfold's PeerComparison.

The model and the step are those of shared/bench/torch_rnn_bench.py (its Model class is imported
from the folder given by --shared; the step below is its bench_train's): a recurrent layer, a
linear head on every step, cross-entropy, backward, an SGD update. PeerComparison starts this
script, and the two sides then take turns on the machine, so that their ratio comes from the same
minutes (this machine's speed changes by up to 2x from minute to minute).

Protocol, one line each way: after its warm-up the script prints "ready"; each "run MS" runs
whole steps for at least MS milliseconds and answers "steps N median_ms M"; "quit" (or the end
of input) ends it. Run by hand, for example:

    OPENBLAS_CORETYPE=Zen /usr/bin/python3 bench/peers/torch_step_server.py rnn std float32
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
}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("cell", choices=["rnn", "gru", "lstm"])
    ap.add_argument("config", choices=sorted(CONFIGS))
    ap.add_argument("dtype", choices=["float32", "float64"])
    ap.add_argument("--impl", choices=["fused", "unrolled"], default="fused")
    ap.add_argument("--shared", default=os.path.join(here, "..", "..", "..", "shared", "bench"))
    ap.add_argument("--warmup-seconds", type=float, default=10.0)
    args = ap.parse_args()

    sys.path.insert(0, os.path.abspath(args.shared))
    import torch_rnn_bench as peer  # noqa: E402 (the folder is only known now)

    batch, seq, inp, hid, ncls, onehot = CONFIGS[args.config]
    dtype = getattr(torch, args.dtype)
    torch.manual_seed(0)
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
