"""The tokenizer playground's callbacks, called as Dash calls them, with good and bad input.

Bad input (empty text, too much text, a vocabulary size that is missing, not a number or out
of range, an unknown tokenizer) comes back as a sentence, never an exception; what the learner
typed is shown as plain text, never as HTML."""

from __future__ import annotations

from contextvars import copy_context

import pytest
from dash import html, no_update, stringify_id
from dash._callback_context import context_value
from dash._utils import AttributeDict

from app.core.data import tokenization as tz
from app.labs import tokenizer_playground as lab
from tests.helpers import as_plotly

BAD_SIZES = [None, "", "abc", "12.5", "-1", "259", "8001", "1e300", "nan"]


def error_text(component) -> str:
    assert component is not None, "expected an error message"
    return str(component.children[-1])


def stat_values(stats) -> dict[str, str]:
    return {s.children[0].children: s.children[1].children for s in stats}


def is_message_figure(fig) -> bool:
    fig = as_plotly(fig)
    return len(fig.data) == 0 and len(fig.layout.annotations) == 1


def run_triggered(func, triggered_id, *args):
    """Call a callback as Dash would after `triggered_id` was clicked."""
    prop = f"{stringify_id(triggered_id)}.n_clicks"

    def call():
        context_value.set(AttributeDict(triggered_inputs=[{"prop_id": prop, "value": 1}]))
        return func(*args)

    return copy_context().run(call)


def span_texts(children) -> str:
    return "".join(c.children for c in children if isinstance(c, html.Span))


# ---- tokenize -----------------------------------------------------------------------------
@pytest.mark.parametrize("kind", tz.KINDS)
@pytest.mark.parametrize("sample", list(lab.SAMPLES))
def test_every_sample_is_tokenized_by_every_kind(sample, kind):
    text = lab.SAMPLES[sample][1]
    view, chips, stats, markers, count, error = lab.tokenize(text, kind, 1_000)
    assert error is None and markers == lab.MARKERS[kind]
    tokens = tz.encode(tz.train_tokenizer(kind, 1_000), text)
    assert stat_values(stats)["Tokens"] == f"{len(tokens):,}"
    assert len(chips) == len(tokens)
    assert count == f"{len(text):,} / 5,000 characters"


def test_bpe_shows_every_character_with_whitespace_drawn():
    text = lab.SAMPLES["code"][1]
    view, *_ = lab.tokenize(text, "bpe", 1_000)
    assert span_texts(view) == lab.visible(text)
    assert "·" in span_texts(view) and "↵\n" in span_texts(view)
    colours = [c.className.split()[1] for c in view if "tok " in getattr(c, "className", "")]
    assert all(a != b for a, b in zip(colours, colours[1:], strict=False))  # neighbours differ


def test_emoji_bytes_are_grouped_and_bpe_still_decodes_exactly():
    view, _, stats, *_ = lab.tokenize("🤖", "bpe", 260)
    assert [c.className for c in view] == ["tok tok-0 tok-bytes"]
    assert "4 byte tokens" in view[0].title
    assert stat_values(stats)["Decodes back exactly?"] == "yes"


def test_unknown_characters_are_flagged_for_unigram():
    view, chips, stats, *_ = lab.tokenize("cat 🤖", "unigram", 1_000)
    assert any("tok-unk" in getattr(c, "className", "") for c in view)
    assert stat_values(stats)["Decodes back exactly?"] == "no"
    assert "unknown" in stats[-1].children[2].children


def test_html_typed_in_stays_text():
    view, chips, *_ = lab.tokenize("<b>x</b> <script>alert(1)</script>", "bpe", 1_000)
    assert span_texts(view) == "<b>x</b>·<script>alert(1)</script>"
    assert all(
        c == lab.BREAK or (type(c) is html.Span and isinstance(c.children, str)) for c in view
    )
    assert all(isinstance(c.children, str) for c in chips)


def test_a_larger_vocabulary_gives_fewer_tokens():
    text = lab.SAMPLES["english"][1]
    small = stat_values(lab.tokenize(text, "bpe", 300)[2])["Tokens"]
    large = stat_values(lab.tokenize(text, "bpe", 4_000)[2])["Tokens"]
    assert int(large) < int(small)


@pytest.mark.parametrize("text", ["", "   \n ", None])
def test_empty_text_asks_for_text_without_an_error(text):
    view, chips, stats, markers, count, error = lab.tokenize(text, "bpe", 1_000)
    assert error is None and stats is None and chips is None
    assert "Type or paste some text" in view.children
    assert count == f"{len(text or ''):,} / 5,000 characters"


def test_too_much_text_is_refused_with_its_length():
    view, chips, stats, markers, count, error = lab.tokenize("a" * 6_001, "bpe", 1_000)
    assert "6,001 characters" in error_text(error) and "5,000" in error_text(error)
    assert view is stats is no_update  # the last good tokens stay
    assert count == "6,001 / 5,000 characters"


def test_exactly_the_limit_is_accepted():
    *_, error = lab.tokenize("a " * 2_500, "bpe", 1_000)
    assert error is None


@pytest.mark.parametrize("raw", BAD_SIZES)
def test_bad_vocabulary_sizes_get_a_message(raw):
    view, chips, stats, markers, count, error = lab.tokenize("some text", "bpe", raw)
    assert "Vocabulary size" in error_text(error)
    assert view is stats is no_update


def test_out_of_range_sizes_say_the_range():
    assert "at least 260" in error_text(lab.tokenize("x", "bpe", 100)[-1])
    assert "at most 8,000" in error_text(lab.tokenize("x", "bpe", 50_257)[-1])


def test_numeric_strings_are_accepted():
    *_, error = lab.tokenize("some text", "wordpiece", " 1_000 ")
    assert error is None


@pytest.mark.parametrize("kind", [None, "", "gpt4", 3])
def test_unknown_tokenizers_get_a_message(kind):
    *_, error = lab.tokenize("some text", kind, 1_000)
    assert "Tokenizer" in error_text(error)


# ---- vocabulary: chart and merges -----------------------------------------------------------
def test_the_chart_draws_every_kind_and_marks_the_learners_tokenizer():
    fig = lab.compression("wordpiece", "1500")
    assert len(as_plotly(fig).data) == len(tz.KINDS) + 1
    star = as_plotly(fig).data[-1]
    assert star.x == (1_500,)
    mine = tz.chars_per_token(tz.train_tokenizer("wordpiece", 1_500), tz.default_held_out_text())
    assert star.y[0] == pytest.approx(mine)


def test_twenty_merges_are_listed_in_the_order_bpe_learned_them():
    listed = lab.merges("bpe", "1500")[1].children
    expected = tz.first_merges(tz.train_tokenizer("bpe", 1_500), lab.N_MERGES)
    assert len(listed) == lab.N_MERGES
    shown = [li.children.split(" → ")[0].split(" + ") for li in listed]
    assert [(left, right) for left, right in shown] == expected
    assert all(isinstance(li.children, str) for li in listed)  # text, never markup


def test_the_smallest_vocabulary_has_only_four_merges_to_show():
    assert len(lab.merges("bpe", 260)[1].children) == 4


@pytest.mark.parametrize("raw", BAD_SIZES)
def test_the_chart_and_merges_explain_bad_sizes(raw):
    assert is_message_figure(lab.compression("bpe", raw))
    assert lab.merges("bpe", raw) is None


def test_the_chart_explains_an_unknown_tokenizer():
    assert is_message_figure(lab.compression("gpt4", 1_000))


# ---- samples ----------------------------------------------------------------------------------
@pytest.mark.parametrize("key", list(lab.SAMPLES))
def test_sample_buttons_load_their_text(key):
    assert (
        run_triggered(lab.load_sample, f"tokenizer_playground-sample-{key}", 1)
        == (lab.SAMPLES[key][1])
    )


def test_an_unknown_trigger_changes_nothing():
    assert run_triggered(lab.load_sample, "tokenizer_playground-sample-nope", 1) is no_update


@pytest.mark.parametrize(
    "kind, title, mark",
    [
        ("bpe", "merges BPE", " + "),
        ("wordpiece", "WordPiece", "##"),
        ("unigram", "Unigram", "p = "),
    ],
)
def test_the_side_panel_shows_the_shown_tokenizer_s_own_pieces(kind, title, mark):
    """With WordPiece or Unigram chosen, the panel once still listed BPE's merges."""
    heading, listed, note = lab.merges(kind, 1_000)
    assert title in heading.children
    assert mark in str(listed)
    expected = tz.learned_pieces(tz.train_tokenizer(kind, 1_000), lab.N_MERGES)
    assert len(listed.children) == len(expected) == lab.N_MERGES


def test_one_word_is_counted_in_the_singular():
    _, _, stats, *_ = lab.tokenize("hello", "bpe", 1_000)
    hints = str(stats)
    assert "1 word'" in hints and "1 words" not in hints and "5 characters" in hints
