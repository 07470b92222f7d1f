"""A tiny GPT in pure NumPy that trains live on the guide's own words.

    from app.core.tinylm import TinyGPT, TinyGPTConfig, TrainConfig, train, load_pretrained

See model.py for the architecture (GPT-2, Radford et al. 2019), train.py for the AdamW
loop, corpus.py for the data, runtime.py for why training caps BLAS threads, and
make_checkpoint.py for the shipped checkpoint (`python -m app.core.tinylm.make_checkpoint`).
bench/tinylm.py compares training speed with PyTorch.
"""

from app.core.tinylm.corpus import load_corpus
from app.core.tinylm.model import TinyGPT, TinyGPTConfig
from app.core.tinylm.pretrained import PRETRAINED_PATH, load_pretrained
from app.core.tinylm.tokenizer import CharTokenizer
from app.core.tinylm.train import TrainConfig, TrainProgress, train

__all__ = [
    "PRETRAINED_PATH",
    "CharTokenizer",
    "TinyGPT",
    "TinyGPTConfig",
    "TrainConfig",
    "TrainProgress",
    "load_corpus",
    "load_pretrained",
    "train",
]
