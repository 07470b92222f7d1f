"""Induction heads (Olsson et al. 2022), grown in a small attention-only transformer.

model.py: the model, forward and hand-written backward; data.py: sequences with a repeated
random segment; train.py: the Adam loop; make_checkpoint.py: the shipped checkpoint.npz
(`python -m app.core.induction.make_checkpoint`).
"""
