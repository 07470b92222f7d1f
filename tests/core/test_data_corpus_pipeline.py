"""The labelled crawl and the whole cleaning pipeline run on it.

Step order as in FineWeb (Penedo et al. 2024, §3): language ID, quality and repetition
filters, PII redaction, exact then MinHash near deduplication. Precision and recall are
measured against the corpus's ground-truth labels (positive = a page worth keeping)."""

from __future__ import annotations

import time
from collections import Counter

import pytest

from app.core.data.corpus import (
    EXACT_DUPLICATE,
    FOREIGN,
    GOOD,
    GOOD_PII,
    KEEP_LABELS,
    LABELS,
    MIX,
    NEAR_DUPLICATE,
    SYMBOLS,
    default_corpus,
    generate,
)
from app.core.data.langid import identify
from app.core.data.pipeline import (
    STEPS,
    PipelineConfig,
    approx_tokens,
    cached_result,
    run_on_default_corpus,
    run_pipeline,
)


# ---- corpus ----------------------------------------------------------------------------------
def test_the_corpus_is_deterministic_for_a_seed_and_differs_across_seeds():
    assert generate(300, seed=1) == generate(300, seed=1)
    assert [d.text for d in generate(300, seed=1)] != [d.text for d in generate(300, seed=2)]


def test_the_corpus_has_every_kind_in_its_planned_share_and_is_fast():
    start = time.perf_counter()
    docs = generate(3000, seed=5)
    assert time.perf_counter() - start < 3  # ~0.3 s on an idle core
    counts = Counter(d.label for d in docs)
    assert set(counts) == set(LABELS) and sum(MIX.values()) == pytest.approx(1)
    for label, share in MIX.items():
        assert counts[label] == pytest.approx(share * 3000, abs=1)
    assert [d.id for d in docs] == list(range(3000))


def test_good_texts_differ_and_read_like_prose():
    good = [d for d in default_corpus() if d.label == GOOD]
    assert len({d.text for d in good}) == len(good)
    words = [len(d.text.split()) for d in good]
    assert min(words) >= 20 and sorted(words)[len(words) // 2] > 150


def test_duplicates_come_after_the_good_page_they_copy():
    docs = default_corpus()
    for d in docs:
        if d.label in (EXACT_DUPLICATE, NEAR_DUPLICATE):
            assert d.source_id is not None and d.source_id < d.id
            assert docs[d.source_id].label == GOOD
        else:
            assert d.source_id is None
    assert all(d.pii for d in docs if d.label == GOOD_PII)
    assert not any(d.pii for d in docs if d.label != GOOD_PII)


def test_generate_refuses_an_empty_corpus():
    with pytest.raises(ValueError, match="at least one"):
        generate(0)
    assert len(generate(1)) == 1


# ---- language ID ---------------------------------------------------------------------------
def test_language_id_is_accurate_on_the_labelled_prose():
    """Stop-word overlap identifies the language of every prose page (English, German,
    French, Spanish) in the corpus; code and symbol pages have no language to find."""
    prose = [d for d in default_corpus() if d.label in KEEP_LABELS | {FOREIGN}]
    correct = sum(identify(d.text)[0] == d.language for d in prose)
    assert correct / len(prose) >= 0.99
    english = [identify(d.text)[1] for d in prose if d.language == "en"]
    assert min(english) >= 0.65  # the pipeline's cut-off keeps every good page
    symbols = [identify(d.text) for d in default_corpus() if d.label == SYMBOLS]
    # code keywords (for, in, if, with, as) are English words: a quarter of code pages pass
    assert sum(c >= 0.65 and lang == "en" for lang, c in symbols) / len(symbols) < 0.3


@pytest.mark.parametrize(
    "text, lang",
    [
        ("The cat is on the roof and it will not come down.", "en"),
        ("Die Katze ist auf dem Dach und sie will nicht herunter.", "de"),
        ("Le chat est sur le toit et il ne veut pas descendre.", "fr"),
        ("El gato está en el tejado y no quiere bajar.", "es"),
        ("Il gatto è sul tetto e non vuole scendere.", "it"),
    ],
)
def test_language_id_on_single_sentences(text, lang):
    assert identify(text)[0] == lang


def test_language_id_without_function_words_is_unknown():
    assert identify("$$$ 1234 ### ***") == ("unknown", 0.0)
    assert identify("") == ("unknown", 0.0)


# ---- pipeline -------------------------------------------------------------------------------
def test_default_pipeline_keeps_the_good_pages_and_drops_the_rest():
    """Measured on the default corpus (3,000 pages, seed 0): precision 0.978, recall 0.975.
    Content-farm spam and legal boilerplate written in full sentences get through; short
    good notes, how-tos with kit lists and a code snippet with '{' are lost."""
    result = run_on_default_corpus()
    s = result.scores
    assert s.precision >= 0.95 and s.recall >= 0.95 and s.f1 >= 0.95
    assert s.tp + s.fp == len(result.kept_ids)
    assert s.tp + s.fp + s.fn + s.tn == 3000


def test_the_funnel_only_shrinks_and_names_every_step():
    result = run_on_default_corpus()
    assert [f.step for f in result.funnel] == list(STEPS)
    docs = [f.docs for f in result.funnel]
    assert docs[0] == 3000 and docs == sorted(docs, reverse=True)
    assert result.funnel[-1].docs == len(result.kept_ids)
    dropped = result.dropped_by_step()
    for before, after in zip(result.funnel, result.funnel[1:], strict=False):
        assert before.docs - after.docs == dropped.get(after.step, 0)
    assert result.funnel[0].tokens == sum(approx_tokens(d.text) for d in default_corpus())


def test_each_step_removes_what_it_is_for():
    result = run_on_default_corpus()
    labels = {d.id: d.label for d in default_corpus()}
    by_step = {
        step: Counter(labels[d.doc_id] for d in result.dropped if d.step == step)
        for step in STEPS[1:]
    }
    assert by_step["language"][FOREIGN] == 240  # every other-language page
    # ...and nothing else: English junk is the quality rules' job, as in FineWeb, where
    # fastText calls English keyword spam English (a reviewer caught our stop-word
    # identifier dropping 452 English junk pages as "weakly English").
    assert sum(by_step["language"].values()) == 240
    assert by_step["quality"]["spam"] >= 80 and by_step["quality"]["list"] >= 140
    assert by_step["exact_dedup"][EXACT_DUPLICATE] >= 140
    assert by_step["near_dedup"][NEAR_DUPLICATE] >= 130
    assert sum(by_step["near_dedup"][k] for k in KEEP_LABELS) <= 5
    for d in result.dropped:
        assert d.rule and d.threshold and d.reason


def test_pii_is_redacted_in_every_kept_page():
    result = run_on_default_corpus()
    planted = {d.id: d.pii for d in default_corpus() if d.pii}
    kept_with_pii = [i for i in result.kept_ids if i in planted]
    assert len(kept_with_pii) == 240
    for i in kept_with_pii:
        for _, value in planted[i]:
            assert value not in result.texts[i]
    assert sum(result.pii_counts.values()) == sum(len(p) for p in planted.values())


def test_switching_steps_off_changes_the_outcome_as_expected():
    base = run_on_default_corpus()
    no_dedup = run_on_default_corpus(PipelineConfig(exact_dedup=False, near_dedup=False))
    assert no_dedup.scores.precision < base.scores.precision
    assert no_dedup.scores.recall == base.scores.recall
    strict = run_on_default_corpus(PipelineConfig().with_thresholds(min_doc_words=200))
    assert strict.scores.recall < base.scores.recall - 0.1
    nothing = run_pipeline(
        default_corpus()[:200],
        PipelineConfig(
            language_id=False,
            quality_groups=(),
            repetition=False,
            redact_pii=False,
            exact_dedup=False,
            near_dedup=False,
        ),
    )
    assert len(nothing.kept_ids) == 200


def test_progress_reports_the_funnel_after_each_step_and_ends_at_one():
    reports = []
    docs = default_corpus()[:400]
    result = run_pipeline(docs, PipelineConfig(), lambda funnel, f: reports.append((funnel, f)))
    fractions = [f for _, f in reports]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert [len(funnel) for funnel, _ in reports][:5] == [2, 3, 4, 5, 6]  # one step at a time
    assert reports[-1][0] == result.funnel
    assert len(reports) > len(STEPS)  # near dedup reports inside its hashing too
    quiet = run_pipeline(docs, PipelineConfig())  # reporting changes nothing
    assert (quiet.funnel, quiet.dropped, quiet.kept_ids) == (
        result.funnel,
        result.dropped,
        result.kept_ids,
    )


def test_a_result_is_remembered_per_config():
    config = PipelineConfig(bands=7, rows=3)
    first = run_on_default_corpus(config)
    reports = []
    assert run_on_default_corpus(config, lambda *a: reports.append(a)) is first
    assert cached_result(config) is first and reports == []  # ready: nothing to report
    assert cached_result(PipelineConfig(bands=7, rows=4)) is None


def test_a_non_default_run_is_quick_once_the_corpus_was_measured():
    run_on_default_corpus()
    start = time.perf_counter()
    run_on_default_corpus(PipelineConfig(bands=20, rows=5).with_thresholds(min_doc_words=80))
    assert time.perf_counter() - start < 5  # ~0.3 s on an idle core


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"quality_groups": ("gopher",)}, "Unknown quality group"),
        ({"min_language_confidence": 2}, "between 0 and 1"),
        ({"bands": 0}, "at least 1"),
        ({"bands": 100, "rows": 20}, "at most 1,000"),
    ],
)
def test_bad_configs_raise_a_readable_error(kwargs, message):
    with pytest.raises(ValueError, match=message):
        PipelineConfig(**kwargs)
