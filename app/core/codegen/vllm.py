"""A serving plan as a `vllm serve` command (docs.vllm.ai, engine arguments).

--tensor-parallel-size: the GPUs one copy of the model is split over (vLLM needs it to
divide the number of attention heads); --max-model-len: the longest context per request;
--gpu-memory-utilization: the share of each GPU vLLM may use for weights, activations and
KV cache (the rest is left free); --max-num-seqs: the most sequences decoded together.
"""

from __future__ import annotations

import shlex

from app.core.architecture import ModelConfig
from app.core.codegen import Snippet
from app.core.serving import WEIGHT_FORMATS

QUANTIZATION = {"bf16": None, "int8": "fp8", "int4-g128": "awq"}


def notes(cfg: ModelConfig, weight_format: str, n_gpus: int) -> list[str]:
    out = []
    if cfg.n_heads % n_gpus:
        out.append(
            f"vLLM splits attention heads evenly: {n_gpus} GPUs must divide the "
            f"{cfg.n_heads} heads."
        )
    if weight_format == "int8":
        out.append(
            "8 bits per weight: vLLM's on-the-fly FP8 (same memory as int8) needs an Ada or "
            "Hopper GPU; on an A100 load an int8 (W8A16) checkpoint instead."
        )
    if weight_format == "int4-g128":
        out.append("AWQ needs a checkpoint quantised with AWQ (group size 128): point at it.")
    return out


def serve_command(
    model_id: str,
    *,
    weight_format: str,
    n_gpus: int,
    context: int,
    batch: int,
    reserve: float,
) -> str:
    if weight_format not in WEIGHT_FORMATS:
        raise ValueError(f"Weight format must be one of {', '.join(WEIGHT_FORMATS)}.")
    if not 0 <= reserve < 1:
        raise ValueError("The share kept free must be at least 0 and below 1.")
    parts = [
        f"vllm serve {shlex.quote(model_id)}",
        f"--tensor-parallel-size {n_gpus}",
        f"--max-model-len {context}",
        f"--max-num-seqs {batch}",
        f"--gpu-memory-utilization {1 - reserve:.2f}",
    ]
    q = QUANTIZATION[weight_format]
    parts.append(f"--quantization {q}" if q else "--dtype bfloat16")
    return "# pip install vllm\n" + " \\\n    ".join(parts) + "\n"


def snippets(model_id: str, **kwargs) -> list[Snippet]:
    return [Snippet("serve.sh", "bash", serve_command(model_id, **kwargs))]
