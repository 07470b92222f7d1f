"""Fine-tuning the tiny GPT: full fine-tuning and LoRA (Hu et al. 2021) on the guide's
question-answer pairs, built on TinyGPT.loss_and_grads."""

from __future__ import annotations

import time

import numpy as np
import pytest

from app.config import settings
from app.core.tinylm import TinyGPT, TinyGPTConfig, TrainConfig, load_corpus, load_pretrained
from app.core.tinylm.finetune import (
    LORA_TARGETS,
    FullFinetune,
    LoRAConfig,
    LoRAFinetune,
    answer_loss,
    finetune,
    fit_to_vocab,
    lora_trainable_params,
    qa_pairs,
    split_pairs,
    task_batch,
    task_data,
)
from app.core.tinylm.model import IGNORE
from app.core.tinylm.runtime import training_runtime
from app.core.tinylm.train import text_loss

ALL_TARGETS = tuple(LORA_TARGETS)


@pytest.fixture(scope="module")
def tiny():
    """A random float64 model small enough for finite differences."""
    cfg = TinyGPTConfig(vocab_size=11, n_layers=2, d_model=16, n_heads=2, seq_len=16)
    return TinyGPT(cfg, seed=3, dtype=np.float64)


@pytest.fixture(scope="module")
def shipped():
    model, tokenizer, _ = load_pretrained()
    task = task_data(tokenizer, settings.content_dir)
    reference = np.asarray(tokenizer.encode(load_corpus()[1]))
    return model, tokenizer, task, reference


def _batch(seed=0, vocab=11, shape=(2, 12)):
    rng = np.random.default_rng(seed)
    return rng.integers(0, vocab, shape), rng.integers(0, vocab, shape)


def _with_random_b(lora: LoRAFinetune, seed=1) -> LoRAFinetune:
    """B is zero at init, which makes dA zero too; give B values so both gradients show."""
    rng = np.random.default_rng(seed)
    for b in lora.B.values():
        b[...] = rng.standard_normal(b.shape) * 0.1
    lora.refresh()
    return lora


def _snapshot(model: TinyGPT) -> dict[str, np.ndarray]:
    return {n: p.copy() for n, p in model.params.items()}


# ------------------------------------------------------------------ LoRA's maths


def test_lora_gradients_for_a_and_b_match_finite_differences(tiny):
    lora = _with_random_b(LoRAFinetune(tiny, LoRAConfig(rank=3, alpha=6.0, targets=ALL_TARGETS)))
    x, y = _batch()
    _, grads = lora.loss_and_grads(x, y)
    rng = np.random.default_rng(2)
    for name, array in lora.trainable().items():
        for _ in range(4):
            i = tuple(int(rng.integers(0, s)) for s in array.shape)
            old, h = array[i], 1e-6
            array[i] = old + h
            lora.refresh()
            up = lora.model.loss(x, y)
            array[i] = old - h
            lora.refresh()
            down = lora.model.loss(x, y)
            array[i] = old
            lora.refresh()
            numeric = (up - down) / (2 * h)
            assert grads[name][i] == pytest.approx(numeric, rel=1e-4, abs=1e-8), name


def test_with_b_zero_at_init_the_lora_model_equals_the_base_model_exactly(tiny):
    x, _ = _batch()
    lora = LoRAFinetune(tiny, LoRAConfig(rank=4, targets=ALL_TARGETS))
    assert all(not b.any() for b in lora.B.values())
    assert all(a.std() > 0 for a in lora.A.values())  # A is random: only B starts at zero
    np.testing.assert_array_equal(lora.model.logits(x), tiny.logits(x))


def test_merge_folds_the_adapters_into_a_plain_model_with_the_same_logits(tiny):
    lora = _with_random_b(LoRAFinetune(tiny, LoRAConfig(rank=2, alpha=4.0)))
    merged = lora.merge()
    assert type(merged) is TinyGPT
    for name in lora.weight_names:  # W + (alpha / r) A @ B, computed independently
        expected = tiny.params[name] + 2.0 * lora.A[name] @ lora.B[name]
        np.testing.assert_allclose(merged.params[name], expected, rtol=1e-12)
    x, _ = _batch(seed=5)
    np.testing.assert_allclose(merged.logits(x), lora.model.logits(x), rtol=1e-12)
    assert not np.allclose(merged.logits(x), tiny.logits(x))  # the adapters did change it
    lora.B[lora.weight_names[0]][...] = 0.0  # the merged model is independent of the tuner
    lora.refresh()
    assert not np.allclose(merged.logits(x), lora.model.logits(x))


def test_lora_trains_r_times_d_in_plus_d_out_per_adapted_matrix(shipped):
    model = shipped[0]
    c, layers = model.config.d_model, model.config.n_layers
    attention = LoRAFinetune(model, LoRAConfig(rank=4))  # default: QKV and output projection
    assert attention.n_trainable() == layers * (4 * (c + 3 * c) + 4 * (c + c))
    assert attention.n_trainable() == lora_trainable_params(model, attention.cfg)
    everything = LoRAFinetune(model, LoRAConfig(rank=8, targets=ALL_TARGETS))
    per_layer = 8 * ((c + 3 * c) + (c + c) + (c + 4 * c) + (4 * c + c))
    assert everything.n_trainable() == layers * per_layer
    assert attention.n_total() == model.config.n_params()


def test_full_fine_tuning_counts_all_or_only_the_last_block(shipped):
    model = shipped[0]
    c = model.config.d_model
    assert FullFinetune(model).n_trainable() == model.config.n_params()
    # one block (12 C^2 + 13 C) and the final LayerNorm (2 C); the tied head stays frozen
    assert FullFinetune(model, "last_block").n_trainable() == 12 * c * c + 13 * c + 2 * c


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda m: LoRAConfig(rank=0), "at least 1"),
        (lambda m: LoRAConfig(rank=2.5), "whole number"),
        (lambda m: LoRAConfig(alpha=0), "positive"),
        (lambda m: LoRAConfig(targets=()), "at least one"),
        (lambda m: LoRAConfig(targets=("gate",)), "Unknown LoRA target"),
        (lambda m: LoRAFinetune(m, LoRAConfig(rank=17)), "cannot exceed"),
        (lambda m: FullFinetune(m, "embeddings"), "must be one of"),
        (lambda m: FullFinetune(m, ["nope"]), "Unknown parameter"),
    ],
)
def test_bad_settings_raise_a_sentence(tiny, make, message):
    with pytest.raises(ValueError, match=message):
        make(tiny)


# ------------------------------------------------------------------ the task


def test_the_task_is_the_guides_questions_in_a_fixed_format_split_deterministically(shipped):
    _, tokenizer, task, _ = shipped
    pairs = qa_pairs(settings.content_dir)
    assert split_pairs(pairs) == split_pairs(qa_pairs(settings.content_dir))
    train, held = split_pairs(pairs)
    assert len(held) == len(pairs) // 5 and len(train) + len(held) == len(pairs)
    assert not {p.question for p in held} & {p.question for p in train}
    assert {p.source for p in held} >= {"glossary"} and any(
        p.source.startswith("quiz") for p in held
    )
    first = task.train_pairs[0]
    assert first.text.startswith(f"Q: {first.question}\nA: ") and first.text.endswith("\n\n")
    known = set(tokenizer.chars)
    text = tokenizer.decode(task.train_ids) + tokenizer.decode(task.held_out_ids)
    assert set(text) <= known
    assert tokenizer.decode(task.train_ids) == "".join(p.text for p in task.train_pairs)


def test_characters_the_tokenizer_lacks_are_made_plain_or_dropped():
    assert fit_to_vocab("“Café” — ok…", list('Cafe ok.-"')) == '"Cafe" - ok...'


def test_answer_loss_scores_only_the_answer_given_the_question(shipped):
    model, tokenizer, task, _ = shipped
    pair = min(task.held_out, key=lambda p: len(p.text))  # fits the context: no cropping
    assert len(pair.prompt + pair.completion) <= model.config.seq_len
    prompt, completion = tokenizer.encode(pair.prompt), tokenizer.encode(pair.completion)
    ids = prompt + completion
    with training_runtime():  # one BLAS thread for these ~60 tiny forward passes
        manual = [
            -np.log(model.next_token_probs(ids[:i])[ids[i]]) for i in range(len(prompt), len(ids))
        ]
    assert answer_loss(model, tokenizer, [pair]) == pytest.approx(np.mean(manual), rel=1e-4)


# ------------------------------------------------------------------ training


def _run(tuner, task, reference, steps=60, lr=3e-3):
    cfg = TrainConfig(
        steps=steps,
        batch_size=8,
        lr=lr,
        warmup_steps=min(6, steps),
        weight_decay=0.0,
        eval_every=20,
        seed=0,
    )
    return list(finetune(tuner, task, reference, cfg))


def test_frozen_tensors_stay_bit_identical(shipped):
    model, _, task, reference = shipped
    before = _snapshot(model)
    lora = LoRAFinetune(model, LoRAConfig(rank=4))
    _run(lora, task, reference, steps=4)
    for name, p in model.params.items():  # the shared base is never written
        np.testing.assert_array_equal(p, before[name])
    for name, p in lora.model.params.items():
        if name in lora.weight_names:
            np.testing.assert_array_equal(lora.frozen[name], before[name])
            assert not np.array_equal(p, before[name])  # W_eff moved
        else:
            np.testing.assert_array_equal(p, before[name])
    last = FullFinetune(model, "last_block")
    _run(last, task, reference, steps=4)
    for name, p in last.model.params.items():
        if name in last.trainable_names:
            assert not np.array_equal(p, before[name]), name
        else:
            np.testing.assert_array_equal(p, before[name])


def test_training_scores_answers_only(shipped):
    """Supervised fine-tuning scores the response, not the prompt (Ouyang et al. 2022):
    every scored target of a batch is an answer character."""
    _, tokenizer, task, _ = shipped
    x, y = task_batch(task, 16, 96, np.random.default_rng(0))
    scored = y != IGNORE
    assert 0 < scored.mean() < 1
    answers = "".join(p.completion for p in task.train_pairs)
    assert set(tokenizer.decode(y[scored].tolist())) <= set(answers)
    assert np.array_equal(x[:, 1:][scored[:, :-1]], y[:, :-1][scored[:, :-1]])


def test_a_small_model_memorises_its_training_answers_but_not_unseen_ones(shipped):
    """Measured on the shipped 246k-parameter model: 100 steps of full fine-tuning make its
    own training answers easier (about 1.21 -> 1.16 nats per character on 121 examples)
    while the held-out answers do not improve (they get worse: overfitting). A hundred-odd
    examples teach a tiny model no new facts; fine-tuning mainly teaches form (Zhou et al.
    2023, LIMA)."""
    model, tokenizer, task, reference = shipped
    sample = task.train_pairs[:30]
    before = answer_loss(model, tokenizer, sample)
    start = time.perf_counter()
    tuner = FullFinetune(model)
    history = _run(tuner, task, reference, steps=100, lr=1e-3)
    seconds = time.perf_counter() - start
    first, last = history[0], history[-1]
    assert first.step == 0 and first.train_loss is None
    assert last.step == 100 and last.task_val_loss is not None
    assert answer_loss(tuner.merge(), tokenizer, sample) < before - 0.04
    assert last.task_val_loss > first.task_val_loss - 0.02
    assert seconds < 40, f"100 fine-tuning steps took {seconds:.1f} s"


def test_full_fine_tuning_forgets_more_than_lora_at_the_same_steps_and_rate(shipped):
    """Biderman et al. 2024: LoRA learns less and forgets less. Forgetting = the rise of
    the loss on the original pretraining validation text."""
    model, _, task, reference = shipped
    full = _run(FullFinetune(model), task, reference, lr=1e-3)
    lora = _run(LoRAFinetune(model, LoRAConfig(rank=4, alpha=8.0)), task, reference, lr=1e-3)
    base = full[0].pretrain_val_loss
    assert lora[0].pretrain_val_loss == base
    assert base == pytest.approx(text_loss(model, reference, max_windows=16))
    full_rise = full[-1].pretrain_val_loss - base
    lora_rise = lora[-1].pretrain_val_loss - base
    assert full_rise > 0
    assert full_rise > lora_rise + 0.02, (full_rise, lora_rise)


def test_should_stop_ends_the_run_before_the_next_step(shipped):
    model, _, task, reference = shipped
    calls = []

    def stop_after_two():
        calls.append(1)
        return len(calls) > 2

    cfg = TrainConfig(steps=50, batch_size=4, warmup_steps=0, eval_every=10)
    steps = [
        p.step
        for p in finetune(LoRAFinetune(model), task, reference, cfg, should_stop=stop_after_two)
    ]
    assert steps == [0, 1, 2]
