"""How fast do the Embeddings, RAG and Agents labs and the navbar search answer? Each main
callback is called as Dash calls it, after the start-up warm-up (app/services/
topics_warmup.py) has filled the caches; median and worst of a few calls, against the
1 s budget of a lab callback. Also the first use of a chunk setting that warm-up did not
build (an index built on demand).

    python bench/labs_topics.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

BUDGET_MS = 1000


def timed(fn, *args, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn(*args)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from app.components import search
    from app.core.agents import episode as ep
    from app.labs import (
        agent_policy,
        agent_router,
        embeddings_ann,
        embeddings_chars,
        embeddings_words,
        rag_eval,
        rag_search,
    )
    from app.services.topics_warmup import warm_topics

    start = time.perf_counter()
    warm_topics()
    print(f"warm-up: {time.perf_counter() - start:.1f} s (once per process, in the background)")

    run = ep.new_run()
    args_json = '{"preset": "llama-2-7b", "micro_batch": 1, "seq_len": 4096}'
    run1, _ = agent_policy.apply_step(False, run, "t", "training_memory", args_json, 6, "", "none")
    cases = [
        ("navbar search", search.update_results, ("how big is the kv cache",)),
        ("rag_search: ask", rag_search.update, ("What is LoRA?", "hybrid", "120", "25", 0.2)),
        (
            "rag_search: bm25, 60 words",
            rag_search.update,
            ("What is LoRA?", "bm25", "60", "25", 0.2),
        ),
        ("rag_eval: metric", rag_eval.update_quality, ("ndcg", "10")),
        ("rag_eval: threshold", rag_eval.update_tradeoff, ("dense", 0.3)),
        ("embeddings_words: neighbours", embeddings_words.update_neighbours, ("king",)),
        ("embeddings_words: analogy", embeddings_words.update_analogy, ("king", "man", "woman")),
        ("embeddings_words: compare", embeddings_words.update_compare, ("king", "queen")),
        ("embeddings_words: map", embeddings_words.update_map, ("king, queen, paris, rome",)),
        ("embeddings_chars: nearest", embeddings_chars.update_nearest, ("a",)),
        ("embeddings_ann: cells", embeddings_ann.update, ("32",)),
        (
            "agent_policy: step",
            agent_policy.apply_step,
            (False, run, "t", "training_memory", args_json, 6, "", "none"),
        ),
        ("agent_policy: view", agent_policy.update_view, (run1, "task", 6, 3, 15)),
        ("agent_router: scores", agent_router.update, ("What is 12 * 7?",)),
    ]
    print(f"{'callback':34} {'median ms':>10} {'worst ms':>10}  within 1 s")
    for name, fn, fn_args in cases:
        median, worst = timed(fn, *fn_args, repeat=args.repeat)
        print(f"{name:34} {median:10.1f} {worst:10.1f}  {'yes' if worst <= BUDGET_MS else 'NO'}")
    start = time.perf_counter()
    rag_search.update("What is LoRA?", "hybrid", "250", "50", 0.2)
    cold = (time.perf_counter() - start) * 1000
    print(f"{'rag_search: new chunk setting':34} {cold:10.1f} {'(first use)':>10}")


if __name__ == "__main__":
    main()
