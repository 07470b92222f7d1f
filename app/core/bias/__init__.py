"""Bias labs' science: who the quality filters drop (filters.py), bias in word vectors
(weat.py) and group fairness metrics (fairness.py)."""
