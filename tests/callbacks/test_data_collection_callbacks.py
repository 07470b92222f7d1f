"""Stage 02's labs called as Dash calls them, with good and bad input: the mixture explorer,
the data budget and the source checklist. Bad input comes back as a sentence in the lab's
error slot and a chart that says why it is empty, never an exception."""

from __future__ import annotations

import pytest
from dash import no_update

from app.components.model_picker import SELECTED
from app.core.architecture import count_params
from app.core.compute import chinchilla_tokens_for_params
from app.core.presets import get_preset
from app.labs import data_budget, data_mixtures, source_checklist
from tests.helpers import as_plotly, error_text, is_message_figure, stat_values

BAD_NUMBERS = [None, "", "abc", "-1", "0", "1e300", "nan"]


# ---- data mixtures ------------------------------------------------------------------------
def graph_figures(charts) -> list:
    return [as_plotly(col.children.figure) for col in charts]


def test_one_mixture_shows_one_sunburst_bars_and_its_note():
    charts, bars, notes, error = data_mixtures.explore("llama1", "none", "sunburst")
    assert error is None
    [fig] = graph_figures(charts)
    assert (
        as_plotly(fig).data[0].type == "sunburst"
        and as_plotly(fig).layout.title.text == "LLaMA (2023)"
    )
    assert "CommonCrawl" in as_plotly(fig).data[0].labels and len(as_plotly(bars).data) == 1
    assert "Biggest parts: Web pages 82%" in str(notes)


def test_two_mixtures_side_by_side_and_grouped_bars():
    charts, bars, notes, error = data_mixtures.explore("gpt3", "pile", "treemap")
    figs = graph_figures(charts)
    assert [as_plotly(f).data[0].type for f in figs] == ["treemap", "treemap"]
    assert [t.name for t in as_plotly(bars).data] == ["GPT-3 (2020)", "The Pile (2020)"]
    assert "Table 2.2" in str(notes) and "Table 1" in str(notes)


def test_mixture_hover_carries_the_papers_numbers_and_units():
    charts, *_ = data_mixtures.explore("pile", "none", "sunburst")
    trace = graph_figures(charts)[0].data[0]
    hover = dict(zip(trace.labels, trace.customdata, strict=True))
    assert hover["Pile-CC"] == (
        "18.11% (share of training examples drawn from it)<br>227.12 GiB on disk · seen 1× (epochs)"
    )
    charts, *_ = data_mixtures.explore("dolma1", "none", "sunburst")
    trace = graph_figures(charts)[0].data[0]
    hover = dict(zip(trace.labels, trace.customdata, strict=True))
    assert "2.42 trillion tokens · 4.6 billion documents" in hover["CommonCrawl"]


def test_comparing_a_mixture_with_itself_shows_it_once():
    charts, bars, *_ = data_mixtures.explore("fineweb", "fineweb", "sunburst")
    assert len(charts) == 1 and len(as_plotly(bars).data) == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (("gpt-5", "none", "sunburst"), "Mixture"),
        (("pile", "x", "sunburst"), "Compare with"),
        (("pile", "none", "pie"), "Chart"),
        ((None, None, None), "Mixture"),
    ],
)
def test_mixture_explorer_refuses_unknown_choices(args, message):
    charts, bars, notes, error = data_mixtures.explore(*args)
    assert message in error_text(error)
    assert is_message_figure(bars) and notes is None


# ---- data budget ----------------------------------------------------------------------------
def budget(**changes):
    args = dict(choice="llama-2-7b", ratio=1, bytes_per_token=4, doc_tokens=525, selected=None)
    args.update(changes)
    return data_budget.update(**args)[:4]  # as Dash calls it: by keyword (then the flags)


def test_data_budget_keeps_its_four_argument_form():
    stats, fig, error = data_budget.update("llama-2-7b", 1, 4, None)
    values = stat_values(stats)
    assert values["Training tokens"] == "138 billion" and values["Clean text"] == "553 GB"
    assert values["Documents"] == "263 million"  # 138e9 / 525 tokens per Dolma web page


def test_data_budget_counts_documents_and_shows_three_plans():
    stats, fig, error, plans = budget(doc_tokens=1000)
    assert error is None and stat_values(stats)["Documents"] == "138 million"
    text = str(plans)
    assert "Compute-optimal" in text and "Like Llama 3 8B" in text
    assert "1,868" in text  # 15T / 8.03B parameters (Meta's Llama 3 model card)


def test_llama_3_8b_trained_like_llama_3_reads_15_trillion_tokens():
    """Meta's model card: Llama 3 8B was pretrained on over 15 trillion tokens."""
    n = count_params(get_preset("llama-3-8b")).total
    ratio = data_budget.llama3_ratio() * n / chinchilla_tokens_for_params(n)
    stats, *_ = budget(choice="llama-3-8b", ratio=ratio)
    assert stat_values(stats)["Training tokens"] == "15 trillion"


def test_the_stage_04_model_is_used_when_one_was_chosen():
    selected = {"name": "My tiny model", "config": get_preset("gpt2").to_dict()}
    stats, *_ = budget(choice=SELECTED, selected=selected)
    values = stat_values(stats)
    assert values["Parameters"] == "124 million"
    _, _, error, _ = budget(choice=SELECTED, selected=None)
    assert "stage 04" in error_text(error)


@pytest.mark.parametrize(
    "field, label",
    [
        ("ratio", "Over-train"),
        ("bytes_per_token", "Bytes of text per token"),
        ("doc_tokens", "Tokens per document"),
    ],
)
@pytest.mark.parametrize("raw", BAD_NUMBERS)
def test_data_budget_refuses_bad_numbers_with_a_message(field, label, raw):
    stats, fig, error, plans = budget(**{field: raw})
    assert label in error_text(error)
    assert stats is plans is fig is no_update  # the last good plan stays


def test_data_budget_marks_every_bad_field():
    args = dict(choice="llama-2-7b", ratio=0, bytes_per_token=4, doc_tokens="x", selected=None)
    *_, error, _, ratio, size, docs = data_budget.update(**args)
    assert "Over-train" in str(error) and "Tokens per document" in str(error)
    assert (ratio, size, docs) == (True, False, True)


def test_plan_buttons_set_the_over_train_factor(monkeypatch):
    class Ctx:
        triggered_id = "data_budget-llama3"

    monkeypatch.setattr(data_budget.dash, "ctx", Ctx())
    factor = data_budget.set_ratio(None, 1, "llama-3-8b", None)
    assert factor == pytest.approx(91.0, abs=0.05)  # 1,868 / 20.5 tokens per parameter
    assert data_budget.set_ratio(None, 1, "nope", None) is no_update
    Ctx.triggered_id = "data_budget-optimal"
    assert data_budget.set_ratio(1, None, "llama-3-8b", None) == 1


# ---- source checklist -------------------------------------------------------------------------
CRITERIA = [c.key for c in source_checklist.CRITERIA]


def checklist(**ratings):
    return source_checklist.score(*[ratings[k] for k in CRITERIA])


def verdict_text(alert) -> str:
    return str(alert)


def test_loading_an_example_fills_every_criterion_and_describes_it():
    *levels, description = source_checklist.load_preset("forum")
    assert dict(zip(CRITERIA, levels, strict=True))["pii"] == "high"
    assert "forum" in description
    *levels, description = source_checklist.load_preset("bogus")
    assert all(v is no_update for v in levels) and "Choose one" in description


@pytest.mark.parametrize(
    "key, verdict, score",
    [
        ("wikipedia", "Verdict: use", "89.5 / 100"),
        ("forum", "Verdict: avoid", "40.5 / 100"),
        ("github", "Verdict: use with filtering", "78 / 100"),
        ("pdf_books", "Verdict: avoid", "59 / 100"),
    ],
)
def test_examples_get_a_verdict_with_reasons(key, verdict, score):
    *levels, _ = source_checklist.load_preset(key)
    alert, stats, fig, error = source_checklist.score(*levels)
    assert error is None and len(as_plotly(fig).data) == 2
    assert f"'{verdict}'" in verdict_text(alert)
    assert stat_values(stats)["Score"] == score


def test_avoid_says_why():
    *levels, _ = source_checklist.load_preset("pdf_books")
    alert, *_ = source_checklist.score(*levels)
    assert "The licence does not allow copying the text." in verdict_text(alert)


@pytest.mark.parametrize("bad", [None, "", "lots", 3])
def test_checklist_refuses_a_missing_or_unknown_level(bad):
    *levels, _ = source_checklist.load_preset("wikipedia")
    levels[0] = bad
    alert, stats, fig, error = source_checklist.score(*levels)
    assert "Licence and consent" in error_text(error)
    assert alert is None and stats is None and is_message_figure(fig)
