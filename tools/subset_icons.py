"""Ship only the Bootstrap Icons the guide uses.

The full icon font is 134 kB and its stylesheet 87 kB (13 kB compressed): more than the
rest of the site's own CSS and fonts together, for about 80 of its 2,000 icons. This
script finds every `bi-*` class in the app's code, content and scripts, and writes

- `assets/vendor/02-bootstrap-icons.min.css`: the font face, the base `.bi` rule and one
  rule per icon used;
- `assets/vendor/fonts/bootstrap-icons.woff2`: the font with only those glyphs.

Rerun it after using a new icon (a test fails until you do):

    pip install fonttools brotli && python tools/subset_icons.py

The full upstream files (v1.13.2, MIT, see LICENSE) stay in tools/bootstrap-icons/.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UPSTREAM = ROOT / "tools" / "bootstrap-icons"
OUT_CSS = ROOT / "assets" / "vendor" / "02-bootstrap-icons.min.css"
OUT_FONT = ROOT / "assets" / "vendor" / "fonts" / "bootstrap-icons.woff2"

ICON_CLASS = re.compile(r"\bbi-[a-z0-9]+(?:-[a-z0-9]+)*")
RULE = re.compile(r"\.(bi-[a-z0-9-]+)::before\{content:\"\\([0-9a-f]+)\"\}")
SOURCES = [("app", "*.py"), ("content", "*.md"), ("content", "*.yaml"), ("assets", "*.js")]


def used_icons(root: Path = ROOT) -> set[str]:
    """Every `bi-*` class named in the app's Python, content and scripts."""
    names: set[str] = set()
    for folder, pattern in SOURCES:
        for path in (root / folder).rglob(pattern):
            if "vendor" not in path.parts:
                names.update(ICON_CLASS.findall(path.read_text(encoding="utf-8")))
    return names


def upstream_codepoints(css: str) -> dict[str, int]:
    """Icon class -> its code point in the font, from the upstream stylesheet."""
    return {name: int(code, 16) for name, code in RULE.findall(css)}


def subset_css(css: str, names: set[str], version: str) -> str:
    """The upstream stylesheet cut down to its header, font face (the woff2 only, named
    with `version` so browsers drop a cached older subset), base rule and `names`."""
    first_icon = css.index(".bi-123::before")
    head = re.sub(r',url\("fonts/bootstrap-icons\.woff\?[0-9a-f]+"\) format\("woff"\)', "", css)
    head = re.sub(r"bootstrap-icons\.woff2\?[0-9a-f]+", f"bootstrap-icons.woff2?{version}", head)
    head = head[: head.index(".bi-123::before")]
    codes = upstream_codepoints(css[first_icon:])
    rules = "".join(f'.{n}::before{{content:"\\{codes[n]:x}"}}' for n in sorted(names))
    return head + rules + "\n"


def main() -> None:
    from fontTools import subset

    css = (UPSTREAM / "bootstrap-icons.min.css").read_text(encoding="utf-8")
    codes = upstream_codepoints(css)
    names = {n for n in used_icons() if n in codes}
    unknown = sorted(used_icons() - set(codes))
    if unknown:
        print("not Bootstrap Icons (ignored):", ", ".join(unknown))
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = []
    options.name_IDs = ["*"]  # keep the copyright and licence names
    font = subset.load_font(str(UPSTREAM / "bootstrap-icons.woff2"), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[codes[n] for n in names])
    subsetter.subset(font)
    subset.save_font(font, str(OUT_FONT), options)
    version = hashlib.sha256(OUT_FONT.read_bytes()).hexdigest()[:12]
    OUT_CSS.write_text(subset_css(css, names, version), encoding="utf-8")
    print(f"{len(names)} icons: {OUT_CSS.stat().st_size} B CSS, {OUT_FONT.stat().st_size} B font")


if __name__ == "__main__":
    main()
