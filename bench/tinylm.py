"""How fast does the NumPy TinyGPT train, next to PyTorch on the same CPU?

Trains the same shape of model (GPT-2 style, pre-LN, fused QKV, tanh-GELU, tied head,
float32, AdamW) on the same batches of the guide's corpus, alternating rounds of steps
between NumPy and PyTorch so both see the same machine load, and prints each one's
median training throughput (tokens/s) and their ratio. Both use the same number of
threads. PyTorch is only needed here, never by the app:

    pip install torch==2.13.0          # CPU build
    python bench/tinylm.py [--layers 2 --d-model 64 --seq-len 64 --batch 16 --threads 1]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.core.tinylm import CharTokenizer, TinyGPT, TinyGPTConfig, TrainConfig, load_corpus  # noqa: E402
from app.core.tinylm.runtime import BLAS_THREADS, training_runtime  # noqa: E402
from app.core.tinylm.train import AdamW, get_batch, train_step  # noqa: E402

try:
    from threadpoolctl import threadpool_info, threadpool_limits
except ImportError:
    threadpool_info = threadpool_limits = None


def limit_numpy_threads(threads: int):
    """Cap NumPy's BLAS at `threads` (as train() does with BLAS_THREADS); returns a handle
    to keep alive, or None when threadpoolctl is missing (then BLAS keeps its default)."""
    if threadpool_limits is None:
        print(
            "threadpoolctl is not installed (pip install threadpoolctl): NumPy's BLAS uses "
            "its default thread count."
        )
        return None
    return threadpool_limits(limits=threads, user_api="blas")


def numpy_threads() -> int:
    """Threads NumPy's BLAS uses now."""
    if threadpool_limits is not None:
        info = [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]
        if info:
            return max(info)
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        if os.environ.get(name, "").isdigit():
            return int(os.environ[name])
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def numpy_round(model, optimizer, batches, lr):
    """One training step of the NumPy model per batch; returns seconds."""
    t0 = time.perf_counter()
    for x, y in batches:
        train_step(model, optimizer, x, y, lr)
    return time.perf_counter() - t0


def make_torch_model(torch, cfg: TinyGPTConfig):
    nn, F = torch.nn, torch.nn.functional

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            c = cfg.d_model
            self.ln_1, self.ln_2 = nn.LayerNorm(c), nn.LayerNorm(c)
            self.c_attn, self.c_proj = nn.Linear(c, 3 * c), nn.Linear(c, c)
            self.c_fc, self.mlp_proj = nn.Linear(c, 4 * c), nn.Linear(4 * c, c)

        def forward(self, x):
            B, T, C = x.shape
            H = cfg.n_heads
            q, k, v = self.c_attn(self.ln_1(x)).split(C, dim=2)
            q, k, v = (t.view(B, T, H, C // H).transpose(1, 2) for t in (q, k, v))
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            x = x + self.c_proj(y.transpose(1, 2).reshape(B, T, C))
            return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh"))

    class GPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.wte = nn.Embedding(cfg.vocab_size, cfg.d_model)
            self.wpe = nn.Embedding(cfg.seq_len, cfg.d_model)
            self.blocks = nn.ModuleList(Block() for _ in range(cfg.n_layers))
            self.ln_f = nn.LayerNorm(cfg.d_model)

        def forward(self, idx, targets):
            x = self.wte(idx) + self.wpe(torch.arange(idx.shape[1]))
            for block in self.blocks:
                x = block(x)
            logits = self.ln_f(x) @ self.wte.weight.T  # tied head
            return F.cross_entropy(logits.view(-1, logits.shape[-1]), targets.view(-1))

    return GPT()


def torch_round(torch, model, opt, batches, grad_clip):
    t0 = time.perf_counter()
    for x, y in batches:
        loss = model(x, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), grad_clip)
        opt.step()
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--d-model", type=int, default=64)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--seq-len", type=int, default=64)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--steps", type=int, default=20, help="steps per round")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument(
        "--threads",
        type=int,
        default=BLAS_THREADS,
        help="threads for both libraries (default: what train() uses)",
    )
    ap.add_argument(
        "--plain",
        action="store_true",
        help="skip the allocator and BLAS-thread settings train() uses (app.core.tinylm.runtime)",
    )
    args = ap.parse_args()
    with contextlib.nullcontext() if args.plain else training_runtime():
        limit = limit_numpy_threads(args.threads)
        run(args)
        del limit


def run(args: argparse.Namespace) -> None:

    train_text, val_text = load_corpus()
    tok = CharTokenizer.from_text(train_text + val_text)
    ids = np.asarray(tok.encode(train_text))
    cfg = TinyGPTConfig(tok.vocab_size, args.layers, args.d_model, args.heads, args.seq_len)
    rng = np.random.default_rng(0)
    batches = [get_batch(ids, args.batch, args.seq_len, rng) for _ in range(args.steps)]
    tokens = args.steps * args.batch * args.seq_len
    threads = numpy_threads()
    tcfg = TrainConfig(batch_size=args.batch)  # AdamW settings and clipping
    print(
        f"model: {cfg} = {cfg.n_params():,} parameters; batch {args.batch} x {args.seq_len} "
        f"tokens; {args.rounds} rounds of {args.steps} steps; {threads} thread(s); "
        f"{'plain' if args.plain else 'training'} runtime"
    )

    np_model = TinyGPT(cfg, seed=0)
    np_opt = AdamW(np_model, tcfg)
    numpy_round(np_model, np_opt, batches, tcfg.lr)  # warm-up
    try:
        import torch
    except ImportError:
        torch = None
        print("PyTorch is not installed; for the comparison run `pip install torch==2.13.0`.")
    if torch is not None:
        torch.manual_seed(0)
        torch.set_num_threads(threads)
        t_model = make_torch_model(torch, cfg)
        decay = [p for n, p in t_model.named_parameters() if p.dim() >= 2]
        no_decay = [p for n, p in t_model.named_parameters() if p.dim() < 2]
        opt = torch.optim.AdamW(
            [
                {"params": decay, "weight_decay": tcfg.weight_decay},
                {"params": no_decay, "weight_decay": 0.0},
            ],
            lr=tcfg.lr,
            betas=(tcfg.beta1, tcfg.beta2),
            eps=tcfg.eps,
        )
        t_batches = [
            (torch.from_numpy(x.astype(np.int64)), torch.from_numpy(y.astype(np.int64)))
            for x, y in batches
        ]
        torch_round(torch, t_model, opt, t_batches, tcfg.grad_clip)  # warm-up

    np_rates, torch_rates = [], []
    for _ in range(args.rounds):
        np_rates.append(tokens / numpy_round(np_model, np_opt, batches, tcfg.lr))
        if torch is not None:
            torch_rates.append(tokens / torch_round(torch, t_model, opt, t_batches, tcfg.grad_clip))
    np_rate = statistics.median(np_rates)
    print(f"NumPy {np.__version__}: {np_rate:,.0f} tokens/s (median of {args.rounds} rounds)")
    if torch is not None:
        torch_rate = statistics.median(torch_rates)
        print(f"PyTorch {torch.__version__}: {torch_rate:,.0f} tokens/s")
        print(f"NumPy / PyTorch throughput: {np_rate / torch_rate:.2f}x")


if __name__ == "__main__":
    main()
