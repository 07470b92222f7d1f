"""Stages 07 and 08's tiny-GPT labs, their callbacks called as plain functions."""

from __future__ import annotations

import math

import numpy as np
import pytest
from dash import no_update

from app.core.sampling import sampling_distribution
from app.core.tinylm import load_pretrained
from app.labs import tiny_eval, tiny_generate
from app.services.tinygpt import generation as text_generation
from app.services.tinygpt import measuring as text_measure
from app.services.tinygpt import models as tiny_models
from app.services.tinygpt.models import PRETRAINED
from tests.helpers import as_plotly, error_text, is_message_figure, stat_values

# ------------------------------------------------------------------ stage 07: measure


def loss_of(text: str) -> float:
    return text_measure.measure_text(PRETRAINED, text)[1].mean_nats


def test_a_real_sentence_surprises_the_model_less_than_shuffled_words_or_random_letters():
    sentence, shuffled, letters = (
        text_measure.sample_text(n) for n in ("guide", "shuffled", "random")
    )
    assert sorted(sentence.split()) == sorted(shuffled.split()) and sentence != shuffled
    assert len(letters) == len(sentence) and letters.isalpha()
    assert loss_of(sentence) < loss_of(shuffled) < loss_of(letters)
    # The tiny model has learned more than letter counts, but random letters defeat it.
    m = text_measure.measure_text(PRETRAINED, sentence)[1]
    assert m.mean_nats < m.unigram_nats < m.uniform_nats == pytest.approx(math.log(m.vocab_size))


def test_perplexity_is_e_to_the_mean_loss_and_bits_are_loss_over_ln_2():
    about, error, stats, text, figure, notes = tiny_eval.update(PRETRAINED, "The model learns.")
    m = text_measure.measure_text(PRETRAINED, "The model learns.")[1]
    values = stat_values(stats)
    assert error is None
    assert m.mean_nats == pytest.approx(np.nanmean(m.surprise_nats))
    assert m.perplexity == pytest.approx(math.exp(m.mean_nats))
    assert m.bits_per_character == pytest.approx(m.mean_nats / math.log(2))
    assert values["Perplexity"] == f"{math.exp(m.mean_nats):,.1f}"  # below 100 here
    assert [t.name for t in as_plotly(figure).data] == [None] and len(
        as_plotly(figure).data[0].y
    ) == 4


def test_every_character_is_coloured_with_its_probability_and_the_models_top_guesses():
    *_, text, _, _ = tiny_eval.update(PRETRAINED, "Hi <b>there</b>")
    spans = text.children
    assert "".join(s.children for s in spans) == "Hi <b>there</b>"  # plain text, never HTML
    assert all(s.style["background"] for s in spans)
    assert "p = " in spans[0].title and "Top guesses:" in spans[0].title


def test_surprise_is_minus_ln_of_the_models_probability_given_the_text_before():
    model, tokenizer, _ = load_pretrained()
    text = "The model"
    m = text_measure.measure_text(PRETRAINED, text)[1]
    context = tokenizer.encode("\n\n" + text[:4])
    p = model.next_token_probs(context)[tokenizer.encode(text[4])[0]]
    assert m.surprise_nats[4] == pytest.approx(-math.log(p), abs=1e-4)


def test_characters_outside_the_vocabulary_are_explained_and_not_scored():
    about, error, stats, text, figure, notes = tiny_eval.update(PRETRAINED, "café ☕ ok")
    m = text_measure.measure_text(PRETRAINED, "café ☕ ok")[1]
    assert m.unknown == ["é", "☕"]
    assert math.isnan(m.surprise_nats[3]) and not m.scored[3]
    assert "Not in the vocabulary" in str(notes) and "space" in str(notes)


def test_a_long_text_is_cut_with_a_note():
    *_, notes = tiny_eval.update(PRETRAINED, "word " * 100)
    assert "only the first 256 are measured" in str(notes)
    assert len(text_measure.measure_text(PRETRAINED, "word " * 100)[1].chars) == 256


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (None, "Type or paste a sentence"),
        ("", "Type or paste a sentence"),
        ("   \n ", "Type or paste a sentence"),
        (42, "Type or paste a sentence"),
        ("日本語", "None of these characters are in the model's vocabulary"),
    ],
)
def test_bad_text_gets_a_sentence_not_a_traceback(text, message):
    about, error, stats, coloured, figure, notes = tiny_eval.update(PRETRAINED, text)
    assert message in error_text(error)
    assert stats is None and coloured is None and is_message_figure(figure)


def test_a_tampered_model_choice_measures_with_the_shipped_model_and_says_so():
    about, error, *_ = tiny_eval.update("../../etc/passwd", "The model")
    assert error is None
    assert "not one of the models on offer" in str(about)


def test_the_held_out_loss_is_computed_once_per_model():
    tiny_models.validation_loss.cache_clear()
    first = tiny_models.validation_loss(PRETRAINED)
    assert tiny_models.validation_loss(PRETRAINED) == first
    assert tiny_models.validation_loss.cache_info().hits == 1
    _, _, meta = load_pretrained()
    assert first == pytest.approx(meta["final_val_loss"], abs=0.3)


def test_the_dropdown_keeps_a_valid_choice_and_drops_a_vanished_one():
    options, value = tiny_eval.fill_models("tampered!", "0123456789ab")
    assert [o["value"] for o in options] == [PRETRAINED] and value == PRETRAINED
    options, value = tiny_generate.fill_models(None, PRETRAINED)
    assert value is no_update  # the shipped model stays chosen: nothing to send
    # What the page already shows is not sent again (it would re-run the lab on load).
    assert tiny_generate.fill_models(None, PRETRAINED, options) == (no_update, no_update)


def test_samples_load_by_name():
    assert text_measure.sample_text("random") == text_measure.samples()["random"]
    with pytest.raises(ValueError):
        text_measure.sample_text("<script>")


# ------------------------------------------------------------------ stage 08: serve

FIELDS = tiny_generate.FIELDS


def form(**changes):
    raw = {**tiny_generate.DEFAULTS, **changes}
    return [raw[name] for name in FIELDS]


def generated(**changes) -> str:
    output, speed = tiny_generate.run(1, *form(**changes))
    return output.children[1].children


def test_generation_shows_the_text_and_its_measured_speed():
    output, speed = tiny_generate.run(1, *form(max_new=50))
    prompt, text = output.children
    assert prompt.children == "The model " and len(text.children) == 50
    values = stat_values(speed)
    assert float(values["Speed"].replace(",", "")) > 0
    assert values["Time to first character"].endswith(" ms")


def test_temperature_zero_is_deterministic_and_greedy():
    a = generated(temperature=0, seed=1, max_new=40)
    b = generated(temperature=0, seed=2, max_new=40)
    assert a == b
    model, tokenizer, _ = load_pretrained()
    probs = model.next_token_probs(tokenizer.encode("The model "))
    assert a[0] == tokenizer.chars[int(np.argmax(probs))]


def test_the_same_seed_gives_the_same_text():
    assert generated(seed=5, max_new=60) == generated(seed=5, max_new=60)


def test_top_k_1_keeps_exactly_one_candidate():
    figure, note, memory, about, error = tiny_generate.preview(*form(top_k=1, top_p=1))
    kept, cut = as_plotly(figure).data
    assert error is None
    assert len(kept.x) == 1 and len(cut.x) == tiny_generate.BAR_CHARS - 1
    assert "keeps 1 of" in note.children
    # and generation then always takes that one character, whatever the seed
    assert generated(top_k=1, seed=1, max_new=20) == generated(top_k=1, seed=9, max_new=20)


def test_the_sampler_view_matches_what_generate_draws():
    model, tokenizer, _ = load_pretrained()
    logits = model.logits(np.asarray(tokenizer.encode("The model "))[None, :])[0, -1]
    for temperature, top_k, top_p in [(0.8, 5, None), (1.0, None, 0.5), (1.5, 10, 0.9)]:
        dist = sampling_distribution(logits, temperature, top_k, top_p)
        assert dist.final.sum() == pytest.approx(1) and dist.final[~dist.kept].sum() == 0
        draws = {
            model.generate(tokenizer.encode("The model "), 1, temperature, top_k, top_p, seed=s)[0]
            for s in range(40)
        }
        assert draws <= set(np.flatnonzero(dist.kept))  # never a character the chart cut


def test_top_p_keeps_the_smallest_set_reaching_p():
    dist = sampling_distribution(np.log([0.5, 0.3, 0.15, 0.05]), 1.0, None, 0.75)
    assert dist.kept.tolist() == [True, True, False, False]
    assert dist.final[:2] == pytest.approx([0.625, 0.375])


def test_the_memory_table_uses_the_kv_formula_for_both_models():
    model, _, _ = load_pretrained()
    cfg = model.config
    tiny, llama = text_generation.memory_rows(tiny_models.resolve(PRETRAINED))
    assert tiny.kv_per_token == 2 * cfg.n_layers * cfg.n_heads * (cfg.d_model // cfg.n_heads) * 2
    assert tiny.weights_fp32 == 4 * cfg.n_params() and tiny.weights_bf16 == 2 * cfg.n_params()
    # Llama 2 7B: 32 layers × 32 KV heads × 128 → 512 KiB per token in bf16 (Touvron 2023)
    assert llama.kv_per_token == 2 * 32 * 32 * 128 * 2
    assert llama.kv_full_context == 4096 * llama.kv_per_token


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"temperature": "hot"}, "Temperature: 'hot' is not a number."),
        ({"temperature": -1}, "Temperature: must be at least 0."),
        ({"temperature": None}, "Temperature: please enter a number."),
        ({"top_k": 2.5}, "Top-k: must be a whole number."),
        ({"top_k": -3}, "Top-k: must be at least 0."),
        ({"top_p": 0}, "Top-p: must be above 0"),
        ({"top_p": 1.5}, "Top-p: must be at most 1."),
        ({"top_p": "nan"}, "Top-p: must be a finite number."),
        ({"max_new": 0}, "New characters: must be at least 1."),
        ({"max_new": 10_000}, f"New characters: must be at most {text_generation.MAX_NEW_CHARS}"),
        ({"seed": -1}, "Seed: must be at least 0."),
        ({"prompt": ""}, "Prompt: type at least one character"),
        ({"prompt": None}, "Prompt: type at least one character"),
        ({"prompt": "x" * 201}, "Prompt: keep it to at most 200 characters"),
    ],
)
def test_bad_settings_get_a_sentence(changes, message):
    figure, note, memory, about, error = tiny_generate.preview(*form(**changes))
    assert message in error_text(error)
    assert is_message_figure(figure)
    output, speed = tiny_generate.run(1, *form(**changes))
    assert output.children == "Fix the setting named above, then generate." and speed is None


def test_a_prompt_with_unknown_characters_is_explained():
    *_, about, error = tiny_generate.preview(*form(prompt="Café "))
    assert error is None and "'é'" in str(about)


def test_a_perplexity_above_the_vocabulary_is_not_called_a_choice_among_that_many():
    from app.labs.tiny_eval.views import stats_view

    def perplexity_hint(text):
        m = text_measure.measure_text(PRETRAINED, text)[1]
        tile = next(t for t in stats_view(m, 1.5) if t.children[0].children == "Perplexity")
        return m, tile.children[2].children

    m, hint = perplexity_hint(text_measure.sample_text("random"))
    assert m.perplexity > m.vocab_size and f"worse than choosing among all {m.vocab_size}" in hint
    m, hint = perplexity_hint(text_measure.sample_text("guide"))
    assert "as unsure as choosing among this many characters" in hint
