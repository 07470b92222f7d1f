"""What the cleaning-pipeline lab shows: pure builders of its result views (no callbacks).

Kept apart from `cleaning_pipeline.py`, which owns the layout and the callbacks."""

from __future__ import annotations

from collections import Counter

import dash_bootstrap_components as dbc
from dash import html

from app.components.lab_card import stat
from app.core.data import quality
from app.core.data.corpus import LABEL_NAMES, LABELS, default_corpus
from app.core.data.dedup import jaccard, shingles, threshold
from app.core.data.pipeline import STEP_NAMES, STEPS

LAB = "cleaning_pipeline"
DROPPED_ROWS = 15  # when one step is chosen
DROPPED_PER_STEP = 3  # when every step is shown
CLUSTERS_SHOWN = 3
PREVIEW_CHARS = 110
PRE_STYLE = {
    "whiteSpace": "pre-wrap",
    "wordBreak": "break-word",
    "maxHeight": "16rem",
    "overflowY": "auto",
    "background": "#f6f8fb",
    "padding": "0.5rem",
    "borderRadius": "0.3rem",
}


def preview(text: str, n: int = PREVIEW_CHARS) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= n else flat[: n - 1] + "…"


OTHER_RULES = {
    "language_id": "Not another language",
    "exact_duplicate": "Copy of an earlier page",
    "near_duplicate": "Near copy of an earlier page",
}


def rule_name(rule: str) -> str:
    """A rule's plain-English name for tables."""
    if rule in quality.RULES:
        return quality.RULES[rule][1]
    return OTHER_RULES.get(rule, rule.replace("_", " "))


def value_text(v: float, threshold: str) -> str:
    """A measured value in its threshold's unit: a share as a percentage, a count whole."""
    if "%" in threshold:
        return f"{100 * v:.0f}%"
    if "." in threshold or not float(v).is_integer():
        return f"{v:.2f}"
    return f"{v:,.0f}"


def stats_view(result):
    s, kept = result.scores, result.funnel[-1]
    first = result.funnel[0]
    return [
        stat(
            "Pages kept",
            f"{kept.docs:,}",
            id=f"{LAB}-kept",
            hint=f"of {first.docs:,} ({100 * kept.docs / max(first.docs, 1):.0f}%)",
        ),
        stat(
            "Tokens kept",
            f"{kept.tokens / 1000:,.0f} k",
            hint=f"of {first.tokens / 1000:,.0f} k (≈ characters / 4)",
        ),
        stat(
            "Precision",
            f"{s.precision:.1%}",
            id=f"{LAB}-precision",
            hint=f"{s.fp:,} junk pages got through",
        ),
        stat("Recall", f"{s.recall:.1%}", id=f"{LAB}-recall", hint=f"{s.fn:,} good pages lost"),
        stat("F1", f"{s.f1:.3f}", hint=f"run took {result.seconds:.2f} s"),
    ]


def labels_view(result):
    """A small table: each kind of page, how many there were and how many survived."""
    docs = default_corpus()
    total = Counter(d.label for d in docs)
    kept = Counter(docs[i].label for i in result.kept_ids)
    rows = [
        html.Tr(
            [
                html.Td(LABEL_NAMES[lab]),
                html.Td(f"{total[lab]:,}", className="text-end"),
                html.Td(f"{kept[lab]:,}", className="text-end"),
                html.Td("keep" if lab in ("good", "good_pii") else "drop", className="text-muted"),
            ]
        )
        for lab in LABELS
    ]
    return html.Details(
        [
            html.Summary("What survived, by kind of page", className="small fw-semibold"),
            dbc.Table(
                [
                    html.Thead(
                        html.Tr(
                            [html.Th("Kind"), html.Th("Pages"), html.Th("Kept"), html.Th("Should")]
                        )
                    ),
                    html.Tbody(rows),
                ],
                size="sm",
                striped=True,
                className="small mt-2 mb-0",
                responsive=True,
            ),
        ],
        className="mt-2",
    )


def dropped_summary(result) -> dict:
    """What the dropped-pages list can show, as plain JSON for the browser to keep: for
    "all" the first few of every step, for each step its first DROPPED_ROWS, with counts.
    The list then switches steps without running the pipeline again."""
    docs = default_corpus()

    def record(d) -> dict:
        return {
            "doc_id": d.doc_id,
            "label": d.label,
            "step": d.step,
            "rule": d.rule,
            "value": float(d.value),
            "threshold": d.threshold,
            "reason": d.reason,
            "preview": preview(docs[d.doc_id].text),
        }

    by_step: dict[str, list] = {}
    for d in result.dropped:
        by_step.setdefault(d.step, []).append(d)
    shown = {s: [record(d) for d in ds[:DROPPED_ROWS]] for s, ds in by_step.items()}
    shown["all"] = [record(d) for s in STEPS if s in by_step for d in by_step[s][:DROPPED_PER_STEP]]
    counts = {s: len(ds) for s, ds in by_step.items()}
    counts["all"] = len(result.dropped)
    return {"shown": shown, "counts": counts}


def dropped_item(r: dict):
    """One dropped page: what it was, which rule dropped it, the numbers, and its start."""
    return dbc.ListGroupItem(
        [
            html.Div(
                [
                    html.Span(
                        f"#{r['doc_id']} · {LABEL_NAMES.get(r['label'], r['label'])}",
                        className="fw-semibold",
                    ),
                    html.Span(f" — {STEP_NAMES[r['step']]}: {rule_name(r['rule'])}"),
                ]
            ),
            html.Div(
                r["reason"]
                if r["step"] in ("language", "exact_dedup", "near_dedup")  # the reason says all
                else f"Measured {value_text(r['value'], r['threshold'])}, needs "
                f"{r['threshold']}. {r['reason']}",
                className="text-muted",
            ),
            html.Div(r["preview"], className="fst-italic text-muted"),
        ],
        className="small py-2",
    )


def dropped_view(summary: dict, step: str):
    """The dropped pages `dropped_summary` kept for `step` ("all" or one step's name)."""
    shown = summary["shown"].get(step, [])
    if not shown:
        return html.P("No page was dropped by this step.", className="small text-muted")
    return html.Div(
        [
            html.P(
                f"Showing {len(shown)} of {summary['counts'][step]:,} dropped pages.",
                className="small text-muted mb-1",
            ),
            dbc.ListGroup([dropped_item(r) for r in shown], flush=True, id=f"{LAB}-dropped-list"),
        ]
    )


def clusters_view(result):
    cfg = result.config
    if not cfg.near_dedup:
        return html.P("Near dedup is switched off.", className="small text-muted")
    groups = [g for g in result.near_groups if len(g) >= 2]
    if not groups:
        return html.P(
            "No near-duplicate clusters found with these settings.", className="small text-muted"
        )
    docs = default_corpus()
    cards = []
    for group in groups[:CLUSTERS_SHOWN]:
        first, second = docs[group[0]], docs[group[1]]
        similarity = jaccard(shingles(first.text, cfg.n_gram), shingles(second.text, cfg.n_gram))
        cards.append(
            dbc.Card(
                dbc.CardBody(
                    [
                        html.Div(
                            f"{len(group)} pages; pages #{first.id} and #{second.id} share "
                            f"{similarity:.0%} of their {cfg.n_gram}-word shingles "
                            f"(the S-curve's threshold is ≈ {threshold(cfg.bands, cfg.rows):.0%}). "
                            f"#{first.id} is kept.",
                            className="small mb-2",
                        ),
                        dbc.Row(
                            [
                                dbc.Col(
                                    [
                                        html.Div(
                                            f"#{d.id} · {LABEL_NAMES[d.label]}",
                                            className="small fw-semibold",
                                        ),
                                        html.Pre(
                                            d.text[:600] + ("…" if len(d.text) > 600 else ""),
                                            className="small mb-0",
                                            style=PRE_STYLE,
                                        ),
                                    ],
                                    md=6,
                                )
                                for d in (first, second)
                            ],
                            className="g-2",
                        ),
                    ]
                ),
                className="mb-2",
            )
        )
    return html.Div(
        [
            html.P(
                f"{len(groups):,} clusters found; the first {len(cards)} are shown.",
                className="small text-muted mb-1",
            ),
            *cards,
        ]
    )


def rules_view(results):
    """Failing rules first, each with its reason; the passing ones folded away."""
    failed = [r for r in results if not r.passed]
    passed = [r for r in results if r.passed]
    items = [
        dbc.ListGroupItem(
            [
                html.Div(
                    [
                        html.I(className="bi bi-x-circle-fill text-danger me-2"),
                        html.Span(quality.RULES[r.rule][1], className="fw-semibold"),
                        html.Span(f" ({quality.GROUP_NAMES[r.group]})", className="text-muted"),
                    ]
                ),
                html.Div(
                    f"Measured {value_text(r.value, r.threshold)}, needs {r.threshold}. {r.reason}",
                    className="text-muted",
                ),
            ],
            className="small py-2",
        )
        for r in failed
    ]
    rows = [
        html.Tr(
            [
                html.Td(
                    [
                        html.I(className="bi bi-check-circle-fill text-success me-1"),
                        quality.RULES[r.rule][1],
                    ],
                    title=r.reason,
                ),
                html.Td(value_text(r.value, r.threshold), className="text-end"),
                html.Td(r.threshold),
            ]
        )
        for r in passed
    ]
    return html.Div(
        [
            dbc.ListGroup(items, flush=True, id=f"{LAB}-failed-rules") if items else None,
            html.Details(
                [
                    html.Summary(f"{len(passed)} rules pass", className="small fw-semibold"),
                    dbc.Table(
                        [
                            html.Thead(
                                html.Tr([html.Th("Rule"), html.Th("Value"), html.Th("Threshold")])
                            ),
                            html.Tbody(rows),
                        ],
                        size="sm",
                        className="small mt-1 mb-0",
                    ),
                ],
                className="mt-2",
            )
            if passed
            else None,
        ],
        id=f"{LAB}-rules-list",
    )
