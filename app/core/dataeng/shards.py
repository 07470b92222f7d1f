"""Shards you can trust: token ids written in shards with a manifest of counts and
SHA-256 hashes, and a second step that verifies them before training reads them.

This is what large pipelines do between stages (datatrove writes its tokenized output in
shards with token counts; MosaicML Streaming's index.json stores each shard's hashes): a
truncated upload or a flipped bit is found before it silently changes training data.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np

DTYPE = np.uint16  # vocabularies under 65,536 tokens fit in two bytes per id


def write_shards(token_ids, tokens_per_shard: int) -> tuple[dict[str, bytes], dict]:
    """({shard name: bytes}, manifest) for a flat sequence of token ids."""
    ids = np.asarray(token_ids)
    if ids.ndim != 1 or ids.size == 0:
        raise ValueError("Give a non-empty flat list of token ids.")
    if tokens_per_shard < 1:
        raise ValueError("A shard holds at least one token.")
    if ids.min() < 0 or ids.max() > np.iinfo(DTYPE).max:
        raise ValueError("Token ids must fit in 16 bits.")
    shards, entries = {}, []
    for k, start in enumerate(range(0, ids.size, tokens_per_shard)):
        name = f"shard-{k:05d}.bin"
        data = ids[start : start + tokens_per_shard].astype(DTYPE).tobytes()
        shards[name] = data
        entries.append(
            {
                "name": name,
                "tokens": len(data) // DTYPE().itemsize,
                "bytes": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
            }
        )
    manifest = {"dtype": "uint16", "total_tokens": int(ids.size), "shards": entries}
    return shards, manifest


def verify_shards(shards: dict[str, bytes], manifest: dict) -> list[str]:
    """Problems found, one sentence each naming the shard; [] when every shard is intact."""
    problems = []
    listed = {e["name"] for e in manifest.get("shards", [])}
    for e in manifest.get("shards", []):
        data = shards.get(e["name"])
        if data is None:
            problems.append(f"{e['name']}: missing.")
            continue
        if len(data) != e["bytes"]:
            problems.append(f"{e['name']}: {len(data)} bytes, the manifest says {e['bytes']}.")
        elif hashlib.sha256(data).hexdigest() != e["sha256"]:
            problems.append(f"{e['name']}: SHA-256 differs from the manifest (content changed).")
    for name in sorted(set(shards) - listed):
        problems.append(f"{name}: not in the manifest.")
    total = sum(e["tokens"] for e in manifest.get("shards", []))
    if total != manifest.get("total_tokens"):
        problems.append(
            f"The shards' token counts add up to {total}, not {manifest.get('total_tokens')}."
        )
    return problems


def flip_byte(shards: dict[str, bytes], name: str, offset: int) -> dict[str, bytes]:
    """A copy of the shards with one bit of one byte changed."""
    if name not in shards:
        raise ValueError(f"No shard called {name!r}.")
    data = bytearray(shards[name])
    if not 0 <= offset < len(data):
        raise ValueError(f"The byte offset must be between 0 and {len(data) - 1}.")
    data[offset] ^= 0x01
    return {**shards, name: bytes(data)}


def manifest_json(manifest: dict) -> str:
    return json.dumps(manifest, indent=1)
