"""A long page keeps its first screen in the layout and ships the rest as data, drawn just
after (app/components/below_the_fold.py); Plotly is fetched with the page only when its
first screen holds a chart."""

from __future__ import annotations

import pytest
from dash import dcc, html

from app.components.below_the_fold import (
    EARLY,
    EARLY_DATA,
    REST,
    REST_DATA,
    holds_chart,
    split_at_fold,
)
from app.components.first_view import components_by_id
from app.components.stage_page import (
    LABS,
    anchor,
    first_chart,
    first_screen,
    stage_layout,
)
from app.content import get_content

PAGES = get_content().pages


def test_the_rest_goes_into_a_store_and_a_short_page_is_left_alone():
    parts = [html.H1("Top", id="top"), None, html.P("a", id="a"), None, html.P("b", id="b")]
    split = split_at_fold(parts, 2, page="p", drawn_when=".x")
    assert split[:2] == parts[:2]
    holder, store = split[2], split[3]
    assert holder.id == REST and holder.children is None
    assert holder.to_plotly_json()["props"]["data-page"] == "p"
    assert store.id == REST_DATA and [c.id for c in store.data] == ["a", "b"]
    assert split_at_fold(parts[:2], 2, page="p", drawn_when=".x") == parts[:2]


def test_an_early_part_comes_first_and_the_rest_waits_for_its_chart():
    parts = [html.H1("Top"), html.Div(dcc.Graph(id="g")), html.P("a", id="a"), html.P("b")]
    split = split_at_fold(parts, 1, page="p", drawn_when=".x", early=2)
    ids = [getattr(c, "id", None) for c in split]
    assert ids == [None, EARLY, EARLY_DATA, EARLY + "-trigger", REST, REST_DATA, REST + "-trigger"]
    assert [getattr(c, "id", None) for c in split[2].data] == [None, "a"]
    assert split[1].to_plotly_json()["props"]["data-drawn-when"] == ".x"
    waits_for = split[4].to_plotly_json()["props"]["data-drawn-when"]
    assert waits_for == f"#{EARLY} .dash-graph .main-svg"
    no_chart = split_at_fold([html.H1("Top"), html.P("a"), html.P("b")], 1, "p", ".x", early=1)
    assert no_chart[4].to_plotly_json()["props"]["data-drawn-when"] == f"#{EARLY} > *"
    # Nothing after the early part: one holder, as without it.
    alone = split_at_fold(parts[:3], 1, page="p", drawn_when=".x", early=5)
    assert [getattr(c, "id", None) for c in alone][1:] == [REST, REST_DATA, REST + "-trigger"]


def test_a_chart_is_found_in_a_tree_but_not_in_a_held_rest():
    assert holds_chart(html.Div([html.P("x"), html.Div(dcc.Graph(id="g"))]))
    assert not holds_chart(html.Div([html.P("x"), dcc.Store(id="s", data=[dcc.Graph(id="g")])]))
    assert not holds_chart([None, "text", html.P("x")])


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.slug)
def test_every_page_shows_its_top_and_holds_the_rest_with_nothing_lost(page):
    article = stage_layout(page.slug).children[0]
    header = article.children[0]
    assert isinstance(header.children[1], html.H1)
    ids = components_by_id(article)
    # The first screen is text: it ends where the page's first lab begins.
    top = first_screen(page.slug)
    assert not any(LABS in (getattr(p, "className", "") or "") for p in top)
    early = ids[EARLY_DATA].data if EARLY_DATA in ids else []
    rest = ids[REST_DATA].data
    labs = [p for p in early + rest if LABS in (getattr(p, "className", "") or "")]
    if labs:
        assert LABS in (early + rest)[0].className  # ...and what follows begins with it
    if len(labs) > 1:  # the first lab comes on its own, the next one starts the rest
        assert labs[0] in early and LABS in rest[0].className
        assert ids[REST].to_plotly_json()["props"]["data-drawn-when"].startswith(f"#{EARLY}")
    else:
        assert not early
    # The rest holds the worked example, the quiz (if any) and the footer's links.
    assert {"worked-example", "stage-next", "stage-prev"} <= set(components_by_id(rest))
    if page.quiz:
        assert "quiz" in components_by_id(rest)
    # Every section heading is in the page once, above or below the fold.
    assert {anchor(s.title) for s in page.sections} <= set(ids)


def test_plotly_runs_with_the_page_only_for_a_chart_in_its_first_screen(client):
    """A chart in the first screen: Plotly.js runs while Dash fetches the page. Charts only
    further down: it is fetched early but not run, so it does not hold up the first screen."""
    run = '<script async src="/_dash-component-suites/plotly/package_data/plotly.min.js">'
    fetch = '<link rel="preload" as="script" href="/_dash-component-suites/plotly/package_data/'
    for page in PAGES:
        article = stage_layout(page.slug).children[0]
        expected = (
            "first screen"
            if holds_chart(first_screen(page.slug))
            else "below"
            if holds_chart(article, held=True)
            else None
        )
        assert first_chart(page.slug) == expected
        html_text = client.get(page.path).get_data(as_text=True)
        assert (run in html_text) == (expected == "first screen"), page.slug
        assert (fetch in html_text) == (expected == "below"), page.slug
    assert "below" in {first_chart(p.slug) for p in PAGES}
    assert run in client.get("/").get_data(as_text=True)  # the dashboard's chart
    glossary = client.get("/glossary").get_data(as_text=True)
    assert run not in glossary and fetch not in glossary
