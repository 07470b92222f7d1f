"""Small views of the learner's progress: status icons, badges and the overall bar."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

STATUS_ICON = {
    "not-started": "bi bi-circle status-icon status-not-started",
    "in-progress": "bi bi-circle-half status-icon status-in-progress",
    "completed": "bi bi-check-circle-fill status-icon status-completed",
}
STATUS_LABEL = {
    "not-started": "Not started",
    "in-progress": "In progress",
    "completed": "Completed",
}
STATUS_COLOR = {"not-started": "light", "in-progress": "warning", "completed": "success"}


def status_badge(status: str, id: str | dict | None = None) -> dbc.Badge:
    kwargs = {"id": id} if id is not None else {}
    return dbc.Badge(
        STATUS_LABEL[status],
        color=STATUS_COLOR[status],
        text_color="dark" if status != "completed" else None,
        className="status-badge",
        **kwargs,
    )


def progress_text(completed: int, total: int, noun: str = "stages") -> str:
    """'3 of 8 stages completed'; '0 of 1 topic completed'."""
    return f"{completed} of {total} {noun if total != 1 else noun.removesuffix('s')} completed"


def overall_bar(completed: int, total: int, id_prefix: str, noun: str = "stages") -> list:
    """A progress bar with 'N of M stages completed' (or topics) under it."""
    percent = round(100 * completed / total) if total else 0
    return [
        dbc.Progress(
            value=percent,
            id=f"{id_prefix}-bar",
            className="overall-progress",
            color="success",
            style={"height": "0.6rem"},
        ),
        html.Div(
            progress_text(completed, total, noun),
            id=f"{id_prefix}-text",
            className="small text-muted mt-1",
        ),
    ]
