"""Tokenizers trained on the guide's corpus: exact round trips where the kind promises them,
compression that improves with the vocabulary, BPE merges in frequency order (Sennrich et
al. 2016), and vocabulary sizes the learner cannot break."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.data import tokenization as tz

SMALL_CORPUS = [
    "the cat sat on the mat",
    "the dog sat on the log",
    "a lower lowest low newer newest wider widest",
    "tokens are pieces of text, and 42 is a number",
] * 25
# Hugging Face course, chapter 6.5: "u g" occurs 20 times, more than any other pair.
HUG_CORPUS = ["hug"] * 10 + ["pug"] * 5 + ["pun"] * 12 + ["bun"] * 4 + ["hugs"] * 5


def property_settings(max_examples: int):
    """Hypothesis settings for properties over a module-wide trained tokenizer."""
    return settings(
        max_examples=max_examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )


@pytest.fixture(scope="module")
def small_bpe():
    return tz.train_tokenizer("bpe", 300, SMALL_CORPUS)


@pytest.fixture(scope="module")
def small_unigram():
    return tz.train_tokenizer("unigram", 300, SMALL_CORPUS)


def ids(tok, text):
    return [t.id for t in tz.encode(tok, text)]


# ---- round trips --------------------------------------------------------------------------
@property_settings(max_examples=200)
@given(text=st.text(max_size=80))
def test_byte_level_bpe_gives_back_any_unicode_text_exactly(small_bpe, text):
    # GPT-2 (Radford et al. 2019, §2.2): 256 byte tokens make every string encodable.
    assert tz.decode(small_bpe, ids(small_bpe, text)) == text


def test_byte_level_bpe_never_needs_an_unknown_token(small_bpe):
    assert tz.unknown_id(small_bpe) is None
    assert tz.round_trips(small_bpe, "Straße, naïve café, 🤖👩‍💻, 中文, \t\n  ")


SEEN = sorted(set("".join(SMALL_CORPUS)) - {" "})


@property_settings(max_examples=150)
@given(
    first=st.sampled_from(SEEN),
    rest=st.text(alphabet=st.sampled_from([*SEEN, " "]), max_size=60),
)
def test_unigram_gives_back_text_of_seen_characters_exactly(small_unigram, first, rest):
    # SentencePiece (Kudo & Richardson 2018) keeps spaces as '▁', so nothing is lost as long
    # as every character was seen in training (and the text does not start with a space).
    text = first + rest
    assert tz.decode(small_unigram, ids(small_unigram, text)) == text


def test_unigram_and_wordpiece_mark_unseen_characters_unknown(small_unigram):
    wordpiece = tz.train_tokenizer("wordpiece", 300, SMALL_CORPUS)
    for tok in (small_unigram, wordpiece):
        tokens = tz.encode(tok, "the cat 🤖")
        assert tokens[-1].id == tz.unknown_id(tok)
        assert not tz.round_trips(tok, "the cat 🤖")


def test_wordpiece_gives_back_plain_words_but_drops_extra_spaces():
    tok = tz.train_tokenizer("wordpiece", 300, SMALL_CORPUS)
    assert tz.round_trips(tok, "the cat sat on the mat")
    assert tz.decode(tok, ids(tok, "the  cat\nsat")) == "the cat sat"  # whitespace is lost


def test_every_kind_round_trips_a_plain_english_sentence():
    sentence = "The model reads the text as tokens."
    for kind in tz.KINDS:
        assert tz.round_trips(tz.train_tokenizer(kind, 2_000), sentence), kind


def test_byte_level_spans_cover_the_text_and_byte_pieces_share_a_character(small_bpe):
    text = "Hi 🤖 there"
    tokens = tz.encode(small_bpe, text)
    robot = [t for t in tokens if t.span == (3, 4)]
    assert len(robot) == 4  # 🤖 is 4 UTF-8 bytes, none merged in this corpus
    starts = sorted({t.span for t in tokens})
    assert "".join(text[a:b] for a, b in starts) == text


def test_wordpiece_spans_cover_every_character_but_the_spaces():
    tok = tz.train_tokenizer("wordpiece", 300, SMALL_CORPUS)
    text = "the cat, sat!"
    covered = {i for t in tz.encode(tok, text) for i in range(*t.span)}
    assert covered == {i for i, c in enumerate(text) if not c.isspace()}


# ---- compression ----------------------------------------------------------------------------
@pytest.mark.parametrize("kind", tz.KINDS)
def test_a_larger_vocabulary_needs_fewer_tokens_on_held_out_text(kind):
    held_out = tz.default_held_out_text()
    n_small = len(ids(tz.train_tokenizer(kind, 300), held_out))
    n_large = len(ids(tz.train_tokenizer(kind, 4_000), held_out))
    assert n_large < 0.8 * n_small


def test_compression_curve_rises_with_the_vocabulary_size():
    curve = tz.compression_curve("bpe", [260, 1_000, 4_000])
    assert curve == sorted(curve) and curve[-1] > 1.5 * curve[0]
    assert 0.9 < curve[0] < 1.5  # with almost only single bytes, about one character each


def test_compression_curve_takes_any_texts():
    curve = tz.compression_curve("wordpiece", [260, 400], SMALL_CORPUS, "the cat sat on the log")
    assert len(curve) == 2 and curve[1] >= curve[0]


def test_default_curves_cover_every_kind_and_size():
    curves = tz.default_compression_curves()
    assert set(curves) == set(tz.KINDS)
    assert all(len(v) == len(tz.CURVE_VOCAB_SIZES) for v in curves.values())


def test_stats_are_counts_over_the_text(small_bpe):
    text = "the cat sat on the mat"
    n = len(ids(small_bpe, text))
    assert tz.tokens_per_word(small_bpe, text) == pytest.approx(n / 6)
    assert tz.chars_per_token(small_bpe, text) == pytest.approx(len(text) / n)
    with pytest.raises(ValueError):
        tz.tokens_per_word(small_bpe, "   ")
    with pytest.raises(ValueError):
        tz.chars_per_token(small_bpe, "")


# ---- merges ---------------------------------------------------------------------------------
def test_the_first_merge_is_the_most_frequent_pair():
    pairs = Counter((w[i], w[i + 1]) for w in HUG_CORPUS for i in range(len(w) - 1))
    most_frequent = pairs.most_common(1)[0]
    assert most_frequent == (("u", "g"), 20)
    tok = tz.train_tokenizer("bpe", 270, HUG_CORPUS)
    merges = tz.first_merges(tok, 3)
    assert merges[0] == ("u", "g")
    assert merges[1] == ("u", "n")  # 16 times; "h ug" is next with 15
    assert merges[2] == ("h", "ug")


def test_merges_of_the_default_corpus_start_with_spaces_and_common_letters():
    merges = tz.first_merges(tz.train_tokenizer("bpe", 1_000), 20)
    assert len(merges) == 20
    assert any(left == "Ġ" for left, _ in merges)  # 'Ġ' is a space in GPT-2's alphabet


def test_only_bpe_has_merges():
    with pytest.raises(ValueError, match="Only a BPE"):
        tz.first_merges(tz.train_tokenizer("unigram", 300, SMALL_CORPUS), 5)


def test_training_is_deterministic():
    a = tz.first_merges(tz.train_tokenizer("bpe", 400, SMALL_CORPUS), 100)
    b = tz.first_merges(tz.train_tokenizer("bpe", 400, SMALL_CORPUS), 100)
    assert a == b


# ---- sizes and kinds ------------------------------------------------------------------------
@pytest.mark.parametrize("size", [0, 255, 256, 259, 8_001, 50_257])
def test_vocabulary_sizes_out_of_range_are_refused(size):
    with pytest.raises(ValueError, match="vocabulary size"):
        tz.train_tokenizer("bpe", size, SMALL_CORPUS)


@pytest.mark.parametrize("size", [259.5, "1000", True, None])
def test_vocabulary_sizes_must_be_whole_numbers(size):
    with pytest.raises(ValueError):
        tz.train_tokenizer("bpe", size)


def test_the_smallest_vocabulary_is_the_bytes_plus_four_merges():
    tok = tz.train_tokenizer("bpe", tz.MIN_VOCAB_SIZE, SMALL_CORPUS)
    assert tok.get_vocab_size() == tz.BYTE_ALPHABET_SIZE + 4
    assert len(tz.first_merges(tok, 100)) == 4


def test_unknown_kinds_and_empty_corpora_are_refused():
    with pytest.raises(ValueError, match="Unknown tokenizer kind"):
        tz.train_tokenizer("sentencepiece", 1_000)
    with pytest.raises(ValueError, match="some text"):
        tz.train_tokenizer("bpe", 1_000, ["", "  "])


def test_default_tokenizers_are_trained_once_per_kind_and_size():
    assert tz.train_tokenizer("bpe", 500) is tz.train_tokenizer("bpe", 500)
    assert tz.train_tokenizer("bpe", 500) is not tz.train_tokenizer("bpe", 501)


# ---- the default corpus ---------------------------------------------------------------------
def test_default_corpus_is_deterministic_and_keeps_held_out_text_apart():
    train = tz.default_training_texts()
    held_out = tz.default_held_out_text()
    assert train and held_out
    assert sum(map(len, train)) <= tz.MAX_TRAINING_CHARS + max(map(len, train))
    assert not any(text in held_out for text in train if len(text) > 200)


def test_stage_texts_drop_front_matter_and_placeholders():
    texts = tz.stage_texts()
    joined = "\n".join(texts)
    assert "{{" not in joined and "slug:" not in joined and "key_concepts:" not in joined
    assert any("tokenizer" in t.lower() for t in texts)
    assert texts == tz.stage_texts()


def test_byte_level_text_reads_gpt2_token_strings():
    assert tz.byte_level_text("Ġworld") == " world"
    assert tz.byte_level_text("Ċ") == "\n"
    assert tz.byte_level_text("ðŁ") == "<0xF0><0x9F>"  # first two bytes of an emoji
