"""Serving the tiny GPT: check a generation request, generate and time it, show the
sampler's distribution over the first new character, and size the serving memory
(weights and KV cache) next to a real model's.

No Dash here: stage 08's lab (`app.labs.tiny_generate`) shows it. Sampling rules are
`app.core.sampling` (the same as `TinyGPT.generate`); memory is `app.core.serving`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from app.core.architecture import count_params
from app.core.presets import get_preset, preset_info
from app.core.sampling import sampling_distribution
from app.core.serving import kv_cache_bytes, weights_bytes
from app.services.tinygpt.models import LoadedModel, to_model_config
from app.validation import InputError, parse_number

MAX_NEW_CHARS = 300  # 1.3-2.5 ms a character on this 2-core server (busy or not): under 1 s
MAX_PROMPT = 200
REAL_MODEL = "llama-2-7b"  # the real model whose serving memory the tiny one is set beside


@dataclass(frozen=True)
class Request:
    """The learner's sampling settings, checked. top_k None / top_p None mean "off"."""

    model: str
    prompt: str
    temperature: float
    top_k: int | None
    top_p: float | None
    max_new: int
    seed: int


def parse_request(model, prompt, temperature, top_k, top_p, max_new, seed) -> Request:
    """Raw form values → Request, or InputError with one sentence."""
    prompt = prompt if isinstance(prompt, str) else ""
    prompt = prompt.replace("\r\n", "\n").replace("\r", "\n")
    if not prompt:
        raise InputError("Prompt: type at least one character for the model to continue.")
    if len(prompt) > MAX_PROMPT:
        raise InputError(
            f"Prompt: keep it to at most {MAX_PROMPT} characters (it has {len(prompt):,})."
        )
    temperature = parse_number(temperature, "Temperature", minimum=0, maximum=5)
    top_k = int(parse_number(top_k, "Top-k", minimum=0, maximum=100_000, integer=True))
    top_p = parse_number(top_p, "Top-p", minimum=0, maximum=1)
    if top_p == 0:
        raise InputError("Top-p: must be above 0 (1 keeps every character).")
    max_new = int(
        parse_number(max_new, "New characters", minimum=1, maximum=MAX_NEW_CHARS, integer=True)
    )
    seed = int(parse_number(seed, "Seed", minimum=0, maximum=2**31 - 1, integer=True))
    return Request(
        model=model,
        prompt=prompt,
        temperature=float(temperature),
        top_k=top_k or None,
        top_p=float(top_p) if top_p < 1 else None,
        max_new=max_new,
        seed=seed,
    )


def next_char_distribution(loaded: LoadedModel, req: Request):
    """The sampler's view of the first new character: (the vocabulary's characters, the
    SamplingDistribution over them, in the same order)."""
    model, tokenizer = loaded.model, loaded.tokenizer
    ids = tokenizer.encode(req.prompt)[-model.config.seq_len :]
    logits = model.logits(np.asarray(ids)[None, :])[0, -1]
    dist = sampling_distribution(logits, req.temperature, req.top_k, req.top_p)
    return tokenizer.chars, dist


@dataclass(frozen=True)
class Generation:
    text: str
    seconds: float
    first_char_seconds: float

    @property
    def chars_per_second(self) -> float:
        return len(self.text) / self.seconds if self.seconds > 0 else float("inf")


def generate(loaded: LoadedModel, req: Request) -> Generation:
    """Generate and time it on this server. The time to the first character is measured
    by a separate one-character run (reading the prompt, then one sampling step)."""
    model, tokenizer = loaded.model, loaded.tokenizer
    ids = tokenizer.encode(req.prompt)
    args = dict(temperature=req.temperature, top_k=req.top_k, top_p=req.top_p, seed=req.seed)
    start = time.perf_counter()
    model.generate(ids, 1, **args)
    first = time.perf_counter() - start
    start = time.perf_counter()
    out = model.generate(ids, req.max_new, **args)
    seconds = time.perf_counter() - start
    return Generation(tokenizer.decode(out), seconds, first)


@dataclass(frozen=True)
class ServingMemory:
    name: str
    n_params: int
    weights_fp32: float
    weights_bf16: float
    kv_per_token: float  # bf16
    context: int
    kv_full_context: float  # bf16, one sequence


def serving_memory(name: str, cfg, n_params: int) -> ServingMemory:
    """Weights at 32 and 16 bits, and the bf16 KV cache per token and for one full context
    (2 × layers × KV heads × head size × 2 bytes per token; Pope et al. 2022)."""
    return ServingMemory(
        name=name,
        n_params=n_params,
        weights_fp32=weights_bytes(n_params, 32),
        weights_bf16=weights_bytes(n_params, 16),
        kv_per_token=kv_cache_bytes(cfg, 1, 1, bytes_per_value=2),
        context=cfg.seq_len,
        kv_full_context=kv_cache_bytes(cfg, cfg.seq_len, 1, bytes_per_value=2),
    )


def memory_rows(loaded: LoadedModel) -> tuple[ServingMemory, ServingMemory]:
    """The tiny model's serving memory, then REAL_MODEL's."""
    tiny = loaded.model.config
    real_cfg = get_preset(REAL_MODEL)
    return (
        serving_memory("Tiny GPT", to_model_config(tiny), tiny.n_params()),
        serving_memory(preset_info(REAL_MODEL).label, real_cfg, count_params(real_cfg).total),
    )
