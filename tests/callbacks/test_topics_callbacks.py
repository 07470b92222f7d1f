"""The Embeddings, RAG and Agents labs and the navbar search, called as Dash calls them,
with good and bad input: bad input gets a sentence next to the field and a chart that
says why it is empty, never an exception; learner text comes back as plain strings."""

from __future__ import annotations

import pytest
from dash import html, no_update

from app.components import search
from app.core.agents import episode as ep
from app.labs import (
    agent_policy,
    agent_router,
    embeddings_ann,
    embeddings_chars,
    embeddings_words,
    rag_eval,
    rag_search,
)
from tests.helpers import error_text, is_message_figure, stat_values

LABS = [
    agent_policy,
    agent_router,
    embeddings_ann,
    embeddings_chars,
    embeddings_words,
    rag_eval,
    rag_search,
]
XSS = '<img src=x onerror="alert(1)">'


def _text(component) -> str:
    """All strings inside a component tree, joined."""
    if component is None:
        return ""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return " ".join(_text(c) for c in component)
    return _text(getattr(component, "children", None))


def _is_message(fig) -> bool:
    return is_message_figure(fig)


@pytest.mark.parametrize("lab", LABS, ids=lambda m: m.LAB)
def test_each_lab_renders_its_first_view_in_its_layout(lab):
    card = lab.layout()
    assert card.id == f"{lab.LAB}-lab"


# ---- navbar search -----------------------------------------------------------------------
def test_search_lists_sections_that_link_to_their_heading():
    results = search.update_results("kv cache size per token")
    hrefs = [r.href for r in results]
    assert "/deployment#section-the-kv-cache" in hrefs
    assert all(h.startswith("/") for h in hrefs)
    assert "The KV cache" in _text(results)


@pytest.mark.parametrize("query", [None, "", " ", "a"])
def test_search_shows_nothing_for_too_short_queries(query):
    assert search.update_results(query) is None


def test_search_caps_the_query_and_never_echoes_markup():
    assert "No section matches" in _text(search.update_results("zzqx" * 10))
    results = search.update_results(XSS + " kv cache " + "x" * 500)
    assert results and XSS not in _text(results)


# ---- RAG --------------------------------------------------------------------------------------
def test_rag_search_ranks_chunks_and_quotes_a_cited_answer():
    error, answer, hits = rag_search.update(
        "How does LoRA cut trainable weights?", "hybrid", "120", "25", 0.1
    )
    assert error is None
    assert "LoRA" in _text(answer) and "Fine-Tuning ›" in _text(answer)
    assert "score" in _text(hits)


def test_rag_search_abstains_under_the_threshold():
    _, answer, _ = rag_search.update("How do I bake sourdough bread?", "bm25", "60", "0", 0.6)
    assert "Not in the guide" in _text(answer)


@pytest.mark.parametrize(
    "args, message",
    [
        (("", "hybrid", "120", "25", 0.2), "Question: please type"),
        (("x" * 301, "hybrid", "120", "25", 0.2), "at most 300"),
        (("q", "magic", "120", "25", 0.2), "Retriever"),
        (("q", "bm25", "77", "25", 0.2), "Chunk size"),
        (("q", "bm25", "120", "90", 0.2), "Overlap"),
        (("q", "bm25", "120", "25", None), "Threshold"),
        (("q", "bm25", "120", "25", 5), "Threshold"),
    ],
)
def test_rag_search_bad_input_is_named(args, message):
    error, answer, hits = rag_search.update(*args)
    assert message in error_text(error) and answer is None and hits is None


def test_rag_search_shows_learner_text_as_plain_text():
    error, answer, _ = rag_search.update(XSS, "hybrid", "120", "25", 0.0)
    assert error is None
    assert XSS not in _text(answer)  # the question is never echoed into the page


def test_rag_eval_charts_and_threshold_stats():
    error, fig = rag_eval.update_quality("ndcg", "10")
    assert error is None and len(fig["data"]) == 3 and "nDCG@10" in fig["layout"]["title"]["text"]
    error, fig = rag_eval.update_quality("mrr", "1")
    assert all(0 < y <= 1 for trace in fig["data"] for y in trace["y"])
    error, fig, stats = rag_eval.update_tradeoff("bm25", 0.3)
    shares = [float(v.rstrip("%")) for v in stat_values(stats).values()]
    assert sum(shares) == pytest.approx(100, abs=2)  # rounding
    assert fig["layout"]["shapes"][0]["x0"] == 0.3


@pytest.mark.parametrize("metric, k", [("f1", "5"), ("recall", "7"), (None, None)])
def test_rag_eval_bad_choice_gives_a_message(metric, k):
    error, fig = rag_eval.update_quality(metric, k)
    assert error_text(error) and _is_message(fig)


def test_rag_eval_bad_threshold_gives_a_message():
    error, fig, stats = rag_eval.update_tradeoff("hybrid", "high")
    assert "Threshold" in error_text(error) and _is_message(fig) and stats is None


# ---- Embeddings ------------------------------------------------------------------------------
def test_word_lab_neighbours_analogy_compare_and_map():
    assert "queen" in _text(embeddings_words.update_neighbours("king"))
    assert "queen" in _text(embeddings_words.update_analogy("king", "man", "woman"))
    compared = embeddings_words.update_compare("king", "queen")
    assert "Cosine" in _text(compared) and "Euclidean" in _text(compared)
    note, fig = embeddings_words.update_map("king, queen, paris, qqqq")
    assert "qqqq" in _text(note) and fig["data"][0]["text"] == ["king", "queen", "paris"]


@pytest.mark.parametrize("word", [None, "", "qqqqzz", XSS])
def test_word_lab_unknown_words_get_a_message(word):
    for out in (
        embeddings_words.update_neighbours(word),
        embeddings_words.update_analogy(word, "man", "woman"),
        embeddings_words.update_compare("king", word),
    ):
        assert error_text(out)
    note, fig = embeddings_words.update_map(word)
    assert error_text(note) and _is_message(fig)


def test_word_map_escapes_what_goes_into_the_figure():
    # only known words reach the figure, and they are escaped; a typed tag never does
    note, fig = embeddings_words.update_map("king, queen, <b>bold</b>")
    assert all("<" not in t for t in fig["data"][0]["text"])


def test_char_lab_nearest_and_bad_input():
    assert "Nearest to '7'" in _text(embeddings_chars.update_nearest("7"))
    assert "space" in _text(embeddings_chars.update_nearest("space"))
    assert "exactly one" in error_text(embeddings_chars.update_nearest("ab"))
    assert "never saw" in error_text(embeddings_chars.update_nearest("é"))


def test_ann_lab_sweeps_cells_and_refuses_others():
    error, fig, stats = embeddings_ann.update("16")
    assert error is None and len(fig["data"][0]["x"]) == 16
    assert fig["data"][0]["y"][-1] == pytest.approx(1)  # probing every cell is exact
    error, fig, stats = embeddings_ann.update("5")
    assert "Cells" in error_text(error) and _is_message(fig)
    error, fig, stats = embeddings_ann.update("8", "time")
    assert "Time per query" in fig["layout"]["xaxis"]["title"]["text"]
    assert all(x > 0 for x in fig["data"][0]["x"])
    error, fig, stats = embeddings_ann.update("8", "speed")
    assert "Chart against" in error_text(error)


# ---- Agents ------------------------------------------------------------------------------------
ARGS = '{"preset": "llama-2-7b", "micro_batch": 1, "seq_len": 2048}'


def test_agent_step_runs_a_tool_and_the_view_counts_tokens_and_cost():
    run, error = agent_policy.apply_step(
        False, ep.new_run(), "size it", "training_memory", ARGS, 6, "calculator", "none"
    )
    assert error is None and run["steps"][0]["ok"]
    error, transcript, stats, fig = agent_policy.update_view(run, "task", 6, 3, 15)
    values = stat_values(stats)
    assert values["Steps"] == "1 of 6" and values["Cost so far"].startswith("$")
    assert "gb_per_gpu" in _text(transcript)
    made, upcoming, billed = fig["data"]
    assert len(made["y"]) == 1 and upcoming["y"][0] > made["y"][0]  # the context grew
    assert billed["y"] == made["y"]


def test_agent_schema_mistakes_are_listed_one_by_one():
    run, error = agent_policy.apply_step(
        False,
        ep.new_run(),
        "x",
        "training_memory",
        '{"preset": "gpt5", "micro_batch": "1"}',
        6,
        "calculator",
        "none",
    )
    listed = [li.children for li in error.children[1].children]
    assert "Missing required argument 'seq_len'." in listed
    assert any("'micro_batch' must be a whole number" in m for m in listed)
    assert run["steps"][-1]["ok"] is False  # the model would read the errors as its observation


@pytest.mark.parametrize(
    "thought, tool, args, budget, message",
    [
        ("", "calculator", '{"expression": "1"}', 6, "Write a thought"),
        ("t", "calculator", "{not json", 6, "not valid JSON"),
        ("t", "calculator", '{"expression": "1"}', "many", "Step budget"),
        ("t", "calculator", '{"expression": "1"}', 0, "Step budget"),
        ("t", "finish", "{}", 6, "finish needs"),
    ],
)
def test_agent_refused_steps_explain_themselves(thought, tool, args, budget, message):
    run, error = agent_policy.apply_step(
        False, ep.new_run(), thought, tool, args, budget, "calculator", "none"
    )
    assert run is no_update and message in error_text(error)


def test_agent_reset_and_broken_store_and_learner_text_stays_plain():
    run, error = agent_policy.apply_step(True, {"steps": "junk"}, "", "", "", 6, "", "")
    assert run == ep.new_run() and error is None
    run, _ = agent_policy.apply_step(
        False, None, XSS, "calculator", '{"expression": "2*3"}', 6, "calculator", "bogus-mode"
    )
    _, transcript, _, _ = agent_policy.update_view(run, XSS, 6, 3, 15)
    assert XSS in _text(transcript)  # shown as text, inside plain Div/Span children
    assert not any(isinstance(c, html.Iframe) for c in transcript.children)
    error, *_ = agent_policy.update_view(run, "task", 6, "-3", 15)
    assert "Input price" in error_text(error)


def test_agent_tool_picker_shows_schema_and_example():
    args, schema = agent_policy.show_tool("serving_memory")
    assert '"weight_format"' in args and '"enum"' in schema
    assert agent_policy.show_tool("rm") == (no_update, "Choose a tool.")


def test_router_lab_scores_a_request_and_handles_empty_and_long_ones():
    error, fig, verdict = agent_router.update("What is 17 * 23?")
    assert error is None and "calculator" in _text(verdict)
    assert fig["data"][0]["y"][-1] == "calculator"  # best at the top
    for bad in ("", None, "x" * 301):
        error, fig, verdict = agent_router.update(bad)
        assert error_text(error) and _is_message(fig) and verdict is None
