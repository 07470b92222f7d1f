"""The tokenizer playground's settings as a Hugging Face `tokenizers` training script.

The same models, pre-tokenizers, decoders and trainers as app/core/data/tokenization.py
(GPT-2's byte-level BPE, BERT's WordPiece, SentencePiece-style Unigram), so the script
trains the tokenizer the playground shows, on your own files.
"""

from __future__ import annotations

from app.core.codegen import Snippet
from app.core.data.tokenization import KINDS, UNK_TOKENS, check_vocab_size

_SETUP = {
    "bpe": (
        "# Byte-level BPE (GPT-2): every byte is a symbol, so no text is unknown\n"
        "tokenizer = Tokenizer(models.BPE())\n"
        "tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)\n"
        "tokenizer.decoder = decoders.ByteLevel()\n"
        "trainer = trainers.BpeTrainer(\n"
        "    vocab_size=VOCAB_SIZE,\n"
        "    initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),  # all 256 bytes\n"
        '    special_tokens=["<|endoftext|>"],\n'
        ")\n"
    ),
    "wordpiece": (
        "# WordPiece (BERT): split on spaces and punctuation; '##' marks a word's continuation\n"
        'tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))\n'
        "tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()\n"
        "tokenizer.decoder = decoders.WordPiece()\n"
        "trainer = trainers.WordPieceTrainer(\n"
        "    vocab_size=VOCAB_SIZE,\n"
        '    special_tokens=["[UNK]", "[CLS]", "[SEP]", "[PAD]", "[MASK]"],\n'
        ")\n"
    ),
    "unigram": (
        "# Unigram (SentencePiece): a space becomes '▁' and starts the next piece\n"
        "tokenizer = Tokenizer(models.Unigram())\n"
        "tokenizer.pre_tokenizer = pre_tokenizers.Metaspace()\n"
        "tokenizer.decoder = decoders.Metaspace()\n"
        "trainer = trainers.UnigramTrainer(\n"
        "    vocab_size=VOCAB_SIZE,\n"
        '    special_tokens=["<unk>"],\n'
        '    unk_token="<unk>",\n'
        ")\n"
    ),
}
assert set(_SETUP) == set(KINDS) and UNK_TOKENS["wordpiece"] == "[UNK]"


def python_code(kind: str, vocab_size: int) -> str:
    if kind not in KINDS:
        raise ValueError(f"Tokenizer must be one of {', '.join(KINDS)}.")
    check_vocab_size(vocab_size)
    return (
        "# pip install tokenizers\n"
        "import glob\n\n"
        "from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers\n\n"
        f"VOCAB_SIZE = {vocab_size}\n"
        'FILES = sorted(glob.glob("corpus/*.txt"))  # your training text, plain UTF-8\n\n'
        + _SETUP[kind]
        + "\n"
        "if __name__ == '__main__':\n"
        "    tokenizer.train(FILES, trainer)\n"
        '    tokenizer.save("tokenizer.json")\n'
        '    print(tokenizer.encode("Tokenizers cut text into pieces.").tokens)\n'
    )


def snippets(kind: str, vocab_size: int) -> list[Snippet]:
    return [Snippet("train_tokenizer.py", "python", python_code(kind, vocab_size))]
