"""A long page keeps its first screen in the layout and ships the rest as data, drawn just
after (app/components/below_the_fold.py); Plotly is fetched with the page only when its
first screen holds a chart."""

from __future__ import annotations

import pytest
from dash import dcc, html

from app.components.below_the_fold import REST, REST_DATA, holds_chart, split_at_fold
from app.components.first_view import components_by_id
from app.components.stage_page import (
    FIRST_SCREEN,
    anchor,
    first_screen_draws_chart,
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
    # The rest holds the worked example, the quiz (if any) and the footer's links.
    rest = ids[REST_DATA].data
    assert {"worked-example", "stage-next", "stage-prev"} <= set(components_by_id(rest))
    if page.quiz:
        assert "quiz" in components_by_id(rest)
    # Every section heading is in the page once, above or below the fold.
    assert {anchor(s.title) for s in page.sections} <= set(ids)


def test_plotly_comes_with_the_page_only_when_the_first_screen_draws_a_chart(client):
    with_chart = [p for p in PAGES if first_screen_draws_chart(p.slug)]
    without = [p for p in PAGES if not first_screen_draws_chart(p.slug)]
    assert with_chart and without  # both kinds exist, so both branches are tested
    for page in PAGES:
        first = stage_layout(page.slug).children[0].children[:FIRST_SCREEN]
        assert first_screen_draws_chart(page.slug) == holds_chart(first)
    script = 'async src="/_dash-component-suites/plotly/package_data/plotly.min.js"'
    assert script in client.get(with_chart[0].path).get_data(as_text=True)
    assert script not in client.get(without[0].path).get_data(as_text=True)
    assert script in client.get("/").get_data(as_text=True)  # the dashboard's chart
    assert script not in client.get("/glossary").get_data(as_text=True)
