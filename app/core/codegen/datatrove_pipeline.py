"""The cleaning pipeline's settings as a huggingface/datatrove pipeline.

Every threshold comes from the quality rule registry (`quality.RULE_LIST`, each rule naming
its datatrove keyword) and the learner's `PipelineConfig`; the MinHash settings map to
datatrove's MinhashConfig (n_grams, num_buckets = bands, hashes_per_bucket = rows), the
four-stage MinHash dedup of FineWeb's own script (datatrove, examples/minhash_deduplication.py).
"""

from __future__ import annotations

from app.core.codegen import Snippet
from app.core.data import quality
from app.core.data.pipeline import PipelineConfig


def filter_kwargs(group: str, t: quality.Thresholds) -> dict:
    """The keyword arguments of `group`'s datatrove filter, from the rule registry."""
    kwargs: dict = {}
    tuples: dict[str, list] = {}
    for rule in quality.RULE_LIST:
        if rule.group != group:
            continue
        if rule.compare == "==0":
            for kw in rule.datatrove:
                kwargs[kw] = True
            continue
        for kw, field in zip(rule.datatrove, rule.threshold, strict=True):
            value = getattr(t, field)
            if ":" in kw:  # an entry of a tuple argument, e.g. top_n_grams:2
                name, n = kw.split(":")
                tuples.setdefault(name, []).append((int(n), value))
            else:
                kwargs[kw] = value
    for setting, kw in quality.DATATROVE_GROUP_SETTINGS.get(group, {}).items():
        kwargs[kw] = getattr(t, setting)
    for name, pairs in tuples.items():
        kwargs[name] = tuple(pairs)
    if group == "fineweb":
        kwargs["new_line_ratio"] = 1.0  # datatrove's extra rule, not in the paper's list: off
    return kwargs


def _call(name: str, kwargs: dict, indent: str = "    ") -> str:
    if not kwargs:
        return f"{indent}{name}(),\n"
    inner = "".join(f"{indent}    {k}={v!r},\n" for k, v in kwargs.items())
    return f"{indent}{name}(\n{inner}{indent}),\n"


def python_code(cfg: PipelineConfig) -> str:
    t = cfg.thresholds
    filters = []
    steps = ""
    if cfg.language_id:
        steps += (
            "    # fastText language ID; FineWeb keeps English scores ≥ 0.65\n"
            + "    LanguageFilter(\n        languages=[Languages.english],\n"
            + f"        language_threshold={cfg.min_language_confidence!r},\n    ),\n"
        )
        filters.append("LanguageFilter")
    for group in [g for g in quality.GROUPS if g in cfg.quality_groups] + (
        ["gopher_repetition"] if cfg.repetition else []
    ):
        cls = quality.DATATROVE_FILTERS[group]
        kwargs = filter_kwargs(group, t)
        if group == "c4" and t.c4_bad_words:
            steps += "    # C4's bad-words rule: datatrove's C4BadWordsFilter has the list\n"
            steps += "    C4BadWordsFilter(),\n"
            filters.append("C4BadWordsFilter")
        steps += f"    # {quality.GROUP_NAMES[group]} rules\n" + _call(cls, kwargs)
        filters.append(cls)
    if cfg.redact_pii:
        steps += "    # e-mail and IP addresses (datatrove's PIIFormatter has no phone rule)\n"
        steps += "    PIIFormatter(),\n"
    minhash = (
        f"MinhashConfig(n_grams={cfg.n_gram}, num_buckets={cfg.bands}, "
        f"hashes_per_bucket={cfg.rows})"
    )
    imports = sorted(set(filters) - {"C4BadWordsFilter"}) + (
        ["C4BadWordsFilter"] if "C4BadWordsFilter" in filters else []
    )
    code = "# pip install datatrove[processing]\n"
    code += "from datatrove.executor import LocalPipelineExecutor\n"
    if cfg.near_dedup:
        code += (
            "from datatrove.pipeline.dedup import (\n    MinhashDedupBuckets,\n"
            "    MinhashDedupCluster,\n    MinhashDedupFilter,\n    MinhashDedupSignature,\n)\n"
            "from datatrove.pipeline.dedup.minhash import MinhashConfig\n"
        )
    if imports:
        code += "from datatrove.pipeline.filters import (\n"
        code += "".join(f"    {name},\n" for name in sorted(imports)) + ")\n"
    if cfg.redact_pii:
        code += "from datatrove.pipeline.formatters import PIIFormatter\n"
    code += "from datatrove.pipeline.readers import JsonlReader\n"
    code += "from datatrove.pipeline.writers import JsonlWriter\n"
    if cfg.language_id:
        code += "from datatrove.utils.typeshelper import Languages\n"
    code += "\n"
    code += 'INPUT, WORK = "crawl/", "work/"  # your pages as JSON lines with a "text" field\n'
    code += "FILTERS = [\n" + steps + "]\n"
    if cfg.near_dedup:
        code += f"MINHASH = {minhash}\n"
    code += "\n\ndef run(tasks: int = 4) -> None:\n"
    out = '"work/filtered"' if cfg.near_dedup else '"clean/"'
    code += (
        "    LocalPipelineExecutor(\n"
        f"        pipeline=[JsonlReader(INPUT), *FILTERS, JsonlWriter({out})],\n"
        "        tasks=tasks,\n"
        "    ).run()\n"
    )
    if cfg.near_dedup:
        b = cfg.bands
        code += (
            "    # near duplicates: signatures, matches per band, clusters, then keep one each\n"
            "    stages = [\n"
            '        [MinhashDedupSignature(output_folder=WORK + "sigs", config=MINHASH)],\n'
            "        [\n"
            "            MinhashDedupBuckets(\n"
            '                input_folder=WORK + "sigs", output_folder=WORK + "buckets", '
            "config=MINHASH\n"
            "            )\n"
            "        ],\n"
            "        [\n"
            "            MinhashDedupCluster(\n"
            '                input_folder=WORK + "buckets", output_folder=WORK + "remove", '
            "config=MINHASH\n"
            "            )\n"
            "        ],\n"
            "        [\n"
            '            JsonlReader(WORK + "filtered"),\n'
            '            MinhashDedupFilter(input_folder=WORK + "remove"),\n'
            '            JsonlWriter("clean/"),\n'
            "        ],\n"
            "    ]\n"
            f"    for i, stage in enumerate(stages):  # buckets: one task per band ({b})\n"
            f"        n = {b} if i == 1 else 1 if i == 2 else tasks\n"
            "        LocalPipelineExecutor(pipeline=stage, tasks=n).run()\n"
        )
    code += "\n\nif __name__ == '__main__':\n    run()\n"
    return code


def snippets(cfg: PipelineConfig) -> list[Snippet]:
    return [Snippet("clean_crawl.py", "python", python_code(cfg))]
