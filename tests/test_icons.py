"""The shipped icon font and stylesheet hold every icon the guide uses, and only those
(tools/subset_icons.py writes them from the full upstream files)."""

from __future__ import annotations

import pytest

from tools.subset_icons import OUT_CSS, OUT_FONT, UPSTREAM, upstream_codepoints, used_icons

SHIPPED_CSS = OUT_CSS.read_text(encoding="utf-8")
FULL = upstream_codepoints((UPSTREAM / "bootstrap-icons.min.css").read_text(encoding="utf-8"))


def test_every_icon_the_guide_uses_is_shipped():
    shipped = upstream_codepoints(SHIPPED_CSS)
    missing = sorted(used_icons() - set(shipped))
    assert not missing, f"run tools/subset_icons.py: no rule for {missing}"


def test_the_guide_names_only_real_icons():
    assert used_icons() <= set(FULL), sorted(used_icons() - set(FULL))


def test_the_shipped_rules_match_the_upstream_code_points_and_nothing_unused_ships():
    shipped = upstream_codepoints(SHIPPED_CSS)
    assert all(FULL[name] == code for name, code in shipped.items())
    assert set(shipped) == used_icons()


def test_the_font_draws_every_shipped_icon_and_is_small():
    ttlib = pytest.importorskip("fontTools.ttLib")
    pytest.importorskip("brotli")
    cmap = ttlib.TTFont(OUT_FONT).getBestCmap()
    assert set(upstream_codepoints(SHIPPED_CSS).values()) <= set(cmap)
    assert OUT_FONT.stat().st_size < 20_000  # the full font is 134 kB


def test_the_stylesheet_points_at_the_shipped_font_only():
    assert 'url("fonts/bootstrap-icons.woff2?' in SHIPPED_CSS
    assert ".woff?" not in SHIPPED_CSS
