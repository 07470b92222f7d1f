"""RAG lab: a question → the ranked chunks of the guide (BM25, dense or hybrid), and an
extractive, cited answer, or "not in the guide" under a threshold the learner moves."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html

from app.components.inputs import field_error, select_field
from app.components.lab_card import formula_note, lab_card
from app.config import settings
from app.core.retrieval.answer import answer
from app.core.retrieval.index import MAX_QUERY_CHARS, RETRIEVER_NAMES, RETRIEVERS, get_index
from app.validation import InputError, parse_choice, parse_number

LAB = "rag_search"
CHUNK_SIZES = ["60", "120", "250"]
OVERLAPS = {"0": "None", "25": "A quarter", "50": "Half"}
DEFAULTS = dict(
    question="How big is the KV cache per token?",
    retriever="hybrid",
    size="120",
    overlap="25",
    threshold=0.2,
)
TOP_K = 5


def parse(question, retriever, size, overlap, threshold):
    """Clean inputs or InputError naming the field."""
    text = str(question or "").strip()
    if not text:
        raise InputError("Question: please type a question about the guide.")
    if len(text) > MAX_QUERY_CHARS:
        raise InputError(f"Question: at most {MAX_QUERY_CHARS} characters.")
    retriever = parse_choice(retriever, "Retriever", RETRIEVERS)
    size = int(parse_choice(str(size), "Chunk size", CHUNK_SIZES))
    share = int(parse_choice(str(overlap), "Overlap", list(OVERLAPS)))
    threshold = parse_number(threshold, "Threshold", minimum=0, maximum=1)
    return text, retriever, size, size * share // 100, float(threshold)


def _source_link(section) -> dcc.Link:
    return dcc.Link(f"{section.page_title} › {section.heading}", href=section.href)


def render(question, retriever, size, overlap, threshold):
    """(error, answer view, ranked chunks view)."""
    try:
        text, retriever, size, overlap, threshold = parse(
            question, retriever, size, overlap, threshold
        )
    except InputError as err:
        return field_error(str(err)), None, None
    index = get_index(settings.content_dir, size, overlap)
    result = answer(index, text, retriever=retriever, threshold=threshold)
    if result.abstained:
        answer_view = dbc.Alert(
            [
                html.Strong("Not in the guide. "),
                f"The best supporting sentence scores {result.best_support:.2f}, under the "
                f"threshold of {threshold:.2f}, so the lab does not answer.",
            ],
            color="secondary",
            className="mb-2",
            id=f"{LAB}-abstained",
        )
    else:
        answer_view = html.Div(
            [
                html.Div("Answer, quoted from the guide:", className="small text-muted mb-1"),
                html.Ul(
                    [
                        html.Li(
                            [
                                html.Q(s.sentence),
                                html.Span(f" (support {s.support:.2f}) — ", className="small"),
                                _source_link(s.section),
                            ]
                        )
                        for s in result.sentences
                    ],
                    className="mb-1",
                ),
            ],
            className="rag-answer border-start border-3 border-success ps-3 mb-3",
        )
    hits = index.search(text, retriever, TOP_K)
    if not hits:
        chunks_view = html.P("No chunk shares a word with the question.", className="text-muted")
    else:
        chunks_view = html.Ol(
            [
                html.Li(
                    [
                        html.Div(
                            [
                                _source_link(h.section),
                                html.Span(f"  score {h.score:.3f}", className="small text-muted"),
                            ]
                        ),
                        html.Div(
                            h.chunk.text[:400] + ("…" if len(h.chunk.text) > 400 else ""),
                            className="small",
                        ),
                    ],
                    className="mb-2",
                )
                for h in hits
            ],
            className="rag-hits",
        )
    summary = html.Div(
        f"{len(index.chunks)} chunks of up to {size} words, overlapping by {overlap}; "
        f"{RETRIEVER_NAMES[retriever]} ranks them:",
        className="small text-muted mb-1",
    )
    return None, answer_view, html.Div([summary, chunks_view])


def layout():
    d = DEFAULTS
    error, answer_view, chunks_view = render(**d)
    controls = dbc.Row(
        [
            dbc.Col(
                [
                    dbc.Label("Question", html_for=f"{LAB}-question", className="small mb-1"),
                    dbc.Input(
                        id=f"{LAB}-question",
                        value=d["question"],
                        maxLength=MAX_QUERY_CHARS,
                        debounce=True,
                        size="sm",
                    ),
                    html.Div("Press Enter to ask.", className="form-text small"),
                ],
                xs=12,
            ),
            dbc.Col(
                select_field(
                    f"{LAB}-retriever",
                    "Retriever",
                    [{"label": RETRIEVER_NAMES[r], "value": r} for r in RETRIEVERS],
                    d["retriever"],
                ),
                xs=12,
                md=4,
            ),
            dbc.Col(
                select_field(
                    f"{LAB}-size",
                    "Chunk size",
                    [{"label": f"{s} words", "value": s} for s in CHUNK_SIZES],
                    d["size"],
                ),
                xs=6,
                md=4,
            ),
            dbc.Col(
                select_field(
                    f"{LAB}-overlap",
                    "Overlap",
                    [{"label": v, "value": k} for k, v in OVERLAPS.items()],
                    d["overlap"],
                ),
                xs=6,
                md=4,
            ),
            dbc.Col(
                [
                    dbc.Label(
                        "Answer only if the best sentence's support is at least",
                        html_for=f"{LAB}-threshold",
                        className="small mb-1",
                    ),
                    dcc.Slider(
                        id=f"{LAB}-threshold",
                        min=0,
                        max=0.6,
                        step=0.02,
                        value=d["threshold"],
                        marks={v / 10: f"{v / 10:.1f}" for v in range(0, 7)},
                        tooltip={"placement": "bottom"},
                    ),
                ],
                xs=12,
            ),
        ],
        className="g-2",
    )
    body = html.Div(
        [
            controls,
            html.Div(error, id=f"{LAB}-error"),
            html.Div(answer_view, id=f"{LAB}-answer", className="mt-2"),
            html.Div(chunks_view, id=f"{LAB}-hits"),
            formula_note(
                "BM25: Σ idf(t)·tf/(tf + k1·(1 − b + b·|d|/avgdl)); "
                "RRF: Σ 1/(60 + rank); support: cosine(question, sentence) in TF-IDF",
                "Robertson & Zaragoza 2009; Cormack et al. 2009",
                "https://doi.org/10.1561/1500000019",
            ),
        ]
    )
    return lab_card(
        LAB,
        "Ask the guide",
        "Type a question. The guide is cut into chunks, ranked by the retriever you pick, and "
        "the best-supported sentences are quoted with their sources. Nothing is generated.",
        body,
        sources=[
            ("BM25 (Robertson & Zaragoza 2009)", "https://doi.org/10.1561/1500000019"),
            ("RRF (Cormack et al. 2009)", "https://doi.org/10.1145/1571941.1572114"),
            ("RAG (Lewis et al. 2020)", "https://arxiv.org/abs/2005.11401"),
        ],
        icon="bi-search",
    )


@callback(
    Output(f"{LAB}-error", "children"),
    Output(f"{LAB}-answer", "children"),
    Output(f"{LAB}-hits", "children"),
    Input(f"{LAB}-question", "value"),
    Input(f"{LAB}-retriever", "value"),
    Input(f"{LAB}-size", "value"),
    Input(f"{LAB}-overlap", "value"),
    Input(f"{LAB}-threshold", "value"),
    prevent_initial_call=True,
)
def update(question, retriever, size, overlap, threshold):
    return render(question, retriever, size, overlap, threshold)
