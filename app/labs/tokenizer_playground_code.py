"""Show the code for the tokenizer playground: the Hugging Face `tokenizers` script that
trains the chosen kind of tokenizer at the chosen vocabulary size on your own text."""

from __future__ import annotations

from dash import Input, Output, callback

from app.components.code_panel import code_panel, snippet_blocks
from app.components.inputs import field_error
from app.core.codegen import tokenizers_script
from app.core.data import tokenization as tz
from app.validation import InputError, parse_choice, parse_number

LAB = "tokenizer_playground_code"
PLANNER = "tokenizer_playground"
DEFAULTS = ("bpe", 1000)


def plan_snippets(kind, vocab_size):
    kind = parse_choice(kind, "Tokenizer", tz.KINDS)
    vocab_size = int(
        parse_number(
            vocab_size,
            "Vocabulary size",
            minimum=tz.MIN_VOCAB_SIZE,
            maximum=tz.MAX_VOCAB_SIZE,
            integer=True,
        )
    )
    return tokenizers_script.snippets(kind, vocab_size)


def layout():
    return code_panel(
        LAB,
        "tokenizers training script",
        "The tokenizer above, as a script for the Hugging Face tokenizers library: the same "
        "model, pre-tokenizer and trainer, trained on your own text files.",
        snippet_blocks(LAB, plan_snippets(*DEFAULTS)),
        sources=[("tokenizers quicktour", "https://huggingface.co/docs/tokenizers/quicktour")],
    )


@callback(
    Output(f"{LAB}-out", "children"),
    Output(f"{LAB}-error", "children"),
    Input(f"{PLANNER}-kind", "value"),
    Input(f"{PLANNER}-vocab", "value"),
    prevent_initial_call=True,  # the layout shows the defaults' code
)
def update(kind, vocab_size):
    try:
        return snippet_blocks(LAB, plan_snippets(kind, vocab_size)), None
    except (InputError, ValueError) as err:
        return [], field_error(str(err))
