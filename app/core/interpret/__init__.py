"""Looking inside the tiny GPT: attention maps, the logit lens, saliency, head ablation and
linear probes (inspect.py, saliency.py, probes.py)."""
