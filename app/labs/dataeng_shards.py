"""Shards you can trust: the tokenized corpus written in shards with a manifest of token
counts and SHA-256 hashes; flip one byte and the check names the shard."""

from __future__ import annotations

from functools import lru_cache

import dash_bootstrap_components as dbc
import numpy as np
from dash import Input, Output, State, callback, ctx, html

from app.components.inputs import field_error, number_field
from app.components.lab_card import lab_card, stat
from app.core.dataeng.packing import TOKENIZER_VOCAB
from app.core.dataeng.shards import flip_byte, verify_shards, write_shards
from app.validation import InputError, parse_number

LAB = "dataeng_shards"
MIN_SHARD, MAX_SHARD = 10_000, 200_000


@lru_cache(maxsize=1)
def corpus_ids() -> np.ndarray:
    """Every kept page of the crawl, tokenized with stage 03's BPE, one end token between."""
    from app.core.data.corpus import KEEP_LABELS, default_corpus
    from app.core.data.tokenization import train_tokenizer

    tok = train_tokenizer("bpe", TOKENIZER_VOCAB)
    texts = [d.text for d in default_corpus() if d.label in KEEP_LABELS]
    eod = tok.get_vocab_size()  # one id past the vocabulary marks a page's end
    ids = []
    for e in tok.encode_batch(texts):
        ids.extend(e.ids)
        ids.append(eod)
    return np.array(ids)


@lru_cache(maxsize=8)
def shards_for(tokens_per_shard: int):
    return write_shards(corpus_ids(), tokens_per_shard)


def layout():
    controls = dbc.Row(
        [
            dbc.Col(
                number_field(
                    f"{LAB}-size", "Tokens per shard", 50_000, help=f"{MIN_SHARD:,}–{MAX_SHARD:,}"
                ),
                xs=6,
                md=3,
            ),
            dbc.Col(
                number_field(f"{LAB}-shard", "Shard to damage", 2, help="its number"), xs=6, md=3
            ),
            dbc.Col(
                number_field(f"{LAB}-offset", "Byte to flip", 1234, help="its offset"), xs=6, md=3
            ),
            dbc.Col(
                html.Div(
                    [
                        dbc.Button(
                            "Flip the byte and verify",
                            id=f"{LAB}-flip",
                            color="primary",
                            size="sm",
                            className="me-2 mt-4",
                        ),
                    ]
                ),
                xs=6,
                md=3,
            ),
        ],
        className="g-2",
    )
    manifest, verdict, err = update(False, 50_000, 2, 1234)
    body = html.Div(
        [
            controls,
            html.Div(err, id=f"{LAB}-error"),
            html.Div(verdict, id=f"{LAB}-verdict", className="my-2"),
            html.Div(manifest, id=f"{LAB}-manifest", className="table-responsive"),
        ]
    )
    return lab_card(
        LAB,
        "Shards you can trust",
        "The crawl's good pages, tokenized, are written as shards of 16-bit token ids with a "
        "manifest: each shard's token count, size and SHA-256 hash. Before training reads "
        "them, a second step recomputes every hash. Damage one byte and see what the check "
        "says.",
        body,
        icon="bi-shield-check",
        sources=[
            ("datatrove", "https://github.com/huggingface/datatrove"),
            ("FIPS 180-4 (SHA-256)", "https://csrc.nist.gov/pubs/fips/180-4/upd1/final"),
        ],
    )


@callback(
    Output(f"{LAB}-manifest", "children"),
    Output(f"{LAB}-verdict", "children"),
    Output(f"{LAB}-error", "children"),
    Input(f"{LAB}-flip", "n_clicks"),
    Input(f"{LAB}-size", "value"),
    State(f"{LAB}-shard", "value"),
    State(f"{LAB}-offset", "value"),
    prevent_initial_call=True,
)
def changed(n_clicks, size, shard, offset):
    """Flip only when the button was pressed; a new shard size shows fresh, intact shards."""
    return update(ctx.triggered_id == f"{LAB}-flip", size, shard, offset)


def update(flipped: bool, size, shard, offset):
    try:
        size = parse_number(
            size, "Tokens per shard", minimum=MIN_SHARD, maximum=MAX_SHARD, integer=True
        )
        shards, manifest = shards_for(size)
        n = len(shards)
        shard = parse_number(shard, "Shard to damage", minimum=0, maximum=n - 1, integer=True)
        name = f"shard-{shard:05d}.bin"
        offset = parse_number(
            offset, "Byte to flip", minimum=0, maximum=len(shards[name]) - 1, integer=True
        )
    except InputError as err:
        return None, None, field_error(str(err))
    rows = [
        html.Tr(
            [
                html.Td(html.Code(e["name"])),
                html.Td(f"{e['tokens']:,}"),
                html.Td(f"{e['bytes']:,}"),
                html.Td(html.Code(e["sha256"][:16] + "…")),
            ]
        )
        for e in manifest["shards"]
    ]
    table = dbc.Table(
        [
            html.Thead(html.Tr([html.Th(h) for h in ("Shard", "Tokens", "Bytes", "SHA-256")])),
            html.Tbody(rows),
        ],
        size="sm",
        className="small",
    )
    stats = html.Div(
        [stat("Shards", f"{n}"), stat("Tokens", f"{manifest['total_tokens']:,}")],
        className="stat-row",
    )
    if not flipped:
        problems = verify_shards(shards, manifest)
        verdict = dbc.Alert(
            "Verified: every shard matches the manifest." if not problems else "; ".join(problems),
            color="success",
            className="small py-2",
            id=f"{LAB}-status",
        )
    else:
        problems = verify_shards(flip_byte(shards, name, offset), manifest)
        verdict = dbc.Alert(
            [
                html.Strong("Check failed. "),
                " ".join(problems),
                f" (one bit of byte {offset:,} changed; every other shard still verifies.)",
            ],
            color="danger",
            className="small py-2",
            id=f"{LAB}-status",
        )
    return [stats, table], verdict, None
