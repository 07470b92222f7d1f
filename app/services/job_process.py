"""One job in its own process:
`python -m app.services.job_process MODULE FUNCTION KIND JOB_ID`, with the job's JSON
params on standard input (see `app.services.jobs.launch_local`).

It imports MODULE (where `@job_kind(KIND)` registers FUNCTION) and runs the job to its
end, writing progress and the result to the board that the web process reads.
"""

from __future__ import annotations

import importlib
import json
import sys


def main(argv: list[str]) -> None:
    module, function, kind, job_id = argv
    from app.core.tinylm.runtime import cap_blas_threads_for_serving
    from app.services.jobs import JOB_KINDS, execute

    cap_blas_threads_for_serving()  # as in the web process; training raises it itself
    JOB_KINDS.setdefault(kind, getattr(importlib.import_module(module), function))
    execute(kind, job_id, json.loads(sys.stdin.read() or "{}"))


if __name__ == "__main__":
    main(sys.argv[1:])
