"""The tiny NumPy GPT (app/core/tinylm): gradients, learning, determinism, I/O, sampling.

Architecture: GPT-2 (Radford et al. 2019); optimiser: AdamW (Loshchilov & Hutter 2019).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from app.core.tinylm import (
    PRETRAINED_PATH,
    CharTokenizer,
    TinyGPT,
    TinyGPTConfig,
    TrainConfig,
    load_corpus,
    load_pretrained,
    train,
)
from app.core.tinylm.train import text_loss

TINY = TinyGPTConfig(vocab_size=7, n_layers=2, d_model=16, n_heads=2, seq_len=16)


def unigram_entropy(ids) -> float:
    """Entropy (nats) of the character frequencies: the best loss without any context."""
    counts = np.bincount(np.asarray(ids))
    p = counts[counts > 0] / counts.sum()
    return float(-(p * np.log(p)).sum())


@pytest.fixture(scope="module")
def corpus():
    train_text, val_text = load_corpus()
    tok = CharTokenizer.from_text(train_text + val_text)
    return tok, np.asarray(tok.encode(train_text)), np.asarray(tok.encode(val_text))


# ------------------------------------------------------------------ gradients


def test_gradients_match_central_finite_differences_for_every_parameter_tensor():
    rng = np.random.default_rng(0)
    model = TinyGPT(TINY, seed=1, dtype=np.float64)
    for p in model.params.values():  # move LayerNorm gains and biases off 1 and 0
        p += rng.standard_normal(p.shape) * 0.1
    x = rng.integers(0, TINY.vocab_size, (3, 10))
    y = rng.integers(0, TINY.vocab_size, (3, 10))
    _, grads = model.loss_and_grads(x, y)
    assert set(grads) == set(model.params)
    eps = 1e-5
    for name, p in model.params.items():
        flat, g = p.reshape(-1), grads[name].reshape(-1)
        picks = rng.choice(flat.size, size=min(flat.size, 12), replace=False)
        if name == "wpe":  # only the first 10 positions are used: include unused rows too
            picks = np.concatenate([picks, [flat.size - 1]])
        for i in picks:
            old = flat[i]
            flat[i] = old + eps
            up = model.loss(x, y)
            flat[i] = old - eps
            down = model.loss(x, y)
            flat[i] = old
            numeric = (up - down) / (2 * eps)
            assert g[i] == pytest.approx(numeric, rel=1e-6, abs=1e-9), (name, i)


def test_float32_gradients_agree_with_the_float64_path():
    rng = np.random.default_rng(1)
    m64 = TinyGPT(TINY, seed=3, dtype=np.float64)
    m32 = TinyGPT(TINY, seed=3)
    assert all(p.dtype == np.float32 for p in m32.params.values())
    x = rng.integers(0, TINY.vocab_size, (4, 16))
    y = rng.integers(0, TINY.vocab_size, (4, 16))
    loss64, g64 = m64.loss_and_grads(x, y)
    loss32, g32 = m32.loss_and_grads(x, y)
    assert loss32 == pytest.approx(loss64, rel=1e-5)
    for name in g64:
        assert g32[name].dtype == np.float32
        scale = np.abs(g64[name]).max() + 1e-12
        assert np.abs(g32[name] - g64[name]).max() / scale < 1e-3, name


# ------------------------------------------------------------------ learning


def test_initial_loss_is_about_ln_vocab_size(corpus):
    tok, train_ids, _ = corpus
    model = TinyGPT(TinyGPTConfig(vocab_size=tok.vocab_size), seed=0)
    x = train_ids[: 8 * 64].reshape(8, 64)
    y = train_ids[1 : 8 * 64 + 1].reshape(8, 64)
    # a fresh model spreads its guess almost evenly: loss ≈ ln V (GPT-2 init, std 0.02)
    assert model.loss(x, y) == pytest.approx(math.log(tok.vocab_size), abs=0.1)


def test_loss_on_one_fixed_batch_falls_to_near_zero_when_overfitting():
    rng = np.random.default_rng(0)
    cfg = TinyGPTConfig(vocab_size=16, n_layers=1, d_model=32, n_heads=2, seq_len=16)
    ids = rng.integers(0, 16, cfg.seq_len + 1)  # exactly one window: every batch is the same
    model = TinyGPT(cfg, seed=0)
    run = TrainConfig(steps=150, batch_size=2, lr=1e-2, warmup_steps=10, weight_decay=0.0)
    losses = [p.train_loss for p in train(model, ids, ids, run)]
    assert losses[0] == pytest.approx(math.log(16), abs=0.2)
    assert losses[-1] < 0.05


def test_a_short_run_on_the_corpus_beats_the_unigram_entropy(corpus):
    tok, train_ids, val_ids = corpus
    model = TinyGPT(TinyGPTConfig(vocab_size=tok.vocab_size), seed=0)
    run = TrainConfig(steps=120, batch_size=16, lr=3e-3, warmup_steps=10, eval_every=40)
    progress = list(train(model, train_ids, val_ids, run))
    assert [p.step for p in progress] == list(range(1, 121))
    assert [p.step for p in progress if p.val_loss is not None] == [40, 80, 120]
    assert all(p.total_steps == 120 and p.tokens_per_second > 0 for p in progress)
    entropy = unigram_entropy(val_ids)  # ≈ 3.1 nats/char for English-like text
    # context helps: the model must clearly beat the best context-free guess
    assert progress[-1].val_loss < entropy - 0.3
    assert text_loss(model, val_ids) < entropy - 0.3


def test_learning_rate_follows_the_schedule_with_warmup():
    ids = np.arange(40) % 7
    model = TinyGPT(TINY, seed=0)
    run = TrainConfig(steps=10, batch_size=1, lr=1e-3, warmup_steps=4, min_lr_ratio=0.1)
    lrs = [p.lr for p in train(model, ids, ids, run)]
    assert lrs[:4] == pytest.approx([2.5e-4, 5e-4, 7.5e-4, 1e-3])
    assert lrs[-1] < lrs[4] and lrs[-1] >= 1e-4


def test_training_is_deterministic_for_a_seed(corpus):
    _, train_ids, val_ids = corpus
    cfg = TinyGPTConfig(vocab_size=int(train_ids.max()) + 1, n_layers=1, d_model=32, seq_len=32)
    run = TrainConfig(steps=6, batch_size=4, warmup_steps=2, eval_every=3)

    def losses(seed):
        model = TinyGPT(cfg, seed=seed)
        out = [(p.train_loss, p.val_loss) for p in train(model, train_ids, val_ids, run)]
        return out, model.params["wte"].copy()

    first, second = losses(0), losses(0)
    assert first[0] == second[0]
    assert np.array_equal(first[1], second[1])
    assert losses(1)[0] != first[0]


def test_should_stop_ends_training_within_one_step():
    ids = np.arange(100) % 7
    model = TinyGPT(TINY, seed=0)
    seen = []
    for p in train(model, ids, ids, TrainConfig(steps=50), should_stop=lambda: len(seen) >= 3):
        seen.append(p.step)
    assert seen == [1, 2, 3]


def test_training_rejects_text_shorter_than_one_window():
    model = TinyGPT(TINY, seed=0)
    with pytest.raises(ValueError, match="too short"):  # at the call, before any step
        train(model, np.arange(10) % 7, np.arange(100) % 7, TrainConfig())


# ------------------------------------------------------------------ configs


def test_n_params_matches_a_hand_count():
    cfg = TinyGPTConfig(vocab_size=65, n_layers=2, d_model=64, n_heads=4, seq_len=64)
    per_layer = (
        2 * 64  # ln_1
        + 64 * 192
        + 192  # fused qkv
        + 64 * 64
        + 64  # attention output projection
        + 2 * 64  # ln_2
        + 64 * 256
        + 256  # MLP up
        + 256 * 64
        + 64  # MLP down
    )
    hand = 65 * 64 + 64 * 64 + 2 * per_layer + 2 * 64  # wte (tied head), wpe, blocks, ln_f
    assert hand == 108_352
    assert cfg.n_params() == hand
    assert sum(p.size for p in TinyGPT(cfg).params.values()) == hand


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"vocab_size": 50, "n_layers": 0}, "number of layers must be between 1 and 4"),
        ({"vocab_size": 50, "n_layers": 5}, "number of layers must be between 1 and 4"),
        ({"vocab_size": 50, "d_model": 8}, "width .* between 16 and 256"),
        ({"vocab_size": 50, "d_model": 100, "n_heads": 3}, "divide evenly"),
        ({"vocab_size": 50, "seq_len": 512}, "context length .* between 16 and 256"),
        ({"vocab_size": 1}, "vocabulary size"),
        ({"vocab_size": 50, "d_model": 64.0}, "whole number"),
    ],
)
def test_invalid_model_configs_raise_a_readable_error(kwargs, message):
    with pytest.raises(ValueError, match=message):
        TinyGPTConfig(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"steps": 0}, "number of steps"),
        ({"batch_size": 500}, "batch size"),
        ({"lr": -1.0}, "learning rate"),
        ({"steps": 10, "warmup_steps": 20}, "warmup"),
        ({"schedule": "linear"}, "schedule must be one of"),
        ({"beta2": 1.0}, "betas must be below 1"),
        ({"grad_clip": -1.0}, "gradient clip"),
    ],
)
def test_invalid_train_configs_raise_a_readable_error(kwargs, message):
    with pytest.raises(ValueError, match=message):
        TrainConfig(**kwargs)


def test_inputs_longer_than_the_context_are_rejected():
    model = TinyGPT(TINY)
    with pytest.raises(ValueError, match="context length is 16"):
        model.loss(np.zeros((1, 17), int), np.zeros((1, 17), int))


# ------------------------------------------------------------------ save / load


def test_save_and_load_round_trip_exactly(tmp_path):
    model = TinyGPT(TINY, seed=5)
    tok = CharTokenizer.from_text("abcdefg")
    meta = {"steps": 3, "note": "ünïcode"}
    path = tmp_path / "m.npz"
    model.save(path, tokenizer=tok, meta=meta)
    loaded, loaded_tok, loaded_meta = TinyGPT.load(path)
    assert loaded.config == model.config
    assert loaded_tok == tok and loaded_meta == meta
    for name, p in model.params.items():
        assert loaded.params[name].dtype == np.float32
        assert np.array_equal(loaded.params[name], p)
    idx = np.arange(32).reshape(2, 16) % 7
    assert np.array_equal(loaded.logits(idx), model.logits(idx))


def test_the_shipped_checkpoint_loads_and_beats_the_unigram_entropy():
    assert PRETRAINED_PATH.stat().st_size <= 1.5 * 1024 * 1024
    model, tok, meta = load_pretrained()
    assert load_pretrained()[0] is model  # cached
    assert meta["model_config"]["vocab_size"] == tok.vocab_size == model.config.vocab_size
    assert meta["steps"] == meta["train_config"]["steps"] > 0
    # the guide's words may have been edited since: encode them with the checkpoint's own
    # tokenizer (unknown characters become spaces)
    val_ids = np.asarray(tok.encode(load_corpus()[1]))
    val_loss = text_loss(model, val_ids, max_windows=32)
    assert val_loss < unigram_entropy(val_ids) - 1.0  # ≈ 1.6 vs ≈ 3.2 nats/char when made
    assert val_loss == pytest.approx(meta["final_val_loss"], abs=0.3)
    assert meta["final_val_loss"] < meta["val_unigram_entropy"] - 1.0


# ------------------------------------------------------------------ sampling


def test_generate_respects_max_tokens_and_crops_the_context():
    model = TinyGPT(TINY, seed=0)
    prompt = list(np.arange(40) % 7)  # longer than seq_len 16
    assert len(model.generate(prompt, 25, seed=1)) == 25
    assert model.generate(prompt, 0) == []
    assert all(0 <= t < TINY.vocab_size for t in model.generate([1], 10))


def test_temperature_zero_is_greedy_and_deterministic():
    model = TinyGPT(TINY, seed=2)
    greedy = model.generate([1, 2, 3], 12, temperature=0, seed=0)
    assert greedy == model.generate([1, 2, 3], 12, temperature=0, seed=99)
    ids = [1, 2, 3]
    for _ in range(12):  # argmax of the next-token distribution, step by step
        ids.append(int(np.argmax(model.next_token_probs(ids))))
    assert greedy == ids[3:]
    assert model.generate([1, 2, 3], 12, top_k=1, seed=7) == greedy
    assert model.generate([1, 2, 3], 12, top_p=1e-9, seed=7) == greedy


def test_sampling_is_reproducible_for_a_seed_and_varies_across_seeds():
    model = TinyGPT(TINY, seed=2)
    a = model.generate([1], 30, temperature=1.5, seed=3)
    assert a == model.generate([1], 30, temperature=1.5, seed=3)
    assert a != model.generate([1], 30, temperature=1.5, seed=4)


def test_next_token_probs_is_a_distribution_matching_the_logits():
    model = TinyGPT(TINY, seed=0)
    probs = model.next_token_probs([0, 1, 2])
    logits = model.logits(np.array([[0, 1, 2]]))[0, -1].astype(np.float64)
    expected = np.exp(logits - logits.max())
    assert probs.shape == (TINY.vocab_size,)
    assert probs.sum() == pytest.approx(1.0)
    assert probs == pytest.approx(expected / expected.sum(), rel=1e-5)


def test_invalid_sampling_settings_raise_a_readable_error():
    model = TinyGPT(TINY)
    with pytest.raises(ValueError, match="temperature"):
        model.generate([1], 5, temperature=-1)
    with pytest.raises(ValueError, match="top-k"):
        model.generate([1], 5, top_k=0)
    with pytest.raises(ValueError, match="top-p"):
        model.generate([1], 5, top_p=0)
    with pytest.raises(ValueError, match="at least one token"):
        model.generate([], 5)


# ------------------------------------------------------------------ tokenizer and corpus


def test_char_tokenizer_round_trips_and_maps_unknown_characters_to_a_space():
    tok = CharTokenizer.from_text("hello world")
    assert tok.chars == sorted(set("hello world")) and tok.vocab_size == 8
    assert tok.decode(tok.encode("hello world")) == "hello world"
    assert tok.decode(tok.encode("hello, wörld!")) == "hello  w rld "
    with pytest.raises(ValueError, match="between 0 and 7"):
        tok.decode([8])


def test_corpus_is_the_guides_own_words_without_placeholders():
    train_text, val_text = load_corpus()
    assert load_corpus() == (train_text, val_text)  # deterministic
    assert 20_000 < len(train_text) < 400_000
    assert 0.05 < len(val_text) / (len(train_text) + len(val_text)) < 0.2
    for text in (train_text, val_text):
        assert "{{" not in text and "}}" not in text and "---\nslug:" not in text
    assert "transformer" in train_text.lower()


# ------------------------------------------------------------------ internals worth pinning


def test_adamw_decays_2d_weights_only_and_decoupled_from_the_gradient():
    # Loshchilov & Hutter 2019: w <- w - lr*wd*w - lr*adam_step; with zero gradients the
    # Adam step is 0, so only 2-D tensors shrink, by exactly (1 - lr*wd).
    from app.core.tinylm.train import AdamW

    model = TinyGPT(TINY, seed=0)
    for p in model.params.values():
        p[...] = 1.0
    opt = AdamW(model, TrainConfig(weight_decay=0.5))
    opt.step(np.zeros_like(model._flat), lr=0.1)
    for name, p in model.params.items():
        expected = 0.95 if p.ndim == 2 else 1.0
        assert np.allclose(p, expected), name


def test_softmax_fast_path_falls_back_to_the_stable_form_at_exps_limits():
    from app.core.tinylm.model import _softmax_lastaxis

    logits = np.array([[1000.0, 999.0, -np.inf], [-1000.0, -1001.0, -1002.0]], np.float32)
    probs = _softmax_lastaxis(logits.copy())
    first = np.exp([0.0, -1.0]) / np.exp([0.0, -1.0]).sum()
    second = np.exp([0.0, -1.0, -2.0]) / np.exp([0.0, -1.0, -2.0]).sum()
    assert np.all(np.isfinite(probs))
    assert probs[0, :2] == pytest.approx(first, rel=1e-6) and probs[0, 2] == 0
    assert probs[1] == pytest.approx(second, rel=1e-6)


def test_training_caps_blas_threads_only_while_it_runs():
    threadpoolctl = pytest.importorskip("threadpoolctl")

    def blas_threads():
        return [
            i["num_threads"] for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"
        ]

    before = blas_threads()
    ids = np.arange(100) % 7
    run = TrainConfig(steps=2, warmup_steps=1)
    during = [blas_threads() for _ in train(TinyGPT(TINY), ids, ids, run)]
    assert all(threads == [1] * len(before) for threads in during)
    assert blas_threads() == before


def test_ignored_targets_are_left_out_of_the_loss_and_its_gradient():
    """Targets of IGNORE (-1, PyTorch's ignore_index) are not scored: the loss is the mean
    over the scored positions, and the gradients match finite differences of that loss."""
    from app.core.tinylm.model import IGNORE

    cfg = TinyGPTConfig(vocab_size=11, n_layers=1, d_model=16, n_heads=2, seq_len=16)
    model = TinyGPT(cfg, seed=1, dtype=np.float64)
    rng = np.random.default_rng(0)
    x, y = rng.integers(0, 11, (2, 16)), rng.integers(0, 11, (2, 16))
    masked = y.copy()
    masked[:, :9] = IGNORE
    loss, grads = model.loss_and_grads(x, masked)
    log_probs = model.logits(x).reshape(-1, 11)
    log_probs = log_probs - np.log(np.exp(log_probs).sum(axis=1, keepdims=True))
    kept = masked.reshape(-1) != IGNORE
    assert loss == pytest.approx(-log_probs[kept, masked.reshape(-1)[kept]].mean(), rel=1e-10)
    weight = model.params["h.0.attn.c_attn.weight"]
    for index in [(0, 0), (3, 5), (10, 20)]:
        old, eps = weight[index], 1e-6
        weight[index] = old + eps
        up = model.loss(x, masked)
        weight[index] = old - eps
        down = model.loss(x, masked)
        weight[index] = old
        numeric = (up - down) / (2 * eps)
        assert grads["h.0.attn.c_attn.weight"][index] == pytest.approx(numeric, rel=1e-4, abs=1e-9)
    everything_ignored = np.full_like(y, IGNORE)
    loss, grads = model.loss_and_grads(x, everything_ignored)
    assert loss == 0.0 and all(not g.any() for g in grads.values())
