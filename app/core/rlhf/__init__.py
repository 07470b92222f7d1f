"""Preference learning on the guide's own question-answer task: a Bradley–Terry reward
model, best-of-n sampling and DPO (see each module)."""
