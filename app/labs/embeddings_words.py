"""Embeddings lab: word vectors trained here (word2vec skip-gram, gensim) on the guide and
a small English corpus: nearest neighbours, analogies, three closeness measures on the
same pair, and a 2-D map of the words the learner picks."""

from __future__ import annotations

import dash_bootstrap_components as dbc
import numpy as np
from dash import Input, Output, callback, dcc, html

from app.components.inputs import field_error
from app.components.lab_card import formula_note, lab_card, stat
from app.core import embeddings as emb
from app.figures.embeddings import word_map_figure
from app.figures.theme import GRAPH_CONFIG, message_figure

LAB = "embeddings_words"
MAX_MAP_WORDS = 30
MAX_LIST_CHARS = 400
DEFAULT_MAP = (
    "king, queen, man, woman, prince, princess, paris, france, rome, italy, monday, friday"
)


def _word_input(id_suffix: str, label: str, value: str, width: dict) -> dbc.Col:
    return dbc.Col(
        [
            dbc.Label(label, html_for=f"{LAB}-{id_suffix}", className="small mb-1"),
            dbc.Input(
                id=f"{LAB}-{id_suffix}",
                value=value,
                maxLength=emb.MAX_WORD_CHARS,
                debounce=True,
                size="sm",
            ),
        ],
        **width,
    )


def _ranked_list(pairs, label: str) -> html.Div:
    return html.Div(
        [
            html.Div(label, className="small text-muted"),
            html.Ol(
                [
                    html.Li([html.Span(w), html.Span(f"  {s:.2f}", className="small text-muted")])
                    for w, s in pairs
                ],
                className="mb-0 small",
            ),
        ]
    )


def neighbours_view(word):
    wv = emb.load_vectors()
    try:
        found = emb.neighbours(wv, word, 8)
    except ValueError as err:
        return field_error(str(err))
    return _ranked_list(found, "Nearest by cosine similarity:")


def analogy_view(a, b, c):
    wv = emb.load_vectors()
    try:
        found = emb.analogy(wv, a, b, c, 5)
    except ValueError as err:
        return field_error(str(err))
    return _ranked_list(found, "Nearest to a − b + c:")


def compare_view(a, b):
    wv = emb.load_vectors()
    try:
        m = emb.compare(wv, a, b)
        a, b = emb.check_word(wv, a), emb.check_word(wv, b)
    except ValueError as err:
        return field_error(str(err))
    # The neighbours of `a` ranked three ways: length matters to the dot product only.
    va = wv.vector(a)
    dots = wv.vectors @ va
    dists = np.linalg.norm(wv.vectors - va, axis=1)
    cos = wv.unit @ (va / np.linalg.norm(va))

    def top(scores, reverse=True):
        order = np.argsort(-scores if reverse else scores, kind="stable")
        return [wv.words[i] for i in order if wv.words[i] != a][:5]

    return html.Div(
        [
            html.Div(
                [
                    stat("Cosine", f"{m.cosine:.3f}", hint="angle only"),
                    stat("Dot product", f"{m.dot:.2f}", hint="angle × both lengths"),
                    stat("Euclidean distance", f"{m.euclidean:.2f}", hint="smaller = closer"),
                    stat(f"Length of '{a}'", f"{m.norm_a:.2f}"),
                    stat(f"Length of '{b}'", f"{m.norm_b:.2f}"),
                ],
                className="stat-row my-2",
            ),
            html.Div(f"The five nearest words to '{a}' by each measure:", className="small"),
            dbc.Table(
                [
                    html.Thead(html.Tr([html.Th("Cosine"), html.Th("Dot"), html.Th("Euclidean")])),
                    html.Tbody(
                        [
                            html.Tr([html.Td(x), html.Td(y), html.Td(z)])
                            for x, y, z in zip(top(cos), top(dots), top(dists, False), strict=True)
                        ]
                    ),
                ],
                size="sm",
                className="small mb-0",
            ),
        ]
    )


def map_view(text):
    wv = emb.load_vectors()
    raw = [
        w.strip().lower() for w in str(text or "")[:MAX_LIST_CHARS].replace("\n", ",").split(",")
    ]
    words, unknown = [], []
    for w in raw:
        if not w or w in words:
            continue
        (words if wv.has(w) else unknown).append(w)
    words = words[:MAX_MAP_WORDS]
    note = f"Not in the vocabulary, left out: {', '.join(unknown[:10])}." if unknown else None
    if len(words) < 2:
        message = "Type at least two known words, separated by commas."
        return field_error(note or message), message_figure(message)
    xy, ratio = emb.pca_2d(np.stack([wv.vector(w) for w in words]))
    return (html.Div(note, className="small text-muted") if note else None), word_map_figure(
        words, xy, ratio
    )


def layout():
    wv = emb.load_vectors()
    n_words = sum(wv.source_words.values())
    map_note, map_fig = map_view(DEFAULT_MAP)
    half = dict(xs=12, md=6)
    third = dict(xs=4)
    body = html.Div(
        [
            html.Div(
                f"{len(wv.words):,} words, {wv.vectors.shape[1]} numbers each, learned from "
                f"{n_words:,} words of text: this guide ({wv.source_words['guide']:,}), "
                f"Australian news articles ({wv.source_words['lee']:,}) and everyday "
                f"sentences written here ({wv.source_words['everyday']:,}).",
                className="small text-muted mb-3",
            ),
            dbc.Row(
                [
                    dbc.Col(
                        [
                            html.H4("Nearest neighbours", className="h6"),
                            dbc.Row(
                                _word_input("word", "Word", "king", {"xs": 12}), className="g-2"
                            ),
                            html.Div(
                                neighbours_view("king"), id=f"{LAB}-neighbours", className="mt-2"
                            ),
                        ],
                        **half,
                    ),
                    dbc.Col(
                        [
                            html.H4("Analogy: a − b + c", className="h6"),
                            dbc.Row(
                                [
                                    _word_input("a", "a", "king", third),
                                    _word_input("b", "− b", "man", third),
                                    _word_input("c", "+ c", "woman", third),
                                ],
                                className="g-2",
                            ),
                            html.Div(
                                analogy_view("king", "man", "woman"),
                                id=f"{LAB}-analogy",
                                className="mt-2",
                            ),
                        ],
                        **half,
                    ),
                ],
                className="g-4",
            ),
            html.H4("Three ways to measure closeness", className="h6 mt-4"),
            dbc.Row(
                [
                    _word_input("pair-a", "First word", "king", {"xs": 6, "md": 3}),
                    _word_input("pair-b", "Second word", "queen", {"xs": 6, "md": 3}),
                ],
                className="g-2",
            ),
            html.Div(compare_view("king", "queen"), id=f"{LAB}-compare"),
            formula_note(
                "cos = a·b / (|a||b|);  dot = a·b;  Euclidean = |a − b|",
                "Mikolov et al. 2013",
                "https://arxiv.org/abs/1310.4546",
            ),
            html.H4("A map of your words", className="h6 mt-4"),
            dbc.Label("Words, separated by commas", html_for=f"{LAB}-map-words", className="small"),
            dbc.Textarea(
                id=f"{LAB}-map-words",
                value=DEFAULT_MAP,
                maxLength=MAX_LIST_CHARS,
                debounce=True,
                rows=2,
                className="form-control-sm",
            ),
            html.Div(map_note, id=f"{LAB}-map-note"),
            dcc.Graph(
                id=f"{LAB}-map", figure=map_fig, config={**GRAPH_CONFIG, "displayModeBar": False}
            ),
        ]
    )
    return lab_card(
        LAB,
        "Word vectors, trained here",
        "Each word gets a vector so that words used in similar contexts end up close. "
        "Try a word, an analogy, a pair, or a list of words to map.",
        body,
        sources=[
            ("Mikolov et al. 2013a (word2vec)", "https://arxiv.org/abs/1301.3781"),
            ("Mikolov et al. 2013b (negative sampling)", "https://arxiv.org/abs/1310.4546"),
            ("gensim Word2Vec", "https://radimrehurek.com/gensim/models/word2vec.html"),
            (
                "Lee corpus (Lee et al. 2005)",
                "https://github.com/piskvorky/gensim/tree/develop/gensim/test/test_data",
            ),
        ],
        icon="bi-diagram-3",
    )


@callback(
    Output(f"{LAB}-neighbours", "children"),
    Input(f"{LAB}-word", "value"),
    prevent_initial_call=True,
)
def update_neighbours(word):
    return neighbours_view(word)


@callback(
    Output(f"{LAB}-analogy", "children"),
    Input(f"{LAB}-a", "value"),
    Input(f"{LAB}-b", "value"),
    Input(f"{LAB}-c", "value"),
    prevent_initial_call=True,
)
def update_analogy(a, b, c):
    return analogy_view(a, b, c)


@callback(
    Output(f"{LAB}-compare", "children"),
    Input(f"{LAB}-pair-a", "value"),
    Input(f"{LAB}-pair-b", "value"),
    prevent_initial_call=True,
)
def update_compare(a, b):
    return compare_view(a, b)


@callback(
    Output(f"{LAB}-map-note", "children"),
    Output(f"{LAB}-map", "figure"),
    Input(f"{LAB}-map-words", "value"),
    prevent_initial_call=True,
)
def update_map(text):
    return map_view(text)
