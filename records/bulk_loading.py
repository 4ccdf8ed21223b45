"""Reading many rows at once into Python objects, without the cyclic garbage collector.

Loading the findings of a large unit-year (records.compliance.cases_facts: some 60,000 cases
with their documents, signatures and recordings, a few hundred thousand small objects) made
the collector run a full pass over everything alive again and again, since each batch of new
objects triggers the next pass: 4.7 s with it, 3.0 s with it paused (bench_supervision,
1,000,000 cases). None of these objects form reference cycles, so nothing is left for the
collector to find afterwards; reference counting frees them as usual.

The pause is process-wide (gc.disable): another thread of the same worker allocates without
cyclic collection for those seconds, which costs it memory at worst, never correctness. The
previous state is restored on leaving, so pauses nest.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
