"""A ModelConfig as a Hugging Face `transformers` config (config.json and the Python).

Three families cover every preset of this guide, each the class whose weights match our
count exactly (tests/core/test_codegen.py builds them on the meta device and compares):

- GPT-2 style (learned positions, LayerNorm, GELU, biases) → GPT2Config;
- Llama style (RoPE, RMSNorm, SwiGLU, no biases) → LlamaConfig (also Mistral's shape);
- the same with several experts → MixtralConfig (num_local_experts, num_experts_per_tok).

Any other mix has no exact match; `family()` says which is closest and `notes()` what
would differ.
"""

from __future__ import annotations

from app.core.architecture import ModelConfig
from app.core.codegen import Snippet, as_json

CLASSES = {"gpt2": "GPT2Config", "llama": "LlamaConfig", "mixtral": "MixtralConfig"}
MODELS = {"gpt2": "GPT2LMHeadModel", "llama": "LlamaForCausalLM", "mixtral": "MixtralForCausalLM"}


def family(cfg: ModelConfig) -> str:
    if cfg.position == "learned" and cfg.mlp == "gelu":
        return "gpt2"
    return "mixtral" if cfg.n_experts > 1 else "llama"


def notes(cfg: ModelConfig) -> list[str]:
    """What the chosen class cannot express, in a sentence each (empty when exact)."""
    f = family(cfg)
    out = []
    if f == "gpt2":
        if cfg.norm != "layernorm" or not cfg.bias:
            out.append("GPT2Config always uses LayerNorm with biases.")
        if cfg.kv_heads != cfg.n_heads:
            out.append("GPT-2 has no grouped-query attention: every head gets its own K and V.")
        if cfg.n_experts > 1:
            out.append("GPT-2 has no mixture of experts: one MLP per layer.")
        if cfg.head_size * cfg.n_heads != cfg.d_model:
            out.append("GPT-2 needs head size × heads = width.")
    else:
        if cfg.position != "rope":
            out.append(f"{CLASSES[f]} uses RoPE; there is no learned position table.")
        if cfg.mlp != "swiglu":
            out.append(f"{CLASSES[f]} uses a gated (SwiGLU-style) MLP with three matrices.")
        if cfg.norm != "rmsnorm":
            out.append(f"{CLASSES[f]} uses RMSNorm (no bias).")
        if cfg.bias and f == "mixtral":
            out.append("MixtralConfig has no bias option.")
    return out


def hf_config(cfg: ModelConfig) -> dict:
    """The config.json fields (model_type first), as `transformers` names them."""
    f = family(cfg)
    if f == "gpt2":
        return {
            "model_type": "gpt2",
            "architectures": [MODELS[f]],
            "vocab_size": cfg.vocab_size,
            "n_positions": cfg.seq_len,
            "n_embd": cfg.d_model,
            "n_layer": cfg.n_layers,
            "n_head": cfg.n_heads,
            "n_inner": cfg.ffn_dim,
            "activation_function": "gelu_new",
            "tie_word_embeddings": cfg.tied_embeddings,
        }
    d = {
        "model_type": f,
        "architectures": [MODELS[f]],
        "vocab_size": cfg.vocab_size,
        "hidden_size": cfg.d_model,
        "intermediate_size": cfg.ffn_dim,
        "num_hidden_layers": cfg.n_layers,
        "num_attention_heads": cfg.n_heads,
        "num_key_value_heads": cfg.kv_heads,
        "head_dim": cfg.head_size,
        "max_position_embeddings": cfg.seq_len,
        "hidden_act": "silu",
        "rms_norm_eps": 1e-5,
        "tie_word_embeddings": cfg.tied_embeddings,
    }
    if f == "llama":
        d["attention_bias"] = cfg.bias
        d["mlp_bias"] = cfg.bias
    else:
        d["num_local_experts"] = cfg.n_experts
        d["num_experts_per_tok"] = cfg.experts_per_token
    return d


def python_code(cfg: ModelConfig) -> str:
    f = family(cfg)
    fields = {k: v for k, v in hf_config(cfg).items() if k not in {"model_type", "architectures"}}
    args = "".join(f"    {k}={v!r},\n" for k, v in fields.items())
    return (
        "# pip install transformers torch\n"
        "import torch\n"
        f"from transformers import {CLASSES[f]}, {MODELS[f]}\n\n"
        f"config = {CLASSES[f]}(\n{args})\n"
        'config.save_pretrained("my-model")  # writes my-model/config.json\n\n'
        "# Build the model without allocating its weights, just to count them:\n"
        'with torch.device("meta"):\n'
        f"    model = {MODELS[f]}(config)\n"
        'print(f"{sum(p.numel() for p in model.parameters()):,} parameters")\n'
    )


def snippets(cfg: ModelConfig) -> list[Snippet]:
    return [
        Snippet("config.json", "json", as_json(hf_config(cfg))),
        Snippet("build_model.py", "python", python_code(cfg)),
    ]
