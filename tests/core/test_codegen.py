"""'Show the code': every generated file parses or compiles, and where the real library is
installed (the `test` extra: transformers, peft, tokenizers, datatrove; torch for the meta
device), the object it builds matches the plan. Without a library its check is skipped."""

from __future__ import annotations

import ast
import json

import pytest

from app.core.architecture import count_params
from app.core.codegen import (
    compute_snippet,
    datatrove_pipeline,
    deepspeed,
    peft,
    tokenizers_script,
    transformers_config,
    vllm,
)
from app.core.data import quality
from app.core.data.pipeline import PipelineConfig
from app.core.finetune import lora_params
from app.core.presets import get_preset, list_presets

ALL_PRESETS = [p.name for p in list_presets()]


def check(snippet) -> None:
    if snippet.language == "json":
        json.loads(snippet.code)
    elif snippet.language == "python":
        compile(snippet.code, snippet.filename, "exec")
    else:
        assert snippet.code.strip() and "\\\n" in snippet.code  # one flag per line


def run_script(code: str) -> dict:
    """Execute generated code as a module that is not __main__ (nothing downloads)."""
    ns: dict = {"__name__": "generated"}
    exec(compile(code, "generated", "exec"), ns)
    return ns


# ---- transformers ---------------------------------------------------------------------------
@pytest.mark.parametrize("name", ALL_PRESETS)
def test_every_preset_config_json_parses_and_its_python_compiles(name):
    for s in transformers_config.snippets(get_preset(name)):
        check(s)


def test_config_json_reads_back_into_the_same_model():
    from app.core.architecture import ModelConfig

    for name in ("gpt2", "llama-2-7b", "llama-3-8b", "mistral-7b", "mixtral-8x7b"):
        cfg = get_preset(name)
        back = ModelConfig.from_hf_config(transformers_config.hf_config(cfg))
        assert count_params(back).total == count_params(cfg).total, name


@pytest.mark.slow
@pytest.mark.parametrize(
    "name", ["gpt2", "gpt3-13b", "llama-2-7b", "llama-3-8b", "mistral-7b", "mixtral-8x7b"]
)
def test_transformers_builds_a_model_with_exactly_our_parameter_count(name):
    """The generated Python, run with transformers on torch's meta device (no memory),
    counts the same weights as app.core (e.g. GPT-3 13B: 12,853,386,240, Table D.1)."""
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    cfg = get_preset(name)
    code = transformers_config.python_code(cfg).replace(
        'config.save_pretrained("my-model")', "pass"
    )
    ns = run_script(code)
    assert sum(p.numel() for p in ns["model"].parameters()) == count_params(cfg).total
    from transformers import CONFIG_MAPPING

    d = transformers_config.hf_config(cfg)
    from_json = CONFIG_MAPPING[d.pop("model_type")](**d)
    assert from_json.to_dict()["vocab_size"] == ns["config"].vocab_size


def test_a_mix_no_class_matches_says_what_differs():
    from dataclasses import replace

    cfg = replace(get_preset("gpt2"), position="rope")
    assert transformers_config.family(cfg) == "llama"
    assert any("gated" in n for n in transformers_config.notes(cfg))


# ---- DeepSpeed --------------------------------------------------------------------------------
PLAN = dict(micro_batch=2, grad_accum=4, seq_len=4096, dp=16, tp=4, pp=2)


def test_deepspeed_batch_is_micro_times_accumulation_times_data_parallel():
    snippets = deepspeed.snippets(
        cfg=get_preset("llama-2-7b"),
        zero_stage=1,
        precision="mixed_adam",
        recompute="full",
        sequence_parallel=True,
        **PLAN,
    )
    for s in snippets:
        check(s)
    config = json.loads(snippets[0].code)
    assert config["train_batch_size"] == 2 * 4 * 16  # DeepSpeed checks exactly this
    assert config["zero_optimization"]["stage"] == 1 and config["bf16"]["enabled"]
    line = snippets[1].code
    for flag in (
        "--tensor-model-parallel-size 4",
        "--pipeline-model-parallel-size 2",
        "--recompute-granularity full",
        "--sequence-parallel",
        "--num-attention-heads 32",
        "--num_nodes 16",  # 128 GPUs / 8 per node
    ):
        assert flag in line


def test_deepspeed_warns_that_pipeline_parallelism_needs_zero_0_or_1():
    assert deepspeed.notes(zero_stage=3, pp=2, precision="mixed_adam")
    assert not deepspeed.notes(zero_stage=1, pp=2, precision="mixed_adam")


def test_fp32_plan_turns_bf16_off():
    cfg = deepspeed.deepspeed_config(
        micro_batch=1, grad_accum=1, dp=1, zero_stage=0, precision="fp32_adam"
    )
    assert cfg["bf16"]["enabled"] is False


# ---- PEFT -------------------------------------------------------------------------------------
@pytest.mark.parametrize("qlora", [False, True])
def test_peft_code_compiles_and_builds_the_planned_lora_config(qlora):
    cfg = get_preset("llama-2-7b")
    code = peft.python_code(
        cfg, rank=16, targets=["q", "v", "down"], qlora=qlora, model_id="meta-llama/Llama-2-7b-hf"
    )
    compile(code, "lora.py", "exec")
    pytest.importorskip("peft")
    pytest.importorskip("transformers")
    ns = run_script(code)
    lora = ns["lora_config"]
    assert lora.r == 16 and lora.lora_alpha == 32
    assert set(lora.target_modules) == {"q_proj", "v_proj", "down_proj"}
    if qlora:  # Dettmers et al. 2023: NF4, double quantisation, bf16 compute
        bnb = ns["bnb_config"]
        assert bnb.load_in_4bit and bnb.bnb_4bit_quant_type == "nf4"
        assert bnb.bnb_4bit_use_double_quant and str(bnb.bnb_4bit_compute_dtype).endswith(
            "bfloat16"
        )


@pytest.mark.slow
def test_peft_trains_exactly_our_lora_parameter_count():
    """get_peft_model on a meta-device Llama 2 7B: trainable parameters = r·(d_in + d_out)
    per adapted matrix, our `lora_params` (Hu et al. 2021)."""
    torch = pytest.importorskip("torch")
    pytest.importorskip("peft")
    pytest.importorskip("transformers")
    from peft import get_peft_model
    from transformers import LlamaConfig, LlamaForCausalLM

    cfg = get_preset("llama-2-7b")
    d = transformers_config.hf_config(cfg)
    d.pop("model_type"), d.pop("architectures")
    with torch.device("meta"):
        model = LlamaForCausalLM(LlamaConfig(**d))
    code = peft.python_code(cfg, rank=16, targets=["q", "k", "v", "o"], qlora=False, model_id="x")
    model = get_peft_model(model, run_script(code)["lora_config"])
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    assert trainable == lora_params(cfg, 16, ("q", "k", "v", "o"))


def test_gpt2_targets_map_to_its_fused_attention_matrix():
    assert peft.target_modules(get_preset("gpt2"), ["q", "k", "v"]) == ["c_attn"]
    with pytest.raises(ValueError, match="gate"):
        peft.target_modules(get_preset("gpt2"), ["gate"])


# ---- tokenizers -------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["bpe", "wordpiece", "unigram"])
def test_tokenizers_script_trains_the_chosen_model_to_the_chosen_size(kind):
    from app.core.data.tokenization import default_training_texts

    ns = run_script(tokenizers_script.python_code(kind, 600))
    ns["tokenizer"].train_from_iterator(list(default_training_texts())[:150], ns["trainer"])
    assert ns["tokenizer"].get_vocab_size() == 600
    expected = {"bpe": "BPE", "wordpiece": "WordPiece", "unigram": "Unigram"}[kind]
    assert type(ns["tokenizer"].model).__name__ == expected


# ---- datatrove --------------------------------------------------------------------------------
def test_datatrove_script_compiles_for_every_switch_off():
    for off in ("language_id", "repetition", "redact_pii", "near_dedup"):
        cfg = PipelineConfig(**{off: False})
        compile(datatrove_pipeline.python_code(cfg), "clean.py", "exec")
    compile(datatrove_pipeline.python_code(PipelineConfig(quality_groups=())), "c.py", "exec")


def test_datatrove_keywords_come_from_the_rule_registry():
    t = quality.thresholds_from(min_doc_words=80, max_top_3gram_char_frac=0.25)
    gopher = datatrove_pipeline.filter_kwargs("gopher_quality", t)
    assert gopher["min_doc_words"] == 80 and gopher["max_non_alpha_words_ratio"] == 0.8
    rep = datatrove_pipeline.filter_kwargs("gopher_repetition", t)
    assert dict(rep["top_n_grams"])[3] == 0.25 and dict(rep["dup_n_grams"])[10] == 0.10
    c4 = datatrove_pipeline.filter_kwargs("c4", t)
    assert c4["min_num_sentences"] == 3 and c4["min_words_per_line"] == 5  # TFDS, not 5 / 3


def test_datatrove_builds_filters_with_the_learners_thresholds(monkeypatch):
    pytest.importorskip("datatrove")
    pytest.importorskip("xxhash")  # MinhashConfig's default hash
    import datatrove.pipeline.filters as filters

    class LanguageFilterStub:  # the real one needs fastText's model file
        def __init__(self, **kwargs):
            self.kwargs = kwargs

    monkeypatch.setattr(filters, "LanguageFilter", LanguageFilterStub)
    cfg = PipelineConfig(bands=20, rows=5).with_thresholds(min_doc_words=120)
    ns = run_script(datatrove_pipeline.python_code(cfg))
    by_name = {type(f).__name__: f for f in ns["FILTERS"]}
    assert by_name["GopherQualityFilter"].min_doc_words == 120
    assert by_name["C4QualityFilter"].min_num_sentences == 3
    assert by_name["FineWebQualityFilter"].char_duplicates_ratio == 0.1
    assert by_name["LanguageFilterStub"].kwargs["language_threshold"] == 0.65
    assert ns["MINHASH"].num_buckets == 20 and ns["MINHASH"].hashes_per_bucket == 5


# ---- vLLM and compute -------------------------------------------------------------------------
def test_vllm_command_matches_the_plan():
    line = vllm.serve_command(
        "meta-llama/Llama-2-70b-hf",
        weight_format="int4-g128",
        n_gpus=4,
        context=8192,
        batch=32,
        reserve=0.1,
    )
    for part in (
        "--tensor-parallel-size 4",
        "--max-model-len 8192",
        "--max-num-seqs 32",
        "--gpu-memory-utilization 0.90",
        "--quantization awq",
    ):
        assert part in line
    assert vllm.notes(get_preset("llama-2-7b"), "bf16", 3)  # 3 does not divide 32 heads


def test_compute_snippet_reproduces_the_planners_numbers():
    from app.core.compute import chinchilla_loss, chinchilla_optimal, gpu_hours

    code = compute_snippet.python_code(
        compute_flops=5.76e23,
        n_params=70e9,
        gpu_name="H100 SXM",
        peak_tflops=989,
        n_gpus=1024,
        mfu=0.4,
        price_per_hour=2.99,
    )
    ast.parse(code)
    ns = run_script(code.replace("print(", "(lambda *a, **k: None)("))
    d = 5.76e23 / (6 * 70e9)
    assert ns["D"] == pytest.approx(d)
    assert ns["N_opt"] == pytest.approx(chinchilla_optimal(5.76e23)[0], rel=1e-3)
    assert ns["loss"] == pytest.approx(chinchilla_loss(70e9, d))
    assert ns["gpu_hours"] == pytest.approx(gpu_hours(5.76e23, 989, 0.4))
