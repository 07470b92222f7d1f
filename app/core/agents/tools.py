"""Tools an agent can call: real functions of this guide, each described by a JSON
schema (JSON Schema draft 2020-12, the format of OpenAI-style function calling).

`call(name, arguments)` validates the arguments against the tool's schema with the
`jsonschema` package, one plain message per mistake, and only then runs the function.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator

from app.core.agents.calculator import MAX_EXPRESSION_CHARS, CalculatorError, calculate
from app.core.architecture import count_params
from app.core.compute import chinchilla_optimal
from app.core.memory import training_memory
from app.core.presets import get_preset, list_presets
from app.core.serving import WEIGHT_FORMATS, kv_cache_bytes, weights_bytes

MAX_ARGUMENTS_CHARS = 1000
PRESET_NAMES = [p.name for p in list_presets()]


class ToolError(ValueError):
    """A tool call that cannot run; `messages` lists every mistake, one sentence each."""

    def __init__(self, messages: list[str]):
        super().__init__(" ".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class Tool:
    name: str
    description: str
    parameters: dict  # a JSON schema of the arguments object
    run: Callable[..., Any]

    def spec(self) -> dict:
        """The tool as a model sees it in a function-calling prompt."""
        return {"name": self.name, "description": self.description, "parameters": self.parameters}


def _gb(x: float) -> float:
    return round(x / 1e9, 2)


def _param_count(preset: str) -> dict:
    p = count_params(get_preset(preset))
    return {"preset": preset, "parameters": p.total, "active_parameters": p.active}


def _training_memory(
    preset: str, micro_batch: int, seq_len: int, gpus: int = 1, zero_stage: int = 0
) -> dict:
    m = training_memory(
        get_preset(preset),
        micro_batch,
        seq_len,
        dp=gpus,
        zero_stage=zero_stage,
        recompute="selective",
    )
    return {
        "preset": preset,
        "gb_per_gpu": _gb(m.total),
        "weights_gb": _gb(m.weights),
        "gradients_gb": _gb(m.gradients),
        "optimizer_gb": _gb(m.optimizer),
        "activations_gb": _gb(m.activations),
    }


def _chinchilla(compute_flops: float) -> dict:
    n, d = chinchilla_optimal(compute_flops)
    return {"compute_flops": compute_flops, "parameters": round(n), "tokens": round(d)}


def _serving_memory(preset: str, weight_format: str, context: int, batch: int) -> dict:
    cfg = get_preset(preset)
    bits, group = WEIGHT_FORMATS[weight_format]
    w = weights_bytes(count_params(cfg).total, bits, group)
    kv = kv_cache_bytes(cfg, context, batch)
    return {"weights_gb": _gb(w), "kv_cache_gb": _gb(kv), "total_gb": _gb(w + kv)}


def _search_guide(query: str, k: int = 3) -> list[dict]:
    from app.core.retrieval import get_index

    hits = get_index().search_sections(query, "hybrid", k)
    return [
        {
            "page": h.section.page_title,
            "section": h.section.heading,
            "link": h.section.href,
            "text": h.chunk.text[:240],
        }
        for h in hits
    ]


def _calculator(expression: str) -> dict:
    return {"expression": expression, "value": calculate(expression)}


_PRESET = {"type": "string", "enum": PRESET_NAMES, "description": "A model preset name."}

TOOLS: dict[str, Tool] = {
    t.name: t
    for t in (
        Tool(
            "param_count",
            "Exact parameter count of a published model configuration.",
            {
                "type": "object",
                "properties": {"preset": _PRESET},
                "required": ["preset"],
                "additionalProperties": False,
            },
            _param_count,
        ),
        Tool(
            "training_memory",
            "GPU memory per GPU to train a preset with mixed-precision Adam (ZeRO optional).",
            {
                "type": "object",
                "properties": {
                    "preset": _PRESET,
                    "micro_batch": {"type": "integer", "minimum": 1, "maximum": 1024},
                    "seq_len": {"type": "integer", "minimum": 1, "maximum": 1_000_000},
                    "gpus": {"type": "integer", "minimum": 1, "maximum": 100_000},
                    "zero_stage": {"type": "integer", "enum": [0, 1, 2, 3]},
                },
                "required": ["preset", "micro_batch", "seq_len"],
                "additionalProperties": False,
            },
            _training_memory,
        ),
        Tool(
            "chinchilla_budget",
            "Compute-optimal parameters and tokens for a FLOP budget (Hoffmann et al. 2022).",
            {
                "type": "object",
                "properties": {
                    "compute_flops": {"type": "number", "exclusiveMinimum": 0, "maximum": 1e30}
                },
                "required": ["compute_flops"],
                "additionalProperties": False,
            },
            _chinchilla,
        ),
        Tool(
            "serving_memory",
            "GPU memory to serve a preset: weights in a format plus the KV cache.",
            {
                "type": "object",
                "properties": {
                    "preset": _PRESET,
                    "weight_format": {"type": "string", "enum": list(WEIGHT_FORMATS)},
                    "context": {"type": "integer", "minimum": 1, "maximum": 1_000_000},
                    "batch": {"type": "integer", "minimum": 1, "maximum": 4096},
                },
                "required": ["preset", "weight_format", "context", "batch"],
                "additionalProperties": False,
            },
            _serving_memory,
        ),
        Tool(
            "search_guide",
            "Search this guide; returns the best sections with links.",
            {
                "type": "object",
                "properties": {
                    "query": {"type": "string", "minLength": 2, "maxLength": 200},
                    "k": {"type": "integer", "minimum": 1, "maximum": 5},
                },
                "required": ["query"],
                "additionalProperties": False,
            },
            _search_guide,
        ),
        Tool(
            "calculator",
            "Evaluate an arithmetic expression, e.g. '6 * 7e9 * 2e12'.",
            {
                "type": "object",
                "properties": {
                    "expression": {
                        "type": "string",
                        "minLength": 1,
                        "maxLength": MAX_EXPRESSION_CHARS,
                    }
                },
                "required": ["expression"],
                "additionalProperties": False,
            },
            _calculator,
        ),
    )
}
TOOL_NAMES = tuple(TOOLS)


def _describe(error) -> str:
    """One plain sentence for a jsonschema ValidationError."""
    where = "/".join(str(p) for p in error.absolute_path)
    field = f"'{where}'" if where else "The arguments"
    v, kind = error.validator, error.validator_value
    if v == "required":
        missing = error.message.split("'")[1] if "'" in error.message else "?"
        return f"Missing required argument '{missing}'."
    if v == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return f"Unknown argument(s): {', '.join(map(repr, extra))}."
    if v == "type":
        kinds = {
            "integer": "a whole number",
            "number": "a number",
            "string": "a string",
            "object": "a JSON object",
        }
        return f"{field} must be {kinds.get(kind, kind)}, got {json.dumps(error.instance)[:40]}."
    if v == "enum":
        return f"{field} must be one of: {', '.join(map(str, kind))}."
    if v in ("minimum", "exclusiveMinimum"):
        return f"{field} must be {'above' if v == 'exclusiveMinimum' else 'at least'} {kind}."
    if v == "maximum":
        return f"{field} must be at most {kind}."
    if v in ("minLength", "maxLength"):
        return f"{field} must be {'at least' if v == 'minLength' else 'at most'} {kind} characters."
    return f"{field}: {error.message[:120]}"


def validate_arguments(name: str, arguments: Any) -> list[str]:
    """Every mistake in `arguments` for tool `name`, one message each ([] if valid)."""
    if name not in TOOLS:
        return [f"Unknown tool '{str(name)[:40]}'. Tools: {', '.join(TOOL_NAMES)}."]
    validator = Draft202012Validator(TOOLS[name].parameters)
    errors = sorted(validator.iter_errors(arguments), key=lambda e: list(e.absolute_path))
    return [_describe(e) for e in errors]


def parse_arguments(text: str) -> Any:
    """The JSON arguments a learner typed, or ToolError saying where the JSON breaks."""
    if text is None or not str(text).strip():
        return {}
    text = str(text)
    if len(text) > MAX_ARGUMENTS_CHARS:
        raise ToolError([f"The arguments are longer than {MAX_ARGUMENTS_CHARS} characters."])
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise ToolError(
            [
                f"The arguments are not valid JSON: {err.msg} "
                f"(line {err.lineno}, column {err.colno})."
            ]
        ) from None


def call(name: str, arguments: Any) -> Any:
    """Validate, then run. ToolError lists the mistakes; a tool's own refusal (e.g. a
    preset that cannot be split over that many GPUs) is a ToolError too."""
    problems = validate_arguments(name, arguments)
    if problems:
        raise ToolError(problems)
    try:
        return TOOLS[name].run(**arguments)
    except CalculatorError as err:
        raise ToolError([str(err)]) from None
    except ValueError as err:
        raise ToolError([str(err)]) from None
