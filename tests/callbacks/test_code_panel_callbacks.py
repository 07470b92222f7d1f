"""The "Show the code" panels: they follow the planner's fields, and bad input gives a
message, not a traceback or stale code."""

from __future__ import annotations

import json

import plotly

from app.labs import (
    cleaning_pipeline_code,
    compute_planner_code,
    finetune_planner_code,
    memory_planner_code,
    model_builder_code,
    serving_planner_code,
    tokenizer_playground_code,
)
from tests.helpers import error_text

PANELS = (
    model_builder_code,
    memory_planner_code,
    finetune_planner_code,
    tokenizer_playground_code,
    cleaning_pipeline_code,
    serving_planner_code,
    compute_planner_code,
)


def codes(blocks) -> list[str]:
    """Every code text in rendered blocks."""
    found = []

    def walk(c):
        if isinstance(c, list):
            for x in c:
                walk(x)
        elif isinstance(c, dict):
            props = c.get("props", {})
            if str(props.get("id", "")).rsplit("-", 2)[-2:-1] == ["code"]:
                found.append(props["children"])
            walk(props.get("children"))

    walk(json.loads(json.dumps(blocks, cls=plotly.utils.PlotlyJSONEncoder)))
    return found


def test_every_panel_renders_its_initial_code_in_the_layout():
    for panel in PANELS:
        assert codes(panel.layout()), panel.LAB


def test_memory_panel_follows_the_planner_and_the_accumulation_steps():
    values = dict(zip(memory_planner_code.FIELDS, memory_planner_code.DEFAULTS, strict=True))
    values.update(dp="4", tp="2", pp="2", zero=1, sp=["sp"])
    out, error = memory_planner_code.update(*values.values(), "16", None)
    assert error is None
    config, launch = codes(out)
    assert json.loads(config)["train_batch_size"] == 1 * 16 * 4
    assert "--sequence-parallel" in launch and "--tensor-model-parallel-size 2" in launch


def test_memory_panel_names_a_bad_field():
    values = list(memory_planner_code.DEFAULTS)
    values[memory_planner_code.FIELDS.index("tp")] = "zero"
    out, error = memory_planner_code.update(*values, "8", None)
    assert out == [] and "Tensor parallel" in error_text(error)
    out, error = memory_planner_code.update(*memory_planner_code.DEFAULTS, "-3", None)
    assert "accumulation" in error_text(error)


def test_finetune_panel_writes_qlora_or_lora():
    q, _ = finetune_planner_code.update("llama-2-7b", "8", 2048, ["q", "v"], "qlora", None)
    (code,) = codes(q)
    assert 'bnb_4bit_quant_type="nf4"' in code and "r=8," in code
    assert "at the peak of the backward pass" in str(q)  # the realistic QLoRA memory
    lora, _ = finetune_planner_code.update("llama-2-7b", "8", 2048, ["q"], "lora", None)
    (code,) = codes(lora)
    assert "BitsAndBytesConfig" not in code
    out, error = finetune_planner_code.update("llama-2-7b", "8", "0", ["q"], "lora", None)
    assert out == [] and "Sequence length" in error_text(error)
    out, error = finetune_planner_code.update("llama-2-7b", "8", 2048, [], "lora", None)
    assert out == [] and "at least one" in error_text(error)


def test_builder_panel_follows_the_saved_model_and_rejects_a_broken_one():
    from app.core.presets import get_preset

    saved = {"name": "GPT-2", "config": get_preset("gpt2").to_dict()}
    config, _ = codes(model_builder_code.update(saved)[0])
    assert json.loads(config)["n_embd"] == 768
    out, error = model_builder_code.update({"name": "x", "config": {"n_layers": -1}})
    assert out == [] and error_text(error)


def test_tokenizer_panel_checks_the_vocabulary_size():
    (code,) = codes(tokenizer_playground_code.update("wordpiece", 2000)[0])
    assert "VOCAB_SIZE = 2000" in code and "WordPiece" in code
    out, error = tokenizer_playground_code.update("bpe", "10")
    assert out == [] and "Vocabulary size" in error_text(error)


def test_cleaning_panel_carries_the_thresholds_and_minhash_settings():
    values = list(cleaning_pipeline_code.DEFAULTS)
    values[1], values[5], values[6] = 120, 20, 5
    (code,) = codes(cleaning_pipeline_code.update(*values)[0])
    assert "min_doc_words=120" in code and "num_buckets=20, hashes_per_bucket=5" in code
    values[2] = "lots"
    out, error = cleaning_pipeline_code.update(*values)
    assert out == [] and error_text(error)


def test_serving_panel_writes_the_vllm_command_and_flags_a_bad_split():
    out, error = serving_planner_code.update("llama-2-70b", "int4-g128", 3, 8192, 16, 10, None)
    (code,) = codes(out)
    assert "--tensor-parallel-size 3" in code and "--quantization awq" in code
    out, error = serving_planner_code.update("llama-2-7b", "bf16", 1, "", 8, 10, None)
    assert out == [] and "Context" in error_text(error)


def test_compute_panel_turns_gpu_hours_into_flops_like_the_planner():
    args = list(compute_planner_code.DEFAULTS)
    args[0], args[1] = "gpu_hours", 1e6
    (code,) = codes(compute_planner_code.update(*args, None)[0])
    assert "C = 1.424e+24" in code  # 1e6 h × 3600 s × 989e12 FLOP/s × 0.4
    args[7] = 0
    out, error = compute_planner_code.update(*args, None)
    assert out == [] and "MFU" in error_text(error)
