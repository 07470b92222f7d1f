"""A training plan as a DeepSpeed config and the launch line for TP × PP × DP.

DeepSpeed's JSON names (deepspeed.ai/docs/config-json): train_micro_batch_size_per_gpu,
gradient_accumulation_steps, train_batch_size (= micro × accumulation × data-parallel
size, which DeepSpeed checks), bf16.enabled, zero_optimization.stage. Tensor and pipeline
parallelism come from Megatron-DeepSpeed (microsoft/Megatron-DeepSpeed), whose flags are
Megatron-LM's: --tensor-model-parallel-size, --pipeline-model-parallel-size,
--sequence-parallel, --recompute-granularity.
"""

from __future__ import annotations

import math
import shlex

from app.core.architecture import ModelConfig
from app.core.codegen import Snippet, as_json
from app.core.memory import PRECISIONS, RECOMPUTE

GPUS_PER_NODE = 8


def deepspeed_config(
    *, micro_batch: int, grad_accum: int, dp: int, zero_stage: int, precision: str
) -> dict:
    if precision not in PRECISIONS:
        raise ValueError(f"Precision must be one of {', '.join(PRECISIONS)}.")
    if zero_stage not in (0, 1, 2, 3):
        raise ValueError("ZeRO stage must be 0, 1, 2 or 3.")
    if min(micro_batch, grad_accum, dp) < 1:
        raise ValueError("Micro-batch, accumulation steps and data-parallel size must be ≥ 1.")
    mixed = precision != "fp32_adam"
    zero: dict = {"stage": zero_stage}
    if zero_stage >= 2:
        zero.update(overlap_comm=True, contiguous_gradients=True)
    if zero_stage == 3:
        zero["stage3_gather_16bit_weights_on_model_save"] = True
    return {
        "train_batch_size": micro_batch * grad_accum * dp,
        "train_micro_batch_size_per_gpu": micro_batch,
        "gradient_accumulation_steps": grad_accum,
        "gradient_clipping": 1.0,
        "bf16": {"enabled": mixed},
        "optimizer": {
            "type": "AdamW",
            "params": {"lr": 3e-4, "betas": [0.9, 0.95], "eps": 1e-8, "weight_decay": 0.1},
        },
        "zero_optimization": zero,
        "steps_per_print": 10,
        "wall_clock_breakdown": False,
    }


def notes(*, zero_stage: int, pp: int, precision: str) -> list[str]:
    out = []
    if pp > 1 and zero_stage >= 2:
        out.append(
            "DeepSpeed's pipeline engine supports ZeRO stage 0 or 1 only; with pipeline "
            "parallelism choose ZeRO 1."
        )
    if precision == "mixed_adam_8bit":
        out.append(
            "8-bit Adam is bitsandbytes' optimizer, not a DeepSpeed option: the config keeps "
            "AdamW; pass bnb.optim.AdamW8bit to deepspeed.initialize to use it."
        )
    if precision == "mixed_sgd_momentum":
        out.append("The config keeps AdamW; SGD with momentum is torch.optim.SGD(momentum=0.9).")
    return out


def model_args(cfg: ModelConfig) -> list[str]:
    """Megatron-DeepSpeed's flags for the model's shape."""
    args = [
        "--num-layers",
        str(cfg.n_layers),
        "--hidden-size",
        str(cfg.d_model),
        "--ffn-hidden-size",
        str(cfg.ffn_dim),
        "--num-attention-heads",
        str(cfg.n_heads),
    ]
    if cfg.kv_heads != cfg.n_heads:
        args += ["--num-key-value-heads", str(cfg.kv_heads)]
    args += ["--max-position-embeddings", str(cfg.seq_len)]
    if cfg.mlp == "swiglu":
        args.append("--swiglu")
    if cfg.norm == "rmsnorm":
        args += ["--normalization", "rmsnorm"]
    if cfg.position == "rope":
        args += ["--use-rotary-position-embeddings", "--no-position-embedding"]
    if not cfg.tied_embeddings:
        args.append("--untie-embeddings-and-output-weights")
    if not cfg.bias:
        args.append("--disable-bias-linear")
    if cfg.n_experts > 1:
        args += ["--num-experts", str(cfg.n_experts), "--topk", str(cfg.experts_per_token)]
    return args


def launch_line(
    *,
    cfg: ModelConfig,
    precision: str,
    dp: int,
    tp: int,
    pp: int,
    micro_batch: int,
    grad_accum: int,
    seq_len: int,
    recompute: str,
    sequence_parallel: bool,
) -> str:
    """`deepspeed` launch of Megatron-DeepSpeed's pretrain_gpt.py over dp·tp·pp GPUs."""
    if recompute not in RECOMPUTE:
        raise ValueError(f"Recompute must be one of {', '.join(RECOMPUTE)}.")
    world = dp * tp * pp
    nodes = math.ceil(world / GPUS_PER_NODE)
    per_node = min(world, GPUS_PER_NODE)
    args = model_args(cfg) + [
        "--tensor-model-parallel-size",
        str(tp),
        "--pipeline-model-parallel-size",
        str(pp),
        "--micro-batch-size",
        str(micro_batch),
        "--global-batch-size",
        str(micro_batch * grad_accum * dp),
        "--seq-length",
        str(seq_len),
        *(["--bf16"] if precision != "fp32_adam" else []),
        "--deepspeed",
        "--deepspeed_config",
        "ds_config.json",
    ]
    if sequence_parallel and tp > 1:
        args.append("--sequence-parallel")
    if recompute == "full":
        args += ["--recompute-granularity", "full", "--recompute-method", "uniform"]
    elif recompute == "selective":
        args += ["--recompute-granularity", "selective"]
    head = (
        f"# {world:,} GPUs = TP {tp} × PP {pp} × DP {dp}, on {nodes:,} node(s) of "
        f"{per_node} GPUs\n"
        "# add your data and tokenizer flags (--data-path, --tokenizer-type, ...) and a\n"
        "# schedule (--train-iters, --lr, ...); see Megatron-DeepSpeed's examples\n"
    )
    hostfile = " --hostfile hostfile" if nodes > 1 else ""
    lines = [f"deepspeed --num_nodes {nodes} --num_gpus {per_node}{hostfile} pretrain_gpt.py"]
    pairs = []
    i = 0
    while i < len(args):  # one flag (and its value) per line
        if i + 1 < len(args) and not args[i + 1].startswith("--"):
            pairs.append(f"{args[i]} {shlex.quote(args[i + 1])}")
            i += 2
        else:
            pairs.append(args[i])
            i += 1
    return head + " \\\n    ".join(lines + pairs) + "\n"


def snippets(
    *,
    cfg: ModelConfig,
    micro_batch: int,
    grad_accum: int,
    seq_len: int,
    dp: int,
    tp: int,
    pp: int,
    zero_stage: int,
    precision: str,
    recompute: str,
    sequence_parallel: bool,
) -> list[Snippet]:
    config = deepspeed_config(
        micro_batch=micro_batch,
        grad_accum=grad_accum,
        dp=dp,
        zero_stage=zero_stage,
        precision=precision,
    )
    line = launch_line(
        cfg=cfg,
        precision=precision,
        dp=dp,
        tp=tp,
        pp=pp,
        micro_batch=micro_batch,
        grad_accum=grad_accum,
        seq_len=seq_len,
        recompute=recompute,
        sequence_parallel=sequence_parallel,
    )
    return [Snippet("ds_config.json", "json", as_json(config)), Snippet("launch.sh", "bash", line)]
