"""Long work off the script thread, so that a rerun never loses it.

Streamlit stops a running script as soon as the browser asks for a rerun (a pan, a zoom, a
toggle): a render done inside the script would be thrown away half-way and the planner would
see no file and no message. A :class:`Job` runs in a worker thread instead; the script only
waits for it and shows its progress, and the job lives in session state, so the next run
simply goes on waiting where the interrupted one stopped.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

POLL_S = 0.15


@dataclass
class Job:
    """One piece of work in the pool, with the fraction done that its progress callback last reported."""

    future: Future
    fraction: float = 0.0
    started: float = field(default_factory=time.monotonic)

    def report(self, fraction: float, _message: str = "") -> None:
        self.fraction = max(0.0, min(1.0, float(fraction)))


def start(pool: ThreadPoolExecutor, work: Callable[[Callable[[float, str], None]], Any]) -> Job:
    """Submit ``work(progress)`` to the pool; ``progress(fraction, message)`` updates the job."""
    job = Job(Future())
    job.future = pool.submit(work, job.report)
    return job


def wait(job: Job, show: Callable[[float], None]) -> Any:
    """Wait for the job, calling ``show(fraction)`` every poll (a Streamlit call: if a rerun was asked
    for, Streamlit stops the script there and the job goes on). Returns the result or raises its error."""
    while not job.future.done():
        show(job.fraction)
        time.sleep(POLL_S)
    return job.future.result()
