"""The stage-03 cleaning-pipeline lab, called as Dash calls it, with good and bad input.

Bad settings come back as a sentence in the error slot and a chart that says why it is
empty; pasted text is checked rule by rule and redacted, never rendered as HTML."""

from __future__ import annotations

import pytest
from dash import html, no_update

from app.labs import cleaning_pipeline as lab
from app.services.jobs import JobsBusy
from tests.helpers import as_plotly

DEFAULTS = dict(
    steps=list(lab.TOGGLES),
    min_words=50,
    symbol_ratio=0.1,
    dup_lines=0.3,
    n_gram=5,
    bands=14,
    rows=8,
)


def run(reports=None, **changes):
    """The Run button's background callback, called as Dash calls it; progress reports
    are appended to `reports`. Returns (figure, stats, labels, clusters, dropped summary,
    funnel data, error)."""
    a = {**DEFAULTS, **changes}
    report = reports.append if reports is not None else (lambda _: None)
    return lab.run(
        report,
        1,
        a["steps"],
        a["min_words"],
        a["symbol_ratio"],
        a["dup_lines"],
        a["n_gram"],
        a["bands"],
        a["rows"],
    )


def dropped(step="all", **changes):
    """The dropped-pages list for `step` after a run with `changes`."""
    return lab.show_dropped(step, run(**changes)[4])


def stat_values(stats) -> dict[str, str]:
    return {s.children[0].children: s.children[1].children for s in stats}


def error_text(component) -> str:
    assert component is not None, "expected an error message"
    return str(component.children[-1])


def is_message_figure(fig) -> bool:
    fig = as_plotly(fig)
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
    fig, stats, labels, clusters, summary, funnel, error = run()
    assert error is None
    values = stat_values(stats)
    assert values["Pages kept"] == "1,436"
    assert values["Precision"] == "97.8%" and values["Recall"] == "97.5%"
    assert [len(t.y) for t in as_plotly(fig).data] == [7, 7]  # pages and tokens after every step
    assert as_plotly(fig).data[0].x[0] == 100
    shown = texts(lab.show_dropped("all", summary))
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


def test_the_page_opens_on_the_published_defaults_without_a_run():
    page = lab.layout()
    found = {}

    def walk(c):
        if getattr(c, "id", None):
            found[c.id] = c
        kids = getattr(c, "children", None)
        for k in kids if isinstance(kids, list | tuple) else [kids]:
            if k is not None and not isinstance(k, str | int | float):
                walk(k)

    walk(page)
    assert stat_values(found[f"{lab.LAB}-stats"].children)["Recall"] == "97.5%"
    assert len(as_plotly(found[f"{lab.LAB}-chart"].figure).data[0].y) == 7
    summary = found[f"{lab.LAB}-dropped-data"].data
    assert "Showing 15 of 1,564" in texts(lab.show_dropped("all", summary))


def test_a_new_setting_reports_the_funnel_growing_step_by_step():
    reports = []
    fig, stats, *_ = run(reports, min_words=77)  # a setting no other test runs
    percents = [r[0] for r in reports]
    assert percents == sorted(percents) and percents[0] < 100 and percents[-1] == 100
    bars = [len(as_plotly(r[2]).data[0].y) for r in reports]
    assert bars[0] == 2 and bars[-1] == 7  # raw crawl + one step, ... all seven
    assert "pages left" in texts(reports[0][3]) and "pages kept" in texts(reports[-1][3])


def test_a_run_seen_before_needs_no_job_slot_but_a_new_one_waits_for_one(monkeypatch):
    def busy():
        raise JobsBusy("The server is busy: 2 jobs already running.")

    monkeypatch.setattr(lab, "job_slot", busy)
    assert run()[-1] is None  # the defaults are cached
    fig, stats, labels, clusters, summary, funnel, error = run(min_words=78)
    assert "busy" in error_text(error)
    assert fig is no_update and summary is no_update


def test_cancelling_brings_back_the_last_finished_funnel():
    funnel = run(min_words=60)[5]
    figure, percent, label, note = lab.after_cancel(1, funnel)
    assert (
        len(as_plotly(figure).data[0].y) == 7
        and as_plotly(figure).data[0].text[-1] == f"{funnel[-1][1]:,}"
    )
    assert percent == 0 and label == ""
    assert "Cancelled" in texts(note)


@pytest.mark.parametrize("funnel", [None, [], [["Raw crawl", "x", 3]], "tampered", [[1]]])
def test_cancelling_with_no_or_a_tampered_funnel_says_so(funnel):
    figure, *_ = lab.after_cancel(1, funnel)
    assert is_message_figure(figure)


def test_a_stricter_word_minimum_costs_recall():
    values = stat_values(run(min_words=200)[1])
    assert float(values["Recall"].rstrip("%")) < 90


def test_switching_off_dedup_lets_the_copies_through():
    steps = [s for s in lab.TOGGLES if s not in ("exact_dedup", "near_dedup")]
    fig, stats, labels, clusters, summary, funnel, error = run(steps=steps)
    assert float(stat_values(stats)["Precision"].rstrip("%")) < 90
    assert "switched off" in texts(clusters)


def test_the_dropped_table_can_show_one_step():
    shown = texts(dropped("language"))
    assert "Other language" in shown and "Language ID" in shown
    assert "Quality filters" not in shown and "Near dedup" not in shown
    assert "No page was dropped" in texts(dropped("near_dedup", steps=["language"]))


@pytest.mark.parametrize("summary", [None, {}, {"shown": 3}, {"shown": {"all": [{}]}}, "x"])
def test_a_missing_or_tampered_summary_asks_for_a_run(summary):
    assert "Run the pipeline" in texts(lab.show_dropped("all", summary))


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
    reports = []
    fig, stats, labels, clusters, summary, funnel, error = run(reports, **changes)
    assert reports == [(0, "", fig, None)]  # the last run's status line is cleared
    assert message in error_text(error)
    assert is_message_figure(fig) and stats is None and summary is None


def test_a_bad_dropped_step_choice_is_refused():
    assert "Show pages dropped by" in error_text(lab.show_dropped("<script>", run()[4]))


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
