"""How fast do the calculators answer? Each lab's main callback, served through Dash's own
HTTP endpoint (Flask test client: JSON in, JSON out), timed against a no-op callback whose
calls are interleaved with the lab's. Prints ratios, not absolute times, so it reads the
same on any machine.

    python bench/calculators.py [--repeat 100]
"""

from __future__ import annotations

import argparse
import importlib
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dash import Input, Output, callback  # noqa: E402


@callback(Output("bench-noop-out", "children"), Input("bench-noop-in", "value"))
def noop(value):
    return value


# (lab, the id of one output of the callback to time); inputs come from the lab's layout
LABS = [
    ("model_builder", "model_builder-stats"),
    ("attention_variants", "attention_variants-stats"),
    ("position_maps", "position_maps-encoding"),
    ("compute_planner", "compute_planner-stats"),
    ("memory_planner", "memory_planner-stats"),
    ("lr_schedule", "lr_schedule-stats"),
    ("finetune_planner", "finetune_planner-stats"),
    ("serving_planner", "serving_planner-stats"),
    ("eval_noise", "eval_noise-stats"),
]


def component_props(tree) -> dict[str, dict]:
    """id → props, for every component with a string id in a layout tree."""
    from app.components.first_view import components_by_id

    return {i: c.to_plotly_json()["props"] for i, c in components_by_id(tree).items()}


def request_body(dep: dict, props: dict[str, dict]) -> dict:
    """The JSON the Dash renderer posts for callback `dep`, with values from `props`."""

    def item(spec):
        value = props.get(spec["id"], {}).get(spec["property"])
        return {"id": spec["id"], "property": spec["property"], "value": value}

    outputs = []
    for out in dep["output"].strip(".").split("..."):
        cid, prop = out.split("@")[0].rsplit(".", 1)
        outputs.append({"id": cid, "property": prop})
    inputs = [item(i) for i in dep["inputs"]]
    return {
        "output": dep["output"],
        "outputs": outputs if len(outputs) > 1 else outputs[0],
        "inputs": inputs,
        "state": [item(s) for s in dep["state"]],
        "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"],
    }


def call_seconds(client, data: str) -> float:
    start = time.perf_counter()
    response = client.post("/_dash-update-component", data=data, content_type="application/json")
    elapsed = time.perf_counter() - start
    if response.status_code != 200:
        raise RuntimeError(f"HTTP {response.status_code} for {data[:80]}")
    return elapsed


def ratio_to_noop(client, body: dict, noop_body: dict, repeat: int) -> float:
    """Median time of `body`'s callback over the no-op's, their calls interleaved (no-op,
    lab, no-op, lab, ...) so that a machine that slows down midway slows both alike."""
    data, noop = json.dumps(body), json.dumps(noop_body)
    for _ in range(5):  # warm up
        call_seconds(client, data), call_seconds(client, noop)
    lab_times, noop_times = [], []
    for _ in range(repeat):
        noop_times.append(call_seconds(client, noop))
        lab_times.append(call_seconds(client, data))
    return statistics.median(lab_times) / statistics.median(noop_times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=100, help="calls per callback")
    args = parser.parse_args()

    from app import create_app

    client = create_app(warm=False).server.test_client()
    # As in production, a page has been served: the server hashes the page's inline scripts
    # for its Content-Security-Policy once, on the first page, not on every callback.
    client.get("/")
    deps = client.get("/_dash-dependencies").get_json()

    def dependency(output_id: str) -> dict:
        return next(
            d for d in deps if f"{output_id}." in d["output"] and not d.get("clientside_function")
        )

    noop_body = request_body(dependency("bench-noop-out"), {"bench-noop-in": {"value": 1}})
    print(
        f"Median time per call, as a multiple of a no-op Dash callback "
        f"({args.repeat} calls of each, interleaved)"
    )
    print(f"{'lab':<22}{'× no-op':>9}")
    for lab, output_id in LABS:
        props = component_props(importlib.import_module(f"app.labs.{lab}").layout())
        props["selected-model"] = {"data": None}
        body = request_body(dependency(output_id), props)
        print(f"{lab:<22}{ratio_to_noop(client, body, noop_body, args.repeat):>9.1f}")


if __name__ == "__main__":
    main()
