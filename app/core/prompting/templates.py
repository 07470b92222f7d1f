"""Chat templates: what a chat model really reads, and what it costs in tokens.

A chat (system, user and assistant turns) reaches a model as one string with special
tokens between the turns. Each model family has its own published format:

- ChatML (OpenAI, "chatml.md", 2023; used by Qwen and many open models): every message is
  `<|im_start|>{role}\\n{content}<|im_end|>\\n`; the reply starts after
  `<|im_start|>assistant\\n`.
- Llama 3 (Meta, "Llama 3 model card / prompt format"): `<|begin_of_text|>`, then every
  message is `<|start_header_id|>{role}<|end_header_id|>\\n\\n{content}<|eot_id|>` with the
  content trimmed; the reply starts after the assistant header and its blank line.
- Gemma (Google, "Gemma formatting and system instructions"): `<bos>`, then
  `<start_of_turn>{user|model}\\n{content}<end_of_turn>\\n`; there is no system role, so
  the system instruction goes at the top of the first user turn, followed by a blank line
  (as Gemma 3's chat template does); the reply starts after `<start_of_turn>model\\n`.

`render()` returns the text as labelled parts; `count_tokens()` tokenizes it with the
stage-03 byte-level BPE tokenizer, each special token added as one token (as a real
tokenizer registers them), and counts tokens per part.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

FORMATS = {
    "chatml": "ChatML (OpenAI, Qwen)",
    "llama3": "Llama 3",
    "gemma": "Gemma",
}
SPECIAL_TOKENS = {
    "chatml": ("<|im_start|>", "<|im_end|>"),
    "llama3": ("<|begin_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"),
    "gemma": ("<bos>", "<start_of_turn>", "<end_of_turn>"),
}
ROLES = ("system", "user", "assistant")
MAX_MESSAGE_CHARS = 4_000
MAX_MESSAGES = 24


@dataclass(frozen=True)
class Part:
    """A piece of the rendered prompt: `kind` is 'special' (a special token), 'markup'
    (role names and line breaks the format adds) or the role whose words these are;
    `message` is the index of the message it belongs to (-1: the reply's opening)."""

    text: str
    kind: str
    message: int


def check_messages(messages) -> list[tuple[str, str]]:
    """[(role, content)] checked: known roles, strings, not too long; ValueError otherwise."""
    if not messages:
        raise ValueError("Give at least one message.")
    if len(messages) > MAX_MESSAGES:
        raise ValueError(f"At most {MAX_MESSAGES} messages.")
    out = []
    for i, m in enumerate(messages):
        role, content = m
        if role not in ROLES:
            raise ValueError(f"Message {i + 1}: the role must be one of {', '.join(ROLES)}.")
        if not isinstance(content, str):
            raise ValueError(f"Message {i + 1}: the content must be text.")
        if len(content) > MAX_MESSAGE_CHARS:
            raise ValueError(f"Message {i + 1} is longer than {MAX_MESSAGE_CHARS:,} characters.")
        if role == "system" and i != 0:
            raise ValueError("Only the first message can be the system message.")
        out.append((role, content))
    return out


def render(fmt: str, messages, add_generation_prompt: bool = True) -> list[Part]:
    """The chat as the model reads it, in labelled parts ("".join(p.text) is the prompt)."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown chat format {fmt!r}: choose one of {', '.join(FORMATS)}.")
    messages = check_messages(messages)
    return {"chatml": _chatml, "llama3": _llama3, "gemma": _gemma}[fmt](
        messages, add_generation_prompt
    )


def prompt_text(fmt: str, messages, add_generation_prompt: bool = True) -> str:
    return "".join(p.text for p in render(fmt, messages, add_generation_prompt))


def _chatml(messages, gen) -> list[Part]:
    parts = []
    for i, (role, content) in enumerate(messages):
        parts += [
            Part("<|im_start|>", "special", i),
            Part(role + "\n", "markup", i),
            Part(content, role, i),
            Part("<|im_end|>", "special", i),
            Part("\n", "markup", i),
        ]
    if gen:
        parts += [Part("<|im_start|>", "special", -1), Part("assistant\n", "markup", -1)]
    return parts


def _llama3(messages, gen) -> list[Part]:
    parts = [Part("<|begin_of_text|>", "special", 0)]
    for i, (role, content) in enumerate(messages):
        parts += [
            Part("<|start_header_id|>", "special", i),
            Part(role, "markup", i),
            Part("<|end_header_id|>", "special", i),
            Part("\n\n", "markup", i),
            Part(content.strip(), role, i),
            Part("<|eot_id|>", "special", i),
        ]
    if gen:
        parts += [
            Part("<|start_header_id|>", "special", -1),
            Part("assistant", "markup", -1),
            Part("<|end_header_id|>", "special", -1),
            Part("\n\n", "markup", -1),
        ]
    return parts


def _gemma(messages, gen) -> list[Part]:
    parts = [Part("<bos>", "special", 0)]
    system = None
    if messages[0][0] == "system":
        system, messages = messages[0][1], messages[1:]
        offset = 1
    else:
        offset = 0
    for j, (role, content) in enumerate(messages):
        i = j + offset
        parts += [
            Part("<start_of_turn>", "special", i),
            Part(("model" if role == "assistant" else role) + "\n", "markup", i),
        ]
        if system is not None and j == 0:
            parts.append(Part(system.strip() + "\n\n", "system", 0))
        parts += [
            Part(content.strip(), role, i),
            Part("<end_of_turn>", "special", i),
            Part("\n", "markup", i),
        ]
    if system is not None and not messages:  # a system message alone still reaches the model
        parts += [
            Part("<start_of_turn>", "special", 0),
            Part("user\n", "markup", 0),
            Part(system.strip() + "\n\n", "system", 0),
            Part("<end_of_turn>", "special", 0),
            Part("\n", "markup", 0),
        ]
    if gen:
        parts += [Part("<start_of_turn>", "special", -1), Part("model\n", "markup", -1)]
    return parts


# ---------------------------------------------------------------- tokens and budget

BPE_VOCAB_SIZE = 2_000  # the stage-03 byte-level BPE at a mid-size vocabulary


@lru_cache(maxsize=4)
def chat_tokenizer(fmt: str, vocab_size: int = BPE_VOCAB_SIZE):
    """The stage-03 byte-level BPE tokenizer (trained on the guide's corpus) with the
    format's special tokens added, each as one token that is never split."""
    from tokenizers import Tokenizer

    from app.core.data.tokenization import train_tokenizer

    tok = Tokenizer.from_str(train_tokenizer("bpe", vocab_size).to_str())  # a private copy
    tok.add_special_tokens(list(SPECIAL_TOKENS[fmt]))
    return tok


@dataclass(frozen=True)
class TokenCount:
    parts: list[Part]
    tokens_per_part: list[int]
    total_tokens: int
    total_chars: int

    @property
    def chars_over_4(self) -> int:
        """The rule of thumb: one token per four characters (OpenAI's tokenizer help page)."""
        return math.ceil(self.total_chars / 4)

    @property
    def rule_error(self) -> float:
        """(chars/4 − real tokens) / real tokens: positive when the rule overestimates."""
        return (self.chars_over_4 - self.total_tokens) / max(1, self.total_tokens)


def count_tokens(fmt: str, messages, add_generation_prompt: bool = True) -> TokenCount:
    """Render the chat and tokenize it; each token is counted in the part where it starts."""
    parts = render(fmt, messages, add_generation_prompt)
    text = "".join(p.text for p in parts)
    enc = chat_tokenizer(fmt).encode(text)
    starts, pos = [], 0
    for p in parts:
        starts.append(pos)
        pos += len(p.text)
    counts = [0] * len(parts)
    k = 0
    for start, _ in enc.offsets:
        while k + 1 < len(parts) and start >= starts[k + 1]:
            k += 1
        counts[k] += 1
    return TokenCount(parts, counts, len(enc.ids), len(text))


def budget(count: TokenCount, context_window: int, reply_tokens: int) -> dict:
    """How a context window is spent: the prompt, the room kept for the reply, what is left."""
    if context_window < 1:
        raise ValueError("The context window must hold at least one token.")
    used = count.total_tokens + reply_tokens
    return {
        "prompt": count.total_tokens,
        "reply": reply_tokens,
        "free": max(0, context_window - used),
        "over": max(0, used - context_window),
        "window": context_window,
    }
