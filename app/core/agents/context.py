"""An agent's context: the text a model re-reads at every step, and what that costs.

The transcript follows ReAct (Yao et al. 2022): after the system text (with each tool's
JSON schema) and the task, each step adds the model's "Thought", its "Action" (a tool and
JSON arguments) and the tool's "Observation". A chat API is stateless: every call sends
the whole transcript again, so the input tokens billed over a run are the sum of the
context sizes at each call, which grows roughly with the square of the number of steps.

Tokens are counted with the guide's stage-03 tokenizer: byte-level BPE trained on the
guide's own text (`app.core.data.tokenization`), CONTEXT_VOCAB_SIZE tokens.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from app.core.agents.tools import TOOLS

CONTEXT_VOCAB_SIZE = 4_000
SYSTEM_TEXT = (
    "You are an assistant that answers questions about training language models. "
    "Think step by step. To use a tool, write Thought, then Action: <tool> with JSON "
    "arguments, and wait for the Observation. When you know the answer, use the tool "
    "'finish'. Tools:"
)


def tokenizer():
    from app.core.data.tokenization import train_tokenizer

    return train_tokenizer("bpe", CONTEXT_VOCAB_SIZE)  # cached after the first call


def count_tokens(text: str) -> int:
    return len(tokenizer().encode(text).ids) if text else 0


def system_prompt() -> str:
    specs = "\n".join(json.dumps(t.spec(), separators=(",", ":")) for t in TOOLS.values())
    return f"{SYSTEM_TEXT}\n{specs}"


@dataclass(frozen=True)
class Step:
    thought: str
    tool: str
    arguments: str  # as the model wrote them
    observation: str

    def action_text(self) -> str:
        return f"Thought: {self.thought}\nAction: {self.tool} {self.arguments}\n"

    def text(self) -> str:
        return f"{self.action_text()}Observation: {self.observation}\n"


def transcript(task: str, steps) -> str:
    head = f"{system_prompt()}\n\nTask: {task}\n\n"
    return head + "".join(s.text() for s in steps)


@dataclass(frozen=True)
class ContextCost:
    context_tokens: list[int]  # context size at the start of call 1, 2, ... (and the next)
    output_tokens: int  # tokens the model wrote (thoughts and actions)
    input_tokens_billed: int  # Σ context_tokens: each call re-sends the whole context
    dollars: float


def context_cost(task: str, steps, in_price: float, out_price: float) -> ContextCost:
    """Token counts and cost for a run whose model calls produced `steps`. Prices are
    dollars per million tokens (input, output)."""
    if in_price < 0 or out_price < 0:
        raise ValueError("Prices cannot be negative.")
    head = count_tokens(f"{system_prompt()}\n\nTask: {task}\n\n")
    sizes, running, written = [head], head, 0
    for s in steps:
        action = count_tokens(s.action_text())
        written += action
        running += action + count_tokens(f"Observation: {s.observation}\n")
        sizes.append(running)
    billed = sum(sizes[: len(steps)])  # the calls made so far; sizes[-1] is the next one
    dollars = (billed * in_price + written * out_price) / 1e6
    return ContextCost(sizes, written, billed, dollars)
