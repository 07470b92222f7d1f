"""Prompt engineering, measured: chat templates and token budgets (templates.py), the
question-answering tiny GPT fine-tuned on stage 06's task (finetuned.py, make_checkpoint.py),
scoring prompts on it (scoring.py) and prompt-injection defences (injection.py)."""
