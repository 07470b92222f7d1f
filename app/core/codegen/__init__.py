""" "Show the code": what a learner would paste into the real tool for a plan made here.

Each generator is a pure function from the plan's settings to `Snippet`s (a file name, its
language and its text). They import nothing from Dash; the `*_code` labs show them.
Everything written is plain text built from validated numbers and fixed names, never from
free text the learner typed, so the code cannot be made to say something else.
"""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class Snippet:
    filename: str
    language: str  # "json", "python" or "bash"
    code: str


def as_json(data: dict) -> str:
    return json.dumps(data, indent=2) + "\n"


# Where each preset's weights live on the Hugging Face Hub (GPT-3 was never released).
HF_REPOS = {
    "gpt2": "openai-community/gpt2",
    "gpt2-medium": "openai-community/gpt2-medium",
    "gpt2-large": "openai-community/gpt2-large",
    "gpt2-xl": "openai-community/gpt2-xl",
    "llama-2-7b": "meta-llama/Llama-2-7b-hf",
    "llama-2-13b": "meta-llama/Llama-2-13b-hf",
    "llama-2-70b": "meta-llama/Llama-2-70b-hf",
    "llama-3-8b": "meta-llama/Meta-Llama-3-8B",
    "llama-3-70b": "meta-llama/Meta-Llama-3-70B",
    "llama-3.1-405b": "meta-llama/Llama-3.1-405B",
    "mistral-7b": "mistralai/Mistral-7B-v0.1",
    "mixtral-8x7b": "mistralai/Mixtral-8x7B-v0.1",
}
YOUR_MODEL = "path/to/your-model"


def model_id(preset: str) -> str:
    """The Hub id of a preset, or a placeholder path for a model built here."""
    return HF_REPOS.get(preset, YOUR_MODEL)
