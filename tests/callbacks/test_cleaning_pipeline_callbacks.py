"""The stage-03 cleaning-pipeline lab, called as Dash calls it, with good and bad input.

Bad settings come back as a sentence in the error slot and a chart that says why it is
empty; pasted text is checked rule by rule and redacted, never rendered as HTML."""

from __future__ import annotations

import pytest
from dash import html

from app.labs import cleaning_pipeline as lab

DEFAULTS = dict(
    steps=list(lab.TOGGLES),
    min_words=50,
    symbol_ratio=0.1,
    dup_lines=0.3,
    n_gram=5,
    bands=14,
    rows=8,
)


def run(dropped_step="all", **changes):
    a = {**DEFAULTS, **changes}
    return lab.run(
        1,
        dropped_step,
        a["steps"],
        a["min_words"],
        a["symbol_ratio"],
        a["dup_lines"],
        a["n_gram"],
        a["bands"],
        a["rows"],
    )


def stat_values(stats) -> dict[str, str]:
    return {s.children[0].children: s.children[1].children for s in stats}


def error_text(component) -> str:
    assert component is not None, "expected an error message"
    return str(component.children[-1])


def is_message_figure(fig) -> bool:
    return len(fig.data) == 0 and len(fig.layout.annotations) == 1


def texts(component) -> str:
    """All the plain text inside a component tree."""
    if component is None:
        return ""
    if isinstance(component, (str, int, float)):
        return str(component)
    if isinstance(component, (list, tuple)):
        return " ".join(texts(c) for c in component)
    return texts(getattr(component, "children", None))


def test_the_published_defaults_show_the_funnel_and_the_scores():
    fig, stats, labels, dropped, clusters, error = run()
    assert error is None
    values = stat_values(stats)
    assert values["Pages kept"] == "1,436"
    assert values["Precision"] == "97.8%" and values["Recall"] == "97.5%"
    assert [len(t.y) for t in fig.data] == [7, 7]  # pages and tokens after every step
    assert fig.data[0].x[0] == 100
    shown = texts(dropped)
    assert "Showing 15 of 1,564 dropped pages" in shown  # three from each step
    for step in (
        "Language ID",
        "Quality filters",
        "Repetition filters",
        "Exact dedup",
        "Near dedup",
    ):
        assert f"— {step}:" in shown
    assert "clusters found" in texts(clusters)
    assert "Keyword spam" in texts(labels)


def test_a_stricter_word_minimum_costs_recall():
    values = stat_values(run(min_words=200)[1])
    assert float(values["Recall"].rstrip("%")) < 90


def test_switching_off_dedup_lets_the_copies_through():
    steps = [s for s in lab.TOGGLES if s not in ("exact_dedup", "near_dedup")]
    fig, stats, labels, dropped, clusters, error = run(steps=steps)
    assert float(stat_values(stats)["Precision"].rstrip("%")) < 90
    assert "switched off" in texts(clusters)


def test_the_dropped_table_can_show_one_step():
    *_, dropped, _, _ = run(dropped_step="language")
    shown = texts(dropped)
    assert "Other language" in shown and "Language ID" in shown
    assert "Quality filters" not in shown and "Near dedup" not in shown
    *_, dropped, _, _ = run(dropped_step="near_dedup", steps=["language"])
    assert "No page was dropped" in texts(dropped)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"min_words": None}, "Min words"),
        ({"min_words": "abc"}, "Min words"),
        ({"min_words": -1}, "Min words"),
        ({"min_words": 2.5}, "whole number"),
        ({"symbol_ratio": "nan"}, "per word"),
        ({"dup_lines": 1.5}, "repeated lines"),
        ({"n_gram": 0}, "Shingle size"),
        ({"bands": 0}, "Bands"),
        ({"rows": 1e300}, "Rows"),
        ({"bands": 50, "rows": 20}, "at most 400"),
        ({"steps": ["bogus"]}, "Steps"),
    ],
)
def test_bad_settings_get_a_message_not_an_exception(changes, message):
    fig, stats, labels, dropped, clusters, error = run(**changes)
    assert message in error_text(error)
    assert is_message_figure(fig) and stats is None and dropped is None


def test_a_bad_dropped_step_choice_is_refused():
    *_, error = run(dropped_step="<script>")
    assert "Show pages dropped by" in error_text(error)


def test_no_steps_keeps_every_page():
    values = stat_values(run(steps=[])[1])
    assert values["Pages kept"] == "3,000"


# ---- the learner's own text --------------------------------------------------------------------
def test_pasted_text_shows_the_rules_that_fire_and_the_redacted_text():
    verdict, rules, redacted, error = lab.check_text(1, lab.SAMPLE_TEXT)
    assert error is None
    assert "Dropped" in texts(verdict) and "At least 50 words" in texts(verdict)
    assert "At least 50 words" in texts(rules)
    shown = redacted.children[1]
    assert isinstance(shown, html.Pre)
    assert "<EMAIL>" in shown.children and "<PHONE>" in shown.children
    assert "bookings@example.com" not in shown.children


def test_html_in_pasted_text_stays_plain_text():
    text = "<script>alert('x')</script> <b>bold</b> " + "word " * 60
    verdict, rules, redacted, error = lab.check_text(1, text)
    assert redacted.children[1].children == text  # a string child: Dash escapes it


@pytest.mark.parametrize(
    "text, message",
    [(None, "Paste some text"), ("   ", "Paste some text"), ("x" * 20_001, "at most 20,000")],
)
def test_empty_or_huge_text_gets_a_message(text, message):
    verdict, rules, redacted, error = lab.check_text(1, text)
    assert message in error_text(error) and rules is None and redacted is None


def test_good_pasted_text_is_kept():
    from app.core.data.corpus import GOOD, default_corpus

    page = next(d for d in default_corpus() if d.label == GOOD and len(d.text.split()) > 200)
    verdict, *_ = lab.check_text(1, page.text)
    assert "Kept" in texts(verdict)
