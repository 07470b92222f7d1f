""" "Show the code": a collapsible panel under a planner with what to paste into the real
tool, one block per file, each with a copy button (dcc.Clipboard)."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import Output, State, callback, dcc, html

from app.components.inputs import field_error
from app.core.codegen import Snippet
from app.validation import InputError


def snippet_blocks(lab: str, snippets: list[Snippet], notes: list[str] | None = None) -> list:
    """The code blocks (file name, copy button, code as plain text) and any caveats."""
    out: list[Any] = []
    for note in notes or []:
        out.append(
            html.Div(
                [html.I(className="bi bi-info-circle me-2"), note],
                className="small text-muted mb-2",
            )
        )
    for i, s in enumerate(snippets):
        out.append(
            html.Div(
                [
                    html.Div(
                        [
                            html.Code(s.filename, className="code-panel-file"),
                            dcc.Clipboard(
                                id=f"{lab}-copy-{i}",
                                content=s.code,
                                title=f"Copy {s.filename}",
                                className="code-panel-copy ms-auto",
                            ),
                        ],
                        className="d-flex align-items-center mb-1",
                    ),
                    html.Pre(
                        html.Code(s.code, id=f"{lab}-code-{i}", className=f"language-{s.language}"),
                        className="code-panel-pre bg-light border rounded p-2 small mb-0",
                        style={"maxHeight": "28rem", "overflow": "auto", "whiteSpace": "pre"},
                    ),
                ],
                className="code-panel-block mb-3",
            )
        )
    return out


def code_panel(
    lab: str,
    title: str,
    intro: str,
    initial: list,
    *,
    controls: Any = None,
    sources: list[tuple[str, str]] | None = None,
) -> dbc.Card:
    """A card holding a closed <details>: the summary says what code it shows; inside, the
    panel's own few settings, an error line and the blocks (`{lab}-out`)."""
    links: list[Any] = []
    for i, (label, url) in enumerate(sources or []):
        links += [" · "] if i else []
        links.append(html.A(label, href=url, target="_blank", rel="noopener noreferrer"))
    return dbc.Card(
        dbc.CardBody(
            html.Details(
                [
                    html.Summary(
                        [html.I(className="bi bi-code-slash me-2"), f"Show the code: {title}"],
                        className="fw-semibold",
                        id=f"{lab}-summary",
                    ),
                    html.P(intro, className="small text-muted mt-2 mb-2"),
                    *([controls] if controls is not None else []),
                    html.Div(id=f"{lab}-error"),
                    html.Div(initial, id=f"{lab}-out"),
                    *(
                        [html.Div(["Reference: ", *links], className="small text-muted")]
                        if links
                        else []
                    ),
                ],
                id=f"{lab}-details",
            ),
            className="py-2",
        ),
        id=f"{lab}-lab",
        className="lab-card code-panel mb-4",
    )


def follow_planner(lab: str, inputs: list, plan_snippets) -> Any:
    """Register the panel's one callback: whenever the planner's `inputs` change (or the
    stage-04 model, passed last), show `plan_snippets(*values, selected)`, which returns
    snippets or (snippets, notes); a bad setting is the planner's own message, here too.
    Returns the callback (tests call it as a function)."""

    @callback(
        Output(f"{lab}-out", "children"),
        Output(f"{lab}-error", "children"),
        *inputs,
        State("selected-model", "data"),
        prevent_initial_call=True,  # the layout shows the defaults' code
    )
    def update(*values):
        try:
            planned = plan_snippets(*values)
        except (InputError, ValueError) as err:
            return [], field_error(str(err))
        snippets, notes = planned if isinstance(planned, tuple) else (planned, None)
        return snippet_blocks(lab, snippets, notes), None

    return update
