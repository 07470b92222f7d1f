"""Documented data mixtures against the tables they come from, and the source checklist."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.mixtures import (
    CATEGORIES,
    MIXTURES_FILE,
    category_shares,
    emphasis,
    get_mixture,
    list_mixtures,
    llama3_tokens_per_param,
    load_mixtures,
    web_tokens_per_document,
)
from app.core.sources import AVOID_BELOW, CRITERIA, PRESETS, USE_FROM, assess, preset


def shares(mixture_id: str) -> dict[str, float]:
    return {c.name: c.share_percent for c in get_mixture(mixture_id).components}


def tokens(mixture_id: str) -> dict[str, float]:
    return {c.name: c.tokens for c in get_mixture(mixture_id).components}


# ---- every mixture adds up ---------------------------------------------------------------


def test_the_table_holds_the_six_documented_mixtures():
    assert [m.id for m in list_mixtures()] == [
        "llama1",
        "pile",
        "gpt3",
        "redpajama1",
        "dolma1",
        "fineweb",
    ]
    for m in list_mixtures():
        assert m.source and m.source_table and m.source_url.startswith("https://"), m.id
        assert m.note and len(m.components) >= 1


@pytest.mark.parametrize("mixture", list_mixtures(), ids=lambda m: m.id)
def test_every_mixture_adds_up_to_about_100_percent(mixture):
    """GPT-3's Table 2.2 rounds its weights (60+22+8+8+3 = 101%); the others add to 100%
    within the rounding of their last printed digit."""
    tolerance = 1.0 if mixture.id == "gpt3" else 0.05
    assert mixture.stated_share_total == pytest.approx(100, abs=tolerance)
    assert sum(category_shares(mixture.id).values()) == pytest.approx(mixture.stated_share_total)


@pytest.mark.parametrize(
    "mixture_id, stated_total, tolerance",
    [("redpajama1", 1.2e12, 0.01e12), ("dolma1", 3.084e12, 0.002e12), ("fineweb", 18.5e12, 0)],
)
def test_token_counts_add_up_to_the_stated_total(mixture_id, stated_total, tolerance):
    """RedPajama's card: 1,210B by slice, "1.2 Trillion" in total. Dolma v1's card: 3,085.4B
    by source, 3,084B printed as the total (rounded per row). FineWeb: one source,
    more than 18.5T on its dataset card (15T was v1.0)."""
    m = get_mixture(mixture_id)
    assert m.total_tokens == stated_total
    assert sum(tokens(mixture_id).values()) == pytest.approx(stated_total, abs=tolerance)


# ---- the numbers match the papers --------------------------------------------------------


def test_llama_matches_touvron_2023_table_1():
    """Touvron et al. 2023, Table 1: sampling proportion, epochs and disk size."""
    m = get_mixture("llama1")
    assert shares("llama1") == {
        "CommonCrawl": 67.0,
        "C4": 15.0,
        "Github": 4.5,
        "Wikipedia": 4.5,
        "Books": 4.5,
        "ArXiv": 2.5,
        "StackExchange": 2.0,
    }
    rows = {c.name: (c.epochs, c.size) for c in m.components}
    assert rows["CommonCrawl"] == (1.10, 3300)  # 3.3 TB
    assert rows["Wikipedia"] == (2.45, 83) and rows["Books"] == (2.23, 85)
    assert rows["StackExchange"] == (1.03, 78) and m.size_unit == "GB"


def test_the_pile_matches_gao_2020_table_1():
    """Gao et al. 2020, Table 1: all 22 components with weight, epochs and raw size (GiB)."""
    m = get_mixture("pile")
    assert len(m.components) == 22 and m.size_unit == "GiB"
    rows = {c.name: (c.share_percent, c.epochs, c.size) for c in m.components}
    assert rows["Pile-CC"] == (18.11, 1.0, 227.12)
    assert rows["PubMed Central"] == (14.40, 2.0, 90.27)
    assert rows["Books3"] == (12.07, 1.5, 100.96)
    assert rows["Wikipedia (en)"] == (1.53, 3.0, 6.38)
    assert rows["Enron Emails"] == (0.14, 2.0, 0.88)
    assert sum(c.size for c in m.components) == pytest.approx(825.18, abs=0.01)  # 825 GiB


def test_gpt3_matches_brown_2020_table_2_2():
    """Brown et al. 2020, Table 2.2: tokens, weight in the training mix, epochs for 300B."""
    rows = {c.name: (c.tokens, c.share_percent, c.epochs) for c in get_mixture("gpt3").components}
    assert rows == {
        "Common Crawl (filtered)": (410e9, 60, 0.44),
        "WebText2": (19e9, 22, 2.9),
        "Books1": (12e9, 8, 1.9),
        "Books2": (55e9, 8, 0.43),
        "Wikipedia": (3e9, 3, 3.4),
    }


def test_redpajama_matches_its_dataset_card():
    """Together AI 2023, RedPajama-Data-1T card: token count per slice."""
    assert tokens("redpajama1") == {
        "Commoncrawl": 878e9,
        "C4": 175e9,
        "GitHub": 59e9,
        "Books": 26e9,
        "ArXiv": 28e9,
        "Wikipedia": 24e9,
        "StackExchange": 20e9,
    }
    assert shares("redpajama1")["Commoncrawl"] == pytest.approx(100 * 878 / 1210)


def test_dolma_matches_its_v1_dataset_card():
    """AI2 2023, Dolma v1 card, Summary Statistics: documents (millions), tokens (billions)."""
    rows = {c.name: (c.documents, c.tokens) for c in get_mixture("dolma1").components}
    assert rows["CommonCrawl"] == (4600e6, 2415e9)
    assert rows["The Stack"] == (236e6, 430e9)
    assert rows["Project Gutenberg"] == (0.052e6, 4.8e9)
    assert sum(d for d, _ in rows.values()) == pytest.approx(5245e6, abs=1e6)


def test_fineweb_is_a_single_web_source():
    """FineWeb is one source (Common Crawl), so its 'mixture' is 100% web."""
    assert category_shares("fineweb") == {"web": 100.0}
    assert emphasis("fineweb") == "Web pages 100%"


def test_categories_group_sources_by_kind_of_text():
    llama = category_shares("llama1")
    assert llama["web"] == pytest.approx(82.0)  # CommonCrawl 67 + C4 15
    assert list(llama) == [k for k in CATEGORIES if k in llama]  # chart order
    pile = category_shares("pile")
    assert pile["web"] < 30 and pile["academic"] > pile["web"]  # the Pile's point
    assert emphasis("gpt3").startswith("Web pages 82%")


def test_data_budget_assumptions_come_from_the_sourced_tables():
    """A web page averages 2,415B tokens / 4,600M documents = 525 tokens (Dolma v1); Llama 3
    8B read 15T tokens (Meta's model card), ~1,875 per parameter at a nominal 8B."""
    assert web_tokens_per_document() == pytest.approx(525.0)
    assert llama3_tokens_per_param(8e9) == pytest.approx(1875)
    with pytest.raises(ValueError):
        llama3_tokens_per_param(0)


# ---- a broken table is refused with its file, mixture and field ------------------------


@pytest.mark.parametrize(
    "old, new, message",
    [
        (
            "share_basis: sampling\n  total_tokens: 1400",
            "share_basis: guess\n  total_tokens: 1400",
            "(llama1): field 'share_basis'",
        ),
        (
            "category: web, share_percent: 67.0",
            "category: news, share_percent: 67.0",
            "(llama1) components[0]: field 'category'",
        ),
        ("share_percent: 67.0", "share_percent: -67.0", "field 'share_percent' must be positive"),
        (
            "{name: C4, category: web, tokens: 175000000000}",
            "{name: C4, category: web}",
            "(redpajama1) components[1]: field 'tokens' is missing",
        ),
        (
            "source_url: https://arxiv.org/abs/2005.14165",
            "source_url: arxiv",
            "(gpt3): field 'source_url'",
        ),
    ],
)
def test_a_broken_table_names_the_mixture_and_field(tmp_path: Path, old, new, message):
    path = tmp_path / "data_mixtures.yaml"
    text = MIXTURES_FILE.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(ValueError) as err:
        load_mixtures(path)
    assert "data_mixtures.yaml" in str(err.value)
    assert message.replace(" must be positive", " must be a positive") in str(err.value)


def test_an_unknown_mixture_is_a_clear_error():
    with pytest.raises(ValueError, match="no documented mixture"):
        get_mixture("gpt-5")


# ---- the source checklist ---------------------------------------------------------------


def ratings(**changes) -> dict[str, str]:
    base = dict(
        licence="open", size="large", quality="edited", freshness="current", pii="none", fit="good"
    )
    return {**base, **changes}


def test_a_permissive_large_clean_source_scores_full_marks_and_is_used():
    result = assess(ratings())
    assert result.score == 100 and result.verdict == "use" and result.reasons == ()


def test_an_unlicensed_pii_heavy_source_scores_lower_and_is_avoided():
    good = assess(ratings())
    bad = assess(ratings(licence="unclear", pii="high", quality="mixed", size="small"))
    assert bad.score < good.score and bad.score < AVOID_BELOW
    assert bad.verdict == "avoid"
    assert any("personal data" in r for r in bad.reasons)


def test_a_forbidding_licence_rules_a_source_out_whatever_its_score():
    result = assess(ratings(licence="forbidden"))
    assert result.score >= USE_FROM - 10  # everything else is excellent
    assert result.verdict == "avoid"
    assert result.reasons[0] == "The licence does not allow copying the text."


@pytest.mark.parametrize(
    "changes, verdict",
    [
        ({}, "use"),
        ({"pii": "medium"}, "use with filtering"),  # a "filter" level caps the verdict
        ({"quality": "mixed"}, "use with filtering"),
        ({"size": "tiny", "freshness": "old", "fit": "partial"}, "use"),  # exactly 75
        ({"size": "tiny", "freshness": "old", "fit": "poor"}, "use with filtering"),  # 70
        ({"licence": "unclear", "pii": "high", "quality": "mixed"}, "avoid"),  # 47
    ],
)
def test_verdict_thresholds(changes, verdict):
    result = assess(ratings(**changes))
    assert result.verdict == verdict, result


def test_scores_are_weighted_points_out_of_100():
    result = assess(ratings(size="tiny"))  # loses the size criterion's weight of 1 out of 10
    assert result.score == pytest.approx(90)
    assert result.points["size"] == 0 and result.points["licence"] == 3


@pytest.mark.parametrize(
    "key, verdict",
    [
        ("wikipedia", "use"),
        ("forum", "avoid"),
        ("github", "use with filtering"),
        ("pdf_books", "avoid"),
        ("gutenberg", "use"),
    ],
)
def test_example_sources_get_the_expected_verdicts(key, verdict):
    assert assess(preset(key).ratings).verdict == verdict


def test_every_example_rates_every_criterion_with_a_real_level():
    for p in PRESETS:
        assert set(p.ratings) == {c.key for c in CRITERIA}, p.key
        for c in CRITERIA:
            c.level(p.ratings[c.key])


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"licence": None}, "Licence and consent: please choose"),
        ({"pii": "lots"}, "Personal data risk: choose one"),
    ],
)
def test_missing_or_unknown_levels_are_refused_with_a_sentence(bad, message):
    with pytest.raises(ValueError, match=message):
        assess(ratings(**bad))
