"""A LoRA/QLoRA plan as PEFT's LoraConfig and transformers' BitsAndBytesConfig.

LoraConfig(r, lora_alpha, target_modules, lora_dropout, task_type) as in huggingface/peft;
QLoRA's settings as in Dettmers et al. 2023 and its reference code: 4-bit NormalFloat
(bnb_4bit_quant_type="nf4"), double quantisation, bf16 compute. Target names are the
module names of the Hugging Face implementations (LlamaForCausalLM: q_proj ... down_proj;
Mixtral's experts: w1 (gate), w3 (up), w2 (down); GPT-2: one fused c_attn for q, k, v).
"""

from __future__ import annotations

from app.core.architecture import ModelConfig
from app.core.codegen import Snippet
from app.core.codegen.transformers_config import family
from app.core.finetune import TARGETS

LLAMA_NAMES = {
    "q": "q_proj",
    "k": "k_proj",
    "v": "v_proj",
    "o": "o_proj",
    "gate": "gate_proj",
    "up": "up_proj",
    "down": "down_proj",
}
MIXTRAL_NAMES = {**LLAMA_NAMES, "gate": "w1", "up": "w3", "down": "w2"}
GPT2_NAMES = {"q": "c_attn", "k": "c_attn", "v": "c_attn", "o": "attn.c_proj"}
GPT2_NAMES.update({"up": "c_fc", "down": "mlp.c_proj"})


def target_modules(cfg: ModelConfig, targets: list[str] | tuple[str, ...]) -> list[str]:
    unknown = [t for t in targets if t not in TARGETS]
    if unknown or not targets:
        raise ValueError("Choose target matrices from q, k, v, o, gate, up, down.")
    names = {"gpt2": GPT2_NAMES, "mixtral": MIXTRAL_NAMES}.get(family(cfg), LLAMA_NAMES)
    missing = [t for t in targets if t not in names]
    if missing:
        raise ValueError(f"This model has no {', '.join(missing)} matrix.")
    out: list[str] = []
    for t in TARGETS:  # a fixed order, each name once
        if t in targets and names[t] not in out:
            out.append(names[t])
    return out


def python_code(
    cfg: ModelConfig,
    *,
    rank: int,
    targets: list[str] | tuple[str, ...],
    qlora: bool,
    model_id: str,
    alpha: int | None = None,
) -> str:
    if rank < 1:
        raise ValueError("The rank must be at least 1.")
    alpha = 2 * rank if alpha is None else alpha
    modules = target_modules(cfg, targets)
    lines = ["# pip install peft transformers" + (" bitsandbytes" if qlora else "")]
    lines += ["import torch"] if qlora else []
    lines += ["from peft import LoraConfig, get_peft_model"]
    if qlora:
        lines += ["from transformers import AutoModelForCausalLM, BitsAndBytesConfig", ""]
        lines += [
            "# QLoRA (Dettmers et al. 2023): the frozen base in 4-bit NormalFloat, its scales",
            "# quantised again (double quantisation), matrix maths in bf16",
            "bnb_config = BitsAndBytesConfig(",
            "    load_in_4bit=True,",
            '    bnb_4bit_quant_type="nf4",',
            "    bnb_4bit_use_double_quant=True,",
            "    bnb_4bit_compute_dtype=torch.bfloat16,",
            ")",
        ]
    else:
        lines += ["from transformers import AutoModelForCausalLM", ""]
    lines += [
        "",
        f"# rank {rank}; alpha {alpha} scales the update by alpha / r = {alpha / rank:g}",
        "lora_config = LoraConfig(",
        f"    r={rank},",
        f"    lora_alpha={alpha},",
        f"    target_modules={modules!r},",
        "    lora_dropout=0.05,",
        '    bias="none",',
        '    task_type="CAUSAL_LM",',
        ")",
        "",
        "if __name__ == '__main__':  # downloads the model: run it on your GPU machine",
        "    model = AutoModelForCausalLM.from_pretrained(",
        f"        {model_id!r},",
        "        quantization_config=bnb_config," if qlora else "        dtype=torch.bfloat16,",
        "    )",
        "    model = get_peft_model(model, lora_config)",
        "    model.print_trainable_parameters()",
    ]
    code = "\n".join(lines) + "\n"
    if not qlora:
        code = code.replace("from peft import", "import torch\nfrom peft import", 1)
    return code


def snippets(cfg: ModelConfig, **kwargs) -> list[Snippet]:
    name = "qlora.py" if kwargs.get("qlora") else "lora.py"
    return [Snippet(name, "python", python_code(cfg, **kwargs))]
