"""Every planner, called as Dash calls it, with good and bad input.

Bad input (empty, non-numeric, zero, negative, absurd, inconsistent) must come back as a
sentence in the lab's error slot and a chart that says why it is empty: never an
exception, never a blank figure. Good input must show the numbers the core computes.
"""

from __future__ import annotations

import re

import pytest
from dash import no_update

from app.components.model_picker import SELECTED
from app.core.presets import get_preset
from app.labs import (
    attention_variants,
    compute_planner,
    eval_noise,
    finetune_planner,
    lr_schedule,
    memory_planner,
    model_builder,
    position_maps,
    serving_planner,
)
from tests.helpers import as_plotly, error_text, find_ids, stat_values

BAD_NUMBERS = [None, "", "abc", "-1", "0", "1e300", "nan"]


# ---- 04 model builder -------------------------------------------------------------------
def builder_values(name="llama-2-7b", **changes):
    values = dict(
        zip(model_builder.FIELDS, model_builder._field_values(get_preset(name)), strict=True)
    )
    values.update(changes)
    return [values[f] for f in model_builder.FIELDS]


def test_builder_counts_llama_2_7b_and_saves_it_for_later_stages():
    stats, fig, error, saved, *invalid = model_builder.analyse(*builder_values())
    assert error is None and len(as_plotly(fig).data) == 1 and not any(invalid)
    assert stat_values(stats)["Parameters"] == "6.74 billion"
    assert stats[0].children[2].children == "6,738,415,616"  # Llama 2 model card
    assert saved["name"] == "Llama 2 7B" and saved["config"]["n_layers"] == 32


def test_builder_names_a_changed_model_custom():
    saved = model_builder.analyse(*builder_values(n_layers=40))[3]
    assert saved["name"] == "Custom model"


@pytest.mark.parametrize("raw", BAD_NUMBERS)
def test_builder_refuses_bad_widths_with_a_message(raw):
    stats, fig, error, saved, *invalid = model_builder.analyse(*builder_values(d_model=raw))
    assert "Width d_model" in error_text(error)
    assert stats is fig is saved is no_update  # the last good count stays
    assert invalid == [name == "d_model" for name in model_builder.NUMBER_NAMES]


def test_builder_names_every_bad_field_at_once():
    _, _, error, _, *invalid = model_builder.analyse(*builder_values(n_layers=0, vocab_size="x"))
    assert "Layers" in str(error) and "Vocabulary" in str(error)
    assert sum(invalid) == 2


def test_builder_explains_heads_that_do_not_divide_the_width():
    error = model_builder.analyse(*builder_values(n_heads=7))[2]
    assert "must divide d_model" in error_text(error)


def test_builder_reads_a_pasted_config_json():
    text = (
        '{"num_hidden_layers": 32, "hidden_size": 4096, "num_attention_heads": 32,'
        ' "num_key_value_heads": 8, "intermediate_size": 14336, "vocab_size": 32000,'
        ' "max_position_embeddings": 32768, "rms_norm_eps": 1e-5, "hidden_act": "silu"}'
    )
    cfg = model_builder.config_from_json(text)  # Mistral 7B's config.json
    assert cfg == get_preset("mistral-7b")


MISTRAL_LIKE = (
    '{"_name_or_path": "someone/My-Model-7B", "model_type": "mistral", "num_hidden_layers": 30,'
    ' "hidden_size": 4096, "num_attention_heads": 32, "num_key_value_heads": 8,'
    ' "intermediate_size": 14336, "vocab_size": 32000, "max_position_embeddings": 32768,'
    ' "rms_norm_eps": 1e-5, "hidden_act": "silu"}'
)


def test_a_pasted_config_switches_the_picker_and_keeps_its_own_name(monkeypatch):
    """After pasting, the picker no longer says 'Llama 2 7B': it names the pasted model by
    its config's own `_name_or_path`, and so does everything downstream."""
    monkeypatch.setattr(
        model_builder, "ctx", type("C", (), {"triggered_id": "model_builder-paste-apply"})
    )
    out = model_builder.update("llama-2-7b", 1, None, *builder_values(), MISTRAL_LIKE, None)
    n = len(model_builder.FIELDS)
    fields, (options, choice, pasted, load_error, _, fig, error, saved) = (
        out[:n],
        out[n : n + 8],
    )
    assert fields[0] == 30 and choice == model_builder.PASTED and load_error is error is None
    assert {"label": "Pasted: My-Model-7B", "value": model_builder.PASTED} in options
    assert saved["name"] == "My-Model-7B" and "My-Model-7B" in fig["layout"]["title"]["text"]
    # a field changed by hand afterwards: the picker says "Custom model"
    monkeypatch.setattr(
        model_builder, "ctx", type("C", (), {"triggered_id": "model_builder-n_layers"})
    )
    raw = list(fields)
    raw[0] = 31
    out = model_builder.update(model_builder.PASTED, 1, None, *raw, MISTRAL_LIKE, pasted)
    assert out[n + 1] == model_builder.CUSTOM and out[n + 7]["name"] == "Custom model"


def test_a_pasted_config_without_a_path_is_named_by_its_model_type():
    assert model_builder.config_name('{"model_type": "llama"}') == "llama"
    assert model_builder.config_name("[]") == "Pasted model"


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "Paste"),
        ("{not json", "not valid JSON"),
        ('{"hidden_size": 8}', "missing the key"),
        ("x" * 30_000, "too long"),
    ],
)
def test_builder_explains_what_is_wrong_with_a_pasted_config(text, message):
    with pytest.raises(model_builder.InputError, match=message):
        model_builder.config_from_json(text)


# ---- 04 attention and positions ---------------------------------------------------------
def test_attention_variants_show_gqa_saving_for_llama_2_70b():
    heads, chart, stats, note, error, *invalid = attention_variants.show(
        "llama-2-70b", 8, 4096, 1, None
    )
    assert error is None and note is None and invalid == [False, False]
    values = stat_values(stats)
    assert values["Variant"] == "GQA-8"
    assert values["KV cache per token"] == "328 kB"  # 2·80·8·128·2 bytes
    assert values["vs multi-head"] == "8× smaller"


def test_attention_variants_refuse_kv_heads_that_do_not_divide():
    heads, *_, error, context, batch = attention_variants.show("llama-2-70b", 7, 4096, 1, None)
    assert "must divide" in error_text(error) and heads is no_update


def test_attention_variants_say_one_query_head_per_kv_head_in_the_singular():
    *_, stats, _, _, _, _ = attention_variants.show("llama-2-7b", 32, 4096, 1, None)
    hint = str(stats[0])
    assert "1 query head per KV head" in hint and "heads per" not in hint


def test_attention_variants_name_both_bad_numbers_at_once():
    *_, error, context, batch = attention_variants.show("llama-2-70b", 8, 0, "x", None)
    assert "Context" in str(error) and "Batch" in str(error) and context and batch


@pytest.mark.parametrize(
    "kind, dims, ok", [("rope", 64, True), ("sinusoidal", 7, False), ("bogus", 64, False)]
)
def test_position_maps(kind, dims, ok):
    fig, error = position_maps.encoding(kind, 32, dims)
    assert (error is None) == ok
    assert (fig is no_update) != ok  # a bad value keeps the last chart


# ---- 05 training --------------------------------------------------------------------------
COMPUTE_ARGS = dict(
    unit="flops",
    budget=5.76e23,
    mode="optimal",
    shrink=4,
    choice="llama-3-8b",
    gpu="H100 SXM",
    n_gpus=1024,
    mfu=40,
    price=None,
    selected=None,
)


def compute(**changes):
    a = {**COMPUTE_ARGS, **changes}
    return compute_planner.update(
        a["unit"],
        a["budget"],
        a["mode"],
        a["shrink"],
        a["choice"],
        a["gpu"],
        a["n_gpus"],
        a["mfu"],
        a["price"],
        a["selected"],
    )[:4]


def test_compute_planner_gives_chinchilla_sizes_for_gophers_budget():
    stats, note, fig, error = compute()
    values = stat_values(stats)
    assert error is None
    assert values["Parameters"] == "67.8 billion"  # Hoffmann et al. 2022, Table 3 fit
    assert values["Training tokens"] == "1.42 trillion"
    assert "close to compute-optimal by Table 3" in " ".join(note)


def test_compute_planner_flags_over_training_of_a_chosen_model():
    stats, note, fig, error = compute(mode="fixed", budget=1e24)
    assert "tokens that would be compute-optimal" in " ".join(note)
    assert stat_values(stats)["Parameters"] == "8.03 billion"


def test_compute_planner_explains_why_the_loss_curve_minimum_is_a_smaller_model():
    """Reviewers caught the plan sitting right of its own curve's minimum with no word of
    why: Hoffmann et al.'s eq. 10 fit disagrees with their Table 3 (Besiroglu et al. 2024)."""
    for mode in ("optimal", "overtrain"):
        stats, note, fig, error = compute(mode=mode)
        text = " ".join(note)
        assert "above its own minimum" in text and "Besiroglu" in text
        assert "costs more than needed" not in text
    minimum = next(t for t in as_plotly(fig).data if t.name == "Minimum of the loss fit")
    assert minimum.x[0] < 67.8e9  # the eq. 10 minimum: a smaller model than Table 3's


@pytest.mark.parametrize(
    "changes, field",
    [({"budget": raw}, "Compute budget") for raw in BAD_NUMBERS]
    + [
        ({"mfu": 0}, "MFU"),
        ({"mfu": 150}, "MFU"),
        ({"n_gpus": 2.5}, "GPUs"),
        ({"price": -1}, "Price"),
        ({"gpu": "TPU"}, "GPU"),
        ({"shrink": 0, "mode": "overtrain"}, "Smaller by"),
    ],
)
def test_compute_planner_refuses_bad_input(changes, field):
    stats, note, fig, error = compute(**changes)
    assert field in error_text(error) and stats is fig is no_update


def test_compute_planner_names_every_bad_field_at_once():
    a = {**COMPUTE_ARGS, "budget": "lots", "mfu": 0, "price": -1}
    *_, error, budget, shrink, gpus, mfu, price = compute_planner.update(*a.values())
    assert "Compute budget" in str(error) and "MFU" in str(error) and "Price" in str(error)
    assert (budget, shrink, gpus, mfu, price) == (True, False, False, True, True)


def test_compute_planner_keeps_a_budget_already_in_the_new_unit():
    """A link that sets both the unit and the budget must not have the budget converted."""
    assert compute_planner.convert_budget("gpu_hours", 2e6, "H100 SXM", 40) is no_update


def test_compute_planner_without_a_saved_model_says_so():
    *_, error = compute(mode="fixed", choice=SELECTED, selected=None)
    assert "stage 04" in error_text(error)


MEMORY_ARGS = [
    "llama-2-7b",
    "A100 80GB SXM",
    "mixed_adam",
    1,
    4096,
    8,
    1,
    1,
    "selective",
    1,
    [],
    None,
]


def test_memory_planner_llama_2_7b_zero_1_on_8_gpus_fits():
    verdict, stats, fig, error, *invalid = memory_planner.update(*MEMORY_ARGS)
    assert error is None and "Fits" in str(verdict[0].children) and verdict[1] is None
    assert invalid == [False] * len(memory_planner.FIELDS)
    assert stat_values(stats)["Optimizer states"] == "10.1 GB"  # 12 B × 6.74e9 / 8
    assert len(as_plotly(fig).data) == 5  # four parts and the totals


@pytest.mark.parametrize(
    "index, raw, message",
    [
        (3, "abc", "Micro-batch"),
        (4, 0, "Sequence length"),
        (6, 5, "must divide the heads"),
        (7, 64, "cannot exceed the layers"),
        (9, 7, "ZeRO stage"),
        (5, None, "Data parallel"),
    ],
)
def test_memory_planner_refuses_bad_layouts(index, raw, message):
    args = list(MEMORY_ARGS)
    args[index] = raw
    verdict, stats, fig, error, *invalid = memory_planner.update(*args)
    assert message in error_text(error)
    assert verdict is stats is fig is no_update  # the last good plan stays on the page


def test_memory_planner_names_every_bad_field_and_marks_each():
    args = list(MEMORY_ARGS)
    args[3], args[5], args[7] = "abc", None, 0  # micro-batch, data and pipeline parallel
    *_, error, micro, seq, dp, tp, pp = memory_planner.update(*args)
    text = str(error)
    assert "Micro-batch" in text and "Data parallel" in text and "Pipeline parallel" in text
    assert (micro, seq, dp, tp, pp) == (True, False, True, False, True)


def test_memory_planner_says_when_the_context_is_past_the_model_s_maximum():
    args = list(MEMORY_ARGS)
    args[4] = 8192  # Llama 2 was trained on 4,096-token sequences
    verdict, *_ = memory_planner.update(*args)
    assert "beyond Llama 2 7B's maximum context of 4,096 tokens" in str(verdict[1])


def test_memory_planner_opens_on_its_defaults_without_a_callback():
    found = find_ids(memory_planner.layout())
    assert "Fits" in str(found[f"{memory_planner.LAB}-verdict"].children)
    assert as_plotly(found[f"{memory_planner.LAB}-chart"].figure).data


def test_memory_planner_uses_the_model_from_stage_04():
    saved = {
        "name": "Tiny",
        "config": {"n_layers": 2, "d_model": 64, "n_heads": 4, "vocab_size": 100, "seq_len": 64},
    }
    args = list(MEMORY_ARGS)
    args[0], args[-1] = SELECTED, saved
    verdict, *_ = memory_planner.update(*args)
    assert "Fits" in str(verdict[0].children)
    args[-1] = {"name": "x", "config": {"n_layers": -3}}
    error = memory_planner.update(*args)[3]
    assert "not valid" in error_text(error)


def test_lr_schedule_ends_at_its_floor_and_refuses_long_warmups():
    fig, stats, why, error, *_ = lr_schedule.update("cosine", 3e-4, 1000, 100, 10, 20)
    assert error is None and stat_values(stats)["Final"] == "3e-05"
    x = as_plotly(fig).data[0].x
    assert 200 <= len(x) <= 204 and 99 in x and 100 in x  # sampled, with the warmup's corner
    fig, _, _, error, *invalid = lr_schedule.update("cosine", 3e-4, 1000, 5000, 10, 20)
    assert "Warmup steps" in error_text(error) and fig is no_update
    assert invalid == [False, False, True, False, False]


def test_lr_schedule_peak_bounds_are_the_form_s_bounds():
    """The form and the server once disagreed (0 vs 1e-8); both now read FIELDS."""
    peak = lr_schedule.FIELDS[0]
    assert peak.minimum == 1e-8
    *_, error, bad_peak, _, _, _, _ = lr_schedule.update("cosine", 0, 1000, 100, 10, 20)
    assert "Peak learning rate: must be at least" in error_text(error) and bad_peak


# ---- 06-08 ---------------------------------------------------------------------------------
def test_finetune_planner_matches_the_facts_on_the_page():
    stats, fig, note, error, *invalid = finetune_planner.update(
        "llama-2-7b", "RTX 4090", 16, 2048, ["q", "k", "v", "o"], None
    )
    assert error is None and note is None and invalid == [False, False]
    values = stat_values(stats)
    assert values["LoRA: trainable"] == "16.8 million"
    assert values["Full fine-tuning"] == "108 GB" and values["QLoRA"] == "4.28 GB"
    assert values["Fits on one RTX 4090"] == "LoRA, QLoRA"


@pytest.mark.parametrize(
    "rank, targets, message",
    [(0, ["q"], "LoRA rank"), (16, [], "at least one"), (16, ["qq"], "from the list")],
)
def test_finetune_planner_refuses_bad_input(rank, targets, message):
    stats, _, _, error, *_ = finetune_planner.update(
        "llama-2-7b", "RTX 4090", rank, 2048, targets, None
    )
    assert message in error_text(error) and stats is no_update


def test_finetune_planner_caps_the_rank_at_the_model_s_width():
    *_, error, rank, seq = finetune_planner.update("llama-2-7b", "RTX 4090", 5000, 0, ["q"], None)
    assert "at most Llama 2 7B's width (4,096)" in str(error) and "Sequence length" in str(error)
    assert rank and seq


def test_serving_planner_llama_2_7b_on_an_a100():
    verdict, stats, fig, error, *invalid = serving_planner.update(
        "llama-2-7b", "bf16", "A100 80GB SXM", 1, 4096, 8, 10, None
    )
    values = stat_values(stats)
    assert values["Weights"] == "13.5 GB" and values["KV cache, batch"] == "17.2 GB"
    assert "Fits" in verdict[0].children and verdict[1] is None
    assert invalid == [False] * 4


def test_serving_planner_says_why_70b_does_not_fit_one_gpu():
    verdict, stats, fig, *_ = serving_planner.update(
        "llama-2-70b", "bf16", "A100 80GB SXM", 1, 4096, 8, 10, None
    )
    assert "weights alone" in verdict[0].children
    assert stat_values(stats)["Decode speed"] == "—"  # no speed for a setup that cannot run
    speed = next(t for t in as_plotly(fig).data if t.yaxis == "y2")
    assert all(v is None for v in speed.y)


def test_serving_planner_draws_speed_only_for_batches_that_fit():
    verdict, stats, fig, *_ = serving_planner.update(
        "llama-2-7b", "bf16", "A100 80GB SXM", 1, 4096, 8, 10, None
    )
    max_batch = int(stat_values(stats)["Largest batch that fits"].replace(",", ""))
    speed = next(t for t in as_plotly(fig).data if t.yaxis == "y2")
    for batch, value in zip(speed.x, speed.y, strict=True):
        assert (value is not None) == (int(batch) <= max_batch)


def test_serving_planner_splits_weights_only_over_a_gpu_count_that_divides_the_heads():
    """The memory planner refuses tensor parallel 3 for 32 heads; so does serving."""
    _, _, fig, error, gpus, *others = serving_planner.update(
        "llama-2-7b", "bf16", "A100 80GB SXM", 3, 4096, 8, 10, None
    )
    assert "must divide" in error_text(error) and "32 heads" in error_text(error)
    assert fig is no_update and gpus and not any(others)


@pytest.mark.parametrize("raw", BAD_NUMBERS)
def test_serving_planner_refuses_bad_batches(raw):
    _, _, fig, error, *invalid = serving_planner.update(
        "llama-2-7b", "bf16", "A100 80GB SXM", 1, 4096, raw, 10, None
    )
    assert "Batch" in error_text(error) and fig is no_update
    assert invalid == [False, False, True, False]


def test_serving_planner_never_asks_for_a_batch_of_zero():
    """When not even one sequence fits, it says so instead of 'lower the batch to 0'."""
    verdict, stats, *_ = serving_planner.update(
        "llama-2-7b", "bf16", "RTX 4090", 1, 200_000, 8, 10, None
    )
    text = str(verdict[0].children)
    assert "even one sequence of 200,000 tokens" in text and "batch to 0" not in text
    assert "beyond Llama 2 7B's maximum context of 4,096 tokens" in str(verdict[1])


def test_serving_planner_s_memory_axis_is_set_by_the_usable_memory():
    *_, fig, _, _, _, _, _ = serving_planner.update(
        "llama-2-7b", "bf16", "A100 80GB SXM", 1, 4096, 8, 10, None
    )
    top = as_plotly(fig).layout.yaxis.range[1]
    assert 72 < top < 72 * 1.4  # 80 GB less 10%: batch 256's 550 GB bar runs off the top


def test_eval_noise_verdicts_and_perplexity():
    fig, stats, verdict, error, *_ = eval_noise.compare(100, 70, 66)
    assert "could be luck" in verdict.children
    fig, stats, verdict, error, *_ = eval_noise.compare(14042, 70, 66)
    assert "very likely real" in verdict.children
    ppl, error, *_ = eval_noise.to_perplexity(2.0, 4)
    assert ppl[0].children[1].children == "7.4"
    fig, _, _, error, n, a, b = eval_noise.compare(100, 120, -1)
    assert "Model A accuracy" in str(error) and "Model B accuracy" in str(error)
    assert fig is no_update and (n, a, b) == (False, True, True)
    ppl, error, loss, cpt = eval_noise.to_perplexity(2.0, 0)
    assert "Characters per token" in error_text(error) and ppl is no_update and cpt


# ---- 02-03 --------------------------------------------------------------------------------
def test_data_budget_of_llama_2_7b_matches_the_page():
    from app.labs import data_budget

    stats, fig, error = data_budget.update("llama-2-7b", 1, 4, None)
    values = stat_values(stats)
    assert values["Training tokens"] == "138 billion" and values["Clean text"] == "553 GB"
    *_, error = data_budget.update("llama-2-7b", 0, 4, None)
    assert "Over-train" in error_text(error)


def test_dedup_explorer_flags_a_one_word_edit_but_not_a_rewrite():
    from app.labs import dedup_explorer as d

    fig, stats, verdict, error, *_ = d.compare(d.DOC_A, d.DOC_B, 5, 14, 8)
    assert "Flagged" in verdict.children and stat_values(stats)["Jaccard similarity"] == "0.77"
    other = "A completely different page about trains, timetables and the price of tickets."
    fig, stats, verdict, error, *_ = d.compare(d.DOC_A, other, 5, 14, 8)
    assert "Not flagged" in verdict.children
    for args, message in [
        (("", d.DOC_B, 5, 14, 8), "need some text"),
        ((d.DOC_A, d.DOC_B, 0, 14, 8), "Shingle size"),
        ((d.DOC_A, d.DOC_B, 5, 100, 50), "at most 400"),  # as the cleaning pipeline
    ]:
        fig, _, _, error, *_ = d.compare(*args)
        assert message in error_text(error) and fig is no_update
    *_, error, n, bands, rows = d.compare(d.DOC_A, d.DOC_B, 0, 20, 50)
    assert "Shingle size" in str(error) and "at most 400" in str(error)
    assert (n, bands, rows) == (True, True, True)


def test_switching_the_budget_unit_converts_the_budget_instead_of_refusing_it():
    from app.labs import compute_planner

    hours = compute_planner.convert_budget("gpu_hours", 5.76e23, "H100 SXM", 40)
    # 5.76e23 FLOPs / (3600 s × 989 TFLOP/s × 0.4) = 404,000 H100-hours
    assert hours == pytest.approx(404_000, rel=1e-3)
    back = compute_planner.convert_budget("flops", hours, "H100 SXM", 40)
    assert back == pytest.approx(5.76e23, rel=1e-2)
    assert compute_planner.convert_budget("gpu_hours", "abc", "H100 SXM", 40) == 1e6
    stats, note, fig, error = compute(unit="gpu_hours", budget=hours)
    assert error is None and stat_values(stats)["Parameters"] == "67.8 billion"


def test_a_tiny_budget_on_a_big_model_still_reads_in_real_numbers():
    stats, note, fig, error = compute(mode="fixed", budget=1e18)  # Llama 3 8B, 10¹⁸ FLOPs
    values = stat_values(stats)
    assert values["Wall-clock"].endswith("seconds") and not values["Wall-clock"].startswith("0.0 ")
    tokens_hint = next(s for s in stats if s.children[0].children == "Training tokens")
    assert "0.00" in tokens_hint.children[2].children  # 0.00208 tokens per parameter, not 0
    assert "only 0.0" in " ".join(note) and "0.00×" not in " ".join(note)


# ---- fields described once -------------------------------------------------------------------
SPEC_LABS = [
    memory_planner,
    serving_planner,
    finetune_planner,
    attention_variants,
    lr_schedule,
    eval_noise,
]


@pytest.mark.parametrize("lab", SPEC_LABS, ids=lambda m: m.LAB)
def test_every_number_field_states_the_range_its_parser_enforces(lab):
    """One table per lab: the box's label, default and stated range come from the same
    NumberSpec that parses it, so the form and the server cannot drift apart again."""
    from app.validation import range_text

    page = str(lab.layout())
    found = find_ids(lab.layout())
    for spec in getattr(lab, "FIELDS", ()) + getattr(lab, "PPL_FIELDS", ()):
        box = found[f"{lab.LAB}-{spec.name}"]
        assert box.value == spec.default
        assert range_text(spec.minimum, spec.maximum, integer=spec.integer, unit=spec.unit) in page
        with pytest.raises(model_builder.InputError, match=re.escape(spec.label)):
            spec.parse(spec.maximum * 10 + 1 if spec.maximum else -1)


def test_messages_for_several_fields_are_listed_together():
    from app.components.inputs import field_errors

    alert = field_errors({"a": "A: must be at least 1.", "b": "B: please enter a number."})
    assert [li.children for li in alert.children[2].children] == [
        "A: must be at least 1.",
        "B: please enter a number.",
    ]
    assert field_errors({}) is None
