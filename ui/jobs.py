"""Long work off the script thread, so that a rerun never loses it.

Streamlit stops a running script as soon as the browser asks for a rerun (a pan, a zoom, a
toggle): a render done inside the script would be thrown away half-way and the planner would
see no file and no message. A :class:`Job` runs in a worker thread instead; the script only
waits for it and shows its progress, and the job lives in session state, so the next run
simply goes on waiting where the interrupted one stopped.

The server's exports share one :class:`Pool`: a few workers, and at most one running job per
browser session, so one slow export (a snapshot whose tile server dribbles bytes) holds one worker
and its own session, never another session's export. A render runs in a child process of its own
(``isolated``): matplotlib's settings (``rcParams``) are global to a process, so two renders in one
process would mix their fonts; in its own process each render has its own, and what it holds goes
when it ends. What the server holds stays bounded: ``workers`` jobs at once, and per session one
running job and one waiting (a newer one replaces the one still waiting).
"""

from __future__ import annotations

import functools
import logging
import os
import pickle
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from geo import i18n
from geo.errors import GeoError

POLL_S = 0.15
#: exports running at once on one server (each render is a process of its own: this bounds their memory)
EXPORT_WORKERS = 3
#: what the child processes' server imports once, so that each render starts at once (the import worker's
#: modules too: both share the one forkserver, which starts with the list of whichever starts first)
PRELOAD = ["geo.formats", "geo.snapshot", "geo.imports", "pyogrio", "openpyxl"]


class WorkerDied(GeoError):
    """An isolated job's process stopped without an answer (killed, or out of memory)."""

    def message(self, lang: str) -> str:
        return i18n.t("export_worker_died", lang)


class WorkerFailed(GeoError):
    """An isolated job failed with an error that cannot be carried back as itself (its type is in ``str()`` and
    the child's log, never in ``message``)."""

    def message(self, lang: str) -> str:
        return i18n.t("export_unexpected", lang)


@dataclass
class Job:
    """One piece of work in the pool, with the fraction done that its progress callback last reported."""

    future: Future
    fraction: float = 0.0
    started: float = field(default_factory=time.monotonic)

    def report(self, fraction: float, _message: str = "") -> None:
        self.fraction = max(0.0, min(1.0, float(fraction)))


class Pool:
    """At most ``workers`` jobs at once, at most one per owner (a browser session): an owner's next job waits
    for its previous one, so one session cannot take every worker, and a newer job replaces the one still
    waiting (cancelled: its session no longer waits for it)."""

    def __init__(self, workers: int = EXPORT_WORKERS):
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="bem-export")
        self._lock = threading.Lock()
        self._running: dict[int, object] = {}  # id(owner) -> owner (held, so its id stays its own)
        self._waiting: dict[int, tuple[Job, Callable]] = {}

    def start(self, owner: object, work: Callable, *args: Any, isolated: bool = False, **kwargs: Any) -> Job:
        """Run ``work(*args, progress=callback, **kwargs)`` for ``owner``; ``isolated``: in a child process
        (``work`` and its arguments must then pickle: a module-level function such as ``formats.export``)."""
        job = Job(Future())
        run = functools.partial(_in_child if isolated else _in_thread, work, args, kwargs)
        key = id(owner)
        with self._lock:
            if key in self._running:
                replaced = self._waiting.pop(key, None)
                if replaced is not None:
                    replaced[0].future.cancel()
                self._waiting[key] = (job, run)
                return job
            self._running[key] = owner
        self._executor.submit(self._run, key, job, run)
        return job

    def _run(self, key: int, job: Job, run: Callable) -> None:
        try:
            if job.future.set_running_or_notify_cancel():
                try:
                    job.future.set_result(run(job.report))
                except Exception as exc:  # the waiting script raises it (jobs.wait)
                    job.future.set_exception(exc)
        finally:
            with self._lock:
                following = self._waiting.pop(key, None)
                if following is None:
                    del self._running[key]
            if following is not None:
                self._executor.submit(self._run, key, *following)


def _in_thread(work: Callable, args: tuple, kwargs: dict, progress: Callable[[float, str], None]) -> Any:
    return work(*args, progress=progress, **kwargs)


def _context():
    import multiprocessing as mp

    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx


def _in_child(work: Callable, args: tuple, kwargs: dict, progress: Callable[[float, str], None]) -> Any:
    """``work`` in a child process; its progress reports relayed, its result or error returned or raised here."""
    ctx = _context()
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, dict(os.environ), work, args, kwargs), daemon=True)
    try:
        proc.start()
        child.close()
        while True:
            try:
                kind, value = parent.recv()
            except EOFError:
                proc.join(5)
                raise WorkerDied(f"the export's worker process stopped (exit code {proc.exitcode})") from None
            if kind == "progress":
                progress(*value)
            elif kind == "ok":
                return value
            else:
                raise value
    finally:
        if proc.is_alive():
            proc.join(5)  # it has sent its answer and is ending
        if proc.is_alive():
            proc.kill()
        if proc.pid is not None:
            proc.join(5)
        parent.close()


def _child(conn, env: dict, work: Callable, args: tuple, kwargs: dict) -> None:
    """Runs in the child: the server's environment as it is now (the forkserver's is as it was when it
    started), the work, then ("ok", result) or ("error", exception) sent back."""
    os.environ.clear()
    os.environ.update(env)

    def progress(fraction: float, message: str = "") -> None:
        conn.send(("progress", (fraction, message)))

    try:
        reply = ("ok", work(*args, progress=progress, **kwargs))
    except GeoError as exc:  # the core's named errors travel as themselves (geo.formats.MissingPart...)
        reply = ("error", _portable(exc))
    except Exception as exc:  # anything else: in the server's log, and a catalogued message for the page
        logging.getLogger(__name__).error("an export failed in its worker process", exc_info=exc)
        reply = ("error", WorkerFailed(type(exc).__name__))
    conn.send(reply)
    conn.close()


def _portable(exc: Exception) -> Exception:
    """``exc`` if it survives pickling both ways, else a :class:`WorkerFailed` naming it."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        logging.getLogger(__name__).error("an export's error cannot travel back as itself", exc_info=exc)
        return WorkerFailed(type(exc).__name__)
    return exc


def wait(job: Job, show: Callable[[float], None]) -> Any:
    """Wait for the job, calling ``show(fraction)`` every poll (a Streamlit call: if a rerun was asked
    for, Streamlit stops the script there and the job goes on). Returns the result or raises its error."""
    while not job.future.done():
        show(job.fraction)
        time.sleep(POLL_S)
    return job.future.result()
