"""Data engineering around the stage-03 pipeline: throughput and memory (throughput.py),
packing vs padding (packing.py), verifiable shards (shards.py), mixture epochs
(mixture_epochs.py)."""
