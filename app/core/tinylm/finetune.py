"""Fine-tune a trained TinyGPT on a small question-answer task: full fine-tuning or LoRA.

Both methods are built on the model's own `loss_and_grads`; model.py is not changed.

- Full fine-tuning updates every weight, or only those a scope names (e.g. the last block);
  frozen tensors are never written.
- LoRA (Hu et al. 2021, "LoRA: Low-Rank Adaptation of Large Language Models") keeps each
  chosen weight W frozen and learns a low-rank update. This model stores weights as
  (d_in, d_out) and computes x @ W, so the adapter is

      W_eff = W + (alpha / r) * A @ B          A: (d_in, r), Gaussian   B: (r, d_out), zeros

  B = 0 at the start, so training starts from exactly the pretrained model (paper, 4.1).
  W_eff is written into a working copy of the model for the forward pass; the gradient the
  model returns for W_eff gives, by the chain rule,

      dA = (alpha / r) * dW_eff @ B.T          dB = (alpha / r) * A.T @ dW_eff

  That is r * (d_in + d_out) trainable numbers per adapted matrix. `merge()` folds A @ B
  into W and returns a plain TinyGPT that computes the same thing at no extra cost.

The optimizer is AdamW (Loshchilov & Hutter 2019) on the trainable tensors only, with the
warmup and schedule of app.core.schedules and global-norm gradient clipping, as in train.py.
`finetune()` yields progress after every step: the task batch's loss and, every few steps,
the loss on held-out examples and on the original pretraining validation text, whose rise
is the forgetting (Biderman et al. 2024, "LoRA Learns Less and Forgets Less").

The task data is built here from the guide's own quiz and glossary files.
"""

from __future__ import annotations

import math
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from app.core.tinylm.corpus import pipeline_slugs
from app.core.tinylm.model import IGNORE, TinyGPT, is_decayed
from app.core.tinylm.runtime import training_runtime
from app.core.tinylm.tokenizer import CharTokenizer
from app.core.tinylm.train import TrainConfig, text_loss

# ----------------------------------------------------------------------- what trains

# LoRA targets: short name -> the weight's name inside each block (weights are (d_in, d_out)).
LORA_TARGETS = {
    "qkv": "attn.c_attn.weight",  # fused query, key, value projection (C, 3C)
    "attn_out": "attn.c_proj.weight",  # attention output projection (C, C)
    "mlp_in": "mlp.c_fc.weight",  # MLP up-projection (C, 4C)
    "mlp_out": "mlp.c_proj.weight",  # MLP down-projection (4C, C)
}
DEFAULT_LORA_TARGETS = ("qkv", "attn_out")  # the attention projections, as in Hu et al. 7.1

# Full fine-tuning scopes. The output head is tied to the token embedding (wte), so
# "last block" leaves the head frozen: training it would also move every input embedding.
FULL_SCOPES = ("all", "last_block")


def scope_names(model: TinyGPT, scope: str) -> list[str]:
    """The parameter names a full fine-tuning scope trains."""
    names = list(model.params)
    if scope == "all":
        return names
    if scope == "last_block":
        last = f"h.{model.config.n_layers - 1}."
        return [n for n in names if n.startswith(last) or n.startswith("ln_f.")]
    raise ValueError(f"The trainable part must be one of {', '.join(FULL_SCOPES)}.")


class FullFinetune:
    """Full fine-tuning of a copy of `base`; `trainable` is a scope or a list of names."""

    method = "full"

    def __init__(self, base: TinyGPT, trainable: str | list[str] | tuple[str, ...] = "all"):
        self.base = base  # never written
        self.model = base.copy()
        names = scope_names(base, trainable) if isinstance(trainable, str) else list(trainable)
        unknown = [n for n in names if n not in base.params]
        if not names or unknown:
            raise ValueError(f"Unknown parameter name(s): {', '.join(unknown) or '(none)'}.")
        self.trainable_names = names

    def trainable(self) -> dict[str, np.ndarray]:
        """Name -> the array the optimizer updates in place (views into the model)."""
        return {n: self.model.params[n] for n in self.trainable_names}

    def decayed(self) -> set[str]:
        return {n for n in self.trainable_names if is_decayed(n)}

    def loss_and_grads(self, x, y) -> tuple[float, dict[str, np.ndarray]]:
        loss, grads = self.model.loss_and_grads(x, y)
        return loss, {n: grads[n] for n in self.trainable_names}

    def refresh(self) -> None:
        """Called after the optimizer changed the trainable arrays (nothing to do here)."""

    def n_trainable(self) -> int:
        return sum(self.model.params[n].size for n in self.trainable_names)

    def n_total(self) -> int:
        return self.base.n_params()

    def merge(self) -> TinyGPT:
        """A plain TinyGPT with the fine-tuned weights."""
        return self.model.copy()


@dataclass(frozen=True)
class LoRAConfig:
    """Which matrices get adapters, their rank r and scale alpha (the update is alpha/r·AB)."""

    rank: int = 4
    alpha: float = 8.0
    targets: tuple[str, ...] = DEFAULT_LORA_TARGETS
    seed: int = 0

    def __post_init__(self) -> None:
        if isinstance(self.rank, bool) or not isinstance(self.rank, int | np.integer):
            raise ValueError(f"The LoRA rank must be a whole number, got {self.rank!r}.")
        if self.rank < 1:
            raise ValueError("The LoRA rank must be at least 1.")
        ok = isinstance(self.alpha, int | float) and not isinstance(self.alpha, bool)
        if not ok or not math.isfinite(self.alpha) or self.alpha <= 0:
            raise ValueError("LoRA's alpha must be a positive number.")
        if not self.targets:
            raise ValueError("Choose at least one weight matrix to adapt.")
        unknown = [t for t in self.targets if t not in LORA_TARGETS]
        if unknown:
            raise ValueError(
                f"Unknown LoRA target(s) {', '.join(map(str, unknown))}; "
                f"choose from {', '.join(LORA_TARGETS)}."
            )

    @property
    def scale(self) -> float:
        return self.alpha / self.rank


def lora_trainable_params(model: TinyGPT, cfg: LoRAConfig) -> int:
    """r * (d_in + d_out) summed over the adapted matrices of every block (Hu et al. 4.1)."""
    total = 0
    for name in _lora_weight_names(model, cfg):
        d_in, d_out = model.params[name].shape
        total += cfg.rank * (d_in + d_out)
    return total


def _lora_weight_names(model: TinyGPT, cfg: LoRAConfig) -> list[str]:
    targets = [t for t in LORA_TARGETS if t in set(cfg.targets)]  # fixed order, no repeats
    return [f"h.{i}.{LORA_TARGETS[t]}" for i in range(model.config.n_layers) for t in targets]


class LoRAFinetune:
    """A frozen copy of `base` plus low-rank adapters on the chosen weight matrices."""

    method = "lora"

    def __init__(self, base: TinyGPT, cfg: LoRAConfig | None = None):
        cfg = cfg or LoRAConfig()
        self.cfg = cfg
        self.base = base  # never written
        self.model = base.copy()  # the adapted weights here are overwritten with W_eff
        self.weight_names = _lora_weight_names(base, cfg)
        rank = cfg.rank
        smallest = min(min(base.params[n].shape) for n in self.weight_names)
        if rank > smallest:
            raise ValueError(
                f"The LoRA rank ({rank}) cannot exceed the smallest side of an adapted "
                f"matrix ({smallest}); a low-rank update must be lower rank than the matrix."
            )
        rng = np.random.default_rng(cfg.seed)
        dtype = base.dtype
        self.frozen = {n: base.params[n].copy() for n in self.weight_names}  # W
        self.A: dict[str, np.ndarray] = {}
        self.B: dict[str, np.ndarray] = {}
        for n in self.weight_names:
            d_in, d_out = base.params[n].shape
            # Gaussian A with std 1/sqrt(d_in), so x @ A keeps x's scale; B zero (Hu et al. 4.1)
            self.A[n] = (rng.standard_normal((d_in, rank)) / math.sqrt(d_in)).astype(dtype)
            self.B[n] = np.zeros((rank, d_out), dtype=dtype)
        self.refresh()

    def trainable(self) -> dict[str, np.ndarray]:
        out = {}
        for n in self.weight_names:
            out[n + ".lora_A"] = self.A[n]
            out[n + ".lora_B"] = self.B[n]
        return out

    def decayed(self) -> set[str]:
        return set(self.trainable())

    def refresh(self) -> None:
        """Write W_eff = W + (alpha/r) A @ B into the working model, for the next forward."""
        s = self.cfg.scale
        for n in self.weight_names:
            w = self.model.params[n]
            np.matmul(self.A[n], self.B[n], out=w)
            w *= s
            w += self.frozen[n]

    def loss_and_grads(self, x, y) -> tuple[float, dict[str, np.ndarray]]:
        """Loss and the gradients of A and B, from the model's gradient for W_eff."""
        loss, grads = self.model.loss_and_grads(x, y)
        s = self.cfg.scale
        out = {}
        for n in self.weight_names:
            dw = grads[n]  # (d_in, d_out)
            out[n + ".lora_A"] = s * (dw @ self.B[n].T)  # (d_in, r)
            out[n + ".lora_B"] = s * (self.A[n].T @ dw)  # (r, d_out)
        return loss, out

    def n_trainable(self) -> int:
        return sum(a.size + self.B[n].size for n, a in self.A.items())

    def n_total(self) -> int:
        """The base model's parameters (the adapters are counted by n_trainable)."""
        return self.base.n_params()

    def merge(self) -> TinyGPT:
        """A plain TinyGPT whose adapted weights are W + (alpha/r) A @ B."""
        self.refresh()
        return self.model.copy()


Tuner = FullFinetune | LoRAFinetune


# ----------------------------------------------------------------------- the optimizer


class AdamWSubset:
    """AdamW (Loshchilov & Hutter 2019, Algorithm 2) on a dict of named arrays, in place.

    Same update as train.AdamW, but only over the trainable tensors, so frozen weights have
    no optimizer state and are never written.
    """

    def __init__(self, params: dict[str, np.ndarray], cfg: TrainConfig, decayed: set[str]):
        self.params, self.cfg = params, cfg
        self.decayed = decayed
        self.m = {n: np.zeros_like(p) for n, p in params.items()}
        self.v = {n: np.zeros_like(p) for n, p in params.items()}
        self.t = 0

    def step(self, grads: dict[str, np.ndarray], lr: float) -> None:
        cfg = self.cfg
        self.t += 1
        c1 = 1 - cfg.beta1**self.t
        c2 = math.sqrt(1 - cfg.beta2**self.t)
        for n, w in self.params.items():
            g, m, v = grads[n], self.m[n], self.v[n]
            m *= cfg.beta1
            m += (1 - cfg.beta1) * g
            v *= cfg.beta2
            v += (1 - cfg.beta2) * (g * g)
            if cfg.weight_decay and n in self.decayed:
                w -= (lr * cfg.weight_decay) * w  # decoupled weight decay
            w -= (lr / c1) * m / (np.sqrt(v) / c2 + cfg.eps)


def clip_global_norm(grads: dict[str, np.ndarray], clip: float) -> float:
    """Scale all gradients down together if their global L2 norm exceeds `clip`
    (Pascanu et al. 2013). Returns the norm before clipping."""
    norm = math.sqrt(sum(float(np.vdot(g, g)) for g in grads.values()))
    if clip > 0 and norm > clip:
        for g in grads.values():
            g *= clip / (norm + 1e-6)
    return norm


# ----------------------------------------------------------------------- the task data

QUESTION_PREFIX, ANSWER_PREFIX = "Q: ", "A:"
REFERENCE_WINDOWS = 16  # windows of the pretraining validation text scored for forgetting
HELD_OUT_EVERY = 5  # pair i is held out when i % 5 == 4: every source is in both splits
# Typographic characters mapped to plain ones the character tokenizer is likely to know.
_PLAIN = {"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "...", "\u00a0": " "}


@dataclass(frozen=True)
class QAPair:
    question: str
    answer: str
    source: str  # "glossary" or "quiz: <stage slug>"

    @property
    def prompt(self) -> str:
        """What the model is given: 'Q: …\\nA:'."""
        return f"{QUESTION_PREFIX}{self.question}\n{ANSWER_PREFIX}"

    @property
    def completion(self) -> str:
        """What it should write after the prompt; the line break marks the answer's end."""
        return f" {self.answer}\n"

    @property
    def text(self) -> str:
        """One training example; examples are separated by a blank line."""
        return self.prompt + self.completion + "\n"


def qa_pairs(content_dir: Path | str) -> list[QAPair]:
    """Question-answer pairs from the glossary and the quizzes, in a fixed order."""
    root = Path(content_dir)
    # The pipeline's glossary and quizzes only (as the pretraining corpus): adding a
    # "Beyond the pipeline" topic does not change the stage-06 task.
    stages = set(pipeline_slugs(root))
    pairs = []
    glossary = yaml.safe_load((root / "glossary.yaml").read_text(encoding="utf-8")) or []
    for entry in glossary:
        if entry.get("stage") not in stages:
            continue
        pairs.append(
            QAPair(f"What is meant by {entry['term']}?", str(entry["definition"]), "glossary")
        )
    for path in sorted((root / "quizzes").glob("*.yaml")):
        if path.stem not in stages:
            continue
        for q in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            answer = str(q["options"][q["answer"]]).rstrip(".")
            explanation = str(q.get("explanation") or "").strip()
            pairs.append(
                QAPair(str(q["question"]), f"{answer}. {explanation}".strip(), f"quiz: {path.stem}")
            )
    return pairs


def split_pairs(pairs: list[QAPair]) -> tuple[list[QAPair], list[QAPair]]:
    """(train, held out): every fifth pair is held out; deterministic."""
    held = [p for i, p in enumerate(pairs) if i % HELD_OUT_EVERY == HELD_OUT_EVERY - 1]
    train = [p for i, p in enumerate(pairs) if i % HELD_OUT_EVERY != HELD_OUT_EVERY - 1]
    return train, held


def fit_to_vocab(text: str, chars) -> str:
    """Text with typographic characters made plain and any character the tokenizer does
    not know removed, so no example carries a silent stand-in character."""
    known = set(chars)
    out = []
    for ch in text:
        if ch not in known:
            ch = _PLAIN.get(ch, unicodedata.normalize("NFKD", ch))
        out.extend(c for c in ch if c in known)
    return "".join(out)


def _fit_pair(pair: QAPair, chars) -> QAPair:
    return QAPair(fit_to_vocab(pair.question, chars), fit_to_vocab(pair.answer, chars), pair.source)


@dataclass(frozen=True)
class TaskData:
    """The fine-tuning task for one tokenizer: training text and held-out pairs."""

    train_pairs: tuple[QAPair, ...]
    held_out: tuple[QAPair, ...]
    train_ids: np.ndarray  # all training examples, one after another (packed)
    held_out_ids: np.ndarray  # the held-out examples, the same way
    # True where a character belongs to an answer: only those are scored in training, as
    # in supervised fine-tuning, so the model learns to answer, not to ask (Ouyang et al.)
    train_scored: np.ndarray
    tokenizer: CharTokenizer

    @property
    def train_chars(self) -> int:
        return int(self.train_ids.size)


def task_data(tokenizer: CharTokenizer, content_dir: Path | str) -> TaskData:
    """The task for `tokenizer`, every pair fitted to its characters."""
    pairs = [_fit_pair(p, tokenizer.chars) for p in qa_pairs(content_dir)]
    train, held = split_pairs(pairs)
    if not train or not held:
        raise ValueError("The task needs at least five question-answer pairs.")

    def encode(some: list[QAPair]) -> np.ndarray:
        return np.asarray(tokenizer.encode("".join(p.text for p in some)), dtype=np.intp)

    scored = np.concatenate(
        [
            np.r_[np.zeros(len(p.prompt), bool), np.ones(len(p.completion), bool), False]
            for p in train
        ]
    )
    train_ids = encode(train)
    assert train_ids.size == scored.size  # one id per character: pairs fit the vocabulary
    return TaskData(tuple(train), tuple(held), train_ids, encode(held), scored, tokenizer)


def task_batch(task: TaskData, batch_size: int, seq_len: int, rng: np.random.Generator):
    """Random windows of the packed training text, as `get_batch`, with every target that
    is not part of an answer set to IGNORE (not scored)."""
    starts = rng.integers(0, task.train_ids.size - seq_len, size=batch_size)
    rows = starts[:, None] + np.arange(seq_len + 1)  # (B, T+1)
    window = task.train_ids[rows]
    targets = window[:, 1:].copy()
    targets[~task.train_scored[rows[:, 1:]]] = IGNORE
    return window[:, :-1], targets


def answer_loss(model: TinyGPT, tokenizer: CharTokenizer, pairs) -> float:
    """Mean loss (nats per character) on the answers only, each given its question.

    The question is context, not scored: this measures how well the model answers.
    An example longer than the context keeps its last seq_len + 1 characters."""
    T = model.config.seq_len
    rows = []
    for pair in pairs:
        prompt = tokenizer.encode(pair.prompt)
        ids = prompt + tokenizer.encode(pair.completion)
        targets = [IGNORE] * (len(prompt) - 1) + ids[len(prompt) :]  # the completion only
        rows.append((ids[:-1][-T:], targets[-T:]))
    if not rows:
        raise ValueError("Give at least one question-answer pair to score.")
    width = max(len(x) for x, _ in rows)
    # right padding: a causal model's earlier positions never see it, and it is not scored
    x = np.full((len(rows), width), tokenizer.fallback_id, dtype=np.intp)
    y = np.full((len(rows), width), IGNORE, dtype=np.intp)
    for i, (ids, targets) in enumerate(rows):
        x[i, : len(ids)], y[i, : len(targets)] = ids, targets
    return model.loss(x, y)


# ----------------------------------------------------------------------- the loop


@dataclass(frozen=True)
class FinetuneProgress:
    step: int  # steps done; step 0 is the model before fine-tuning (evaluation only)
    total_steps: int
    train_loss: float | None  # this step's task batch; None at step 0
    task_val_loss: float | None  # held-out answers (`answer_loss`); on evaluation steps
    pretrain_val_loss: float | None  # original validation text; its rise is forgetting
    lr: float
    tokens_per_second: float  # training throughput (evaluation time excluded)
    elapsed_s: float


def finetune(
    tuner: Tuner,
    task: TaskData,
    reference_ids,
    cfg: TrainConfig,
    should_stop: Callable[[], bool] | None = None,
    reference_windows: int = REFERENCE_WINDOWS,
) -> Iterator[FinetuneProgress]:
    """Fine-tune `tuner` on `task`, yielding progress: first step 0 (the evaluations before
    any update), then every step; evaluations every cfg.eval_every steps and at the end.

    Training scores the answers only (examples are packed into windows as in pretraining;
    question characters are context, their targets IGNORE), and the held-out task loss is
    `answer_loss`: how well the model answers questions it never trained on.

    `reference_ids` is text from pretraining (its validation split); its loss, on
    `reference_windows` fixed windows, shows how much the model forgets. should_stop() is
    checked before each step. Same model, task, config and seed -> identical losses.
    """
    T = tuner.model.config.seq_len
    if task.train_ids.size < T + 1:
        raise ValueError(
            f"The task text ({task.train_ids.size} characters) is shorter than one training "
            f"window of {T + 1}."
        )
    reference_ids = np.asarray(reference_ids, dtype=np.intp).reshape(-1)
    if task.held_out_ids.size < T + 1:
        raise ValueError("The held-out examples are shorter than one evaluation window.")
    if reference_ids.size < T + 1:
        raise ValueError("The pretraining text is too short for one evaluation window.")
    return _finetune(tuner, task, reference_ids, cfg, should_stop, reference_windows)


def _finetune(tuner, task, reference_ids, cfg, should_stop, reference_windows):
    with training_runtime():
        yield from _steps(tuner, task, reference_ids, cfg, should_stop, reference_windows)


def _steps(tuner, task, reference_ids, cfg, should_stop, reference_windows):
    T = tuner.model.config.seq_len

    def evaluate() -> tuple[float, float]:
        return (
            answer_loss(tuner.model, task.tokenizer, task.held_out),
            text_loss(tuner.model, reference_ids, max_windows=reference_windows),
        )

    start = time.perf_counter()
    task_val, pretrain_val = evaluate()
    yield FinetuneProgress(
        0, cfg.steps, None, task_val, pretrain_val, 0.0, 0.0, time.perf_counter() - start
    )
    rng = np.random.default_rng(cfg.seed)
    optimizer = AdamWSubset(tuner.trainable(), cfg, tuner.decayed())
    train_time, tokens = 0.0, 0
    for step in range(cfg.steps):
        if should_stop is not None and should_stop():
            return
        t0 = time.perf_counter()
        x, y = task_batch(task, cfg.batch_size, T, rng)
        lr = cfg.lr_at(step)
        loss, grads = tuner.loss_and_grads(x, y)
        clip_global_norm(grads, cfg.grad_clip)
        optimizer.step(grads, lr)
        tuner.refresh()
        train_time += time.perf_counter() - t0
        tokens += x.size
        done = step + 1
        task_val = pretrain_val = None
        if done % cfg.eval_every == 0 or done == cfg.steps:
            task_val, pretrain_val = evaluate()
        yield FinetuneProgress(
            done,
            cfg.steps,
            loss,
            task_val,
            pretrain_val,
            lr,
            tokens / max(train_time, 1e-9),
            time.perf_counter() - start,
        )
