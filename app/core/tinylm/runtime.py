"""Process settings that make NumPy training fast on a busy CPU, applied while training.

Two findings from profiling (bench/tinylm.py, 2-core machine), both about the runtime
rather than the maths:

1. BLAS threads. This model's matmuls are small (e.g. 4096 x 96 x 384), so a second
   OpenBLAS thread gains little on an idle machine, and on a busy one (a web server with
   other jobs) its spin-waiting threads made training 5-13x slower. We cap BLAS at
   BLAS_THREADS while training (needs the small `threadpoolctl` package; without it the
   cap is skipped).
2. Page faults. Every step allocates and frees dozens of 1-8 MB temporaries. glibc hands
   blocks this big back to the OS on free (mmap / heap trimming), so the next step
   page-faults all of them in again: half the step time went there. Raising glibc's mmap
   and trim thresholds (mallopt) keeps that memory in the process; at the end malloc_trim(0)
   returns it, and the trim threshold drops to twice the mmap threshold (32 MB), the most
   glibc's own dynamic tuning reaches. Linux/glibc only; a no-op elsewhere.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import platform
import sys
from collections.abc import Iterator

try:
    from threadpoolctl import ThreadpoolController
except ImportError:  # pragma: no cover - training still works, only slower on a busy machine
    ThreadpoolController = None

BLAS_THREADS = 1
TUNE_MALLOC = True
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # mallopt parameter ids, from <malloc.h>
_MMAP_THRESHOLD_BYTES = 32 * 2**20  # glibc's own ceiling for its dynamic threshold
_TRIM_THRESHOLD_BYTES = 256 * 2**20


@functools.lru_cache(maxsize=1)
def _blas_controller():
    """Found once: scanning the loaded libraries costs ~1 ms, limiting then ~10 µs."""
    return ThreadpoolController() if ThreadpoolController is not None else None


@functools.lru_cache(maxsize=1)
def _glibc():
    if sys.platform != "linux" or platform.libc_ver()[0] != "glibc":
        return None
    try:
        libc = ctypes.CDLL("libc.so.6")
        return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None
    except OSError:  # pragma: no cover
        return None


@contextlib.contextmanager
def training_runtime() -> Iterator[None]:
    """Cap BLAS threads and keep freed temporaries in the process while the block runs
    (training, fine-tuning and sampling use it). BLAS threads are restored afterwards."""
    with contextlib.ExitStack() as stack:
        controller = _blas_controller()
        if controller is not None:
            stack.enter_context(controller.limit(limits=BLAS_THREADS, user_api="blas"))
        libc = _glibc()
        if libc is not None and TUNE_MALLOC:
            libc.mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD_BYTES)
            libc.mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD_BYTES)
            stack.callback(libc.malloc_trim, 0)  # give the kept memory back at the end
            stack.callback(libc.mallopt, _M_TRIM_THRESHOLD, 2 * _MMAP_THRESHOLD_BYTES)
        yield


def cap_blas_threads_for_serving() -> None:
    """Cap BLAS at BLAS_THREADS for the rest of this process: for the web server, whose
    callbacks run the tiny model concurrently. A per-call cap would be lifted by whichever
    call finishes first, under the others; a process-wide one cannot be (the per-call caps
    in `training_runtime` then restore to this same value)."""
    controller = _blas_controller()
    if controller is not None:
        controller.limit(limits=BLAS_THREADS, user_api="blas")
