"""Bounded reading: ``read_file`` in a worker process with a deadline, an address-space limit, its own scratch
folder (removed whatever happens) and a cap on what it sends back, so one upload can neither stall nor starve
the server."""

from __future__ import annotations

import logging
import pickle
import shutil
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import shapely

from geo.imports.layer import safe_name
from geo.imports.limits import MAX_RESULT_BYTES, check_size, size_text
from geo.imports.pipeline import read_file
from geo.imports.result import ImportFailed, ImportResult

SCRATCH_PREFIX = "bem-import-"  # the scratch folders' names in the temporary directory


def _return_freed_memory() -> None:
    """Arrow on the system's allocator, and that allocator (glibc's) serving every block past 64 KB by a mapping
    of its own, given back when freed: otherwise the memory of the text and the parsed table, once freed, stays
    with the worker while the result is built (Arrow's own pool keeps it, glibc's moving threshold too)."""
    import ctypes

    import pyarrow as pa

    pa.set_memory_pool(pa.system_memory_pool())
    try:
        ctypes.CDLL("libc.so.6").mallopt(-3, 64 * 1024)  # M_MMAP_THRESHOLD
    except (OSError, AttributeError):  # not glibc: its own ways
        pass


def _result_parts(name: str, data: bytes, crs: str, known, boundary, workdir: str) -> list:
    """The import's result, pickled with its large buffers (Arrow's texts, numpy's numbers) out of band, sent
    as they are rather than copied into one blob: refused past ``MAX_RESULT_BYTES`` in all, here, in the bounded
    process. A table's points are made in the server, as it unpickles them (``tables.PointRows``), not here
    too (``_return_freed_memory`` first)."""
    _return_freed_memory()
    result = read_file(name, data, crs=crs, known=known, boundary=boundary, workdir=workdir, compact=True)
    buffers: list = []
    head = pickle.dumps(("ok", result), protocol=5, buffer_callback=buffers.append)
    parts = [head, *(b.raw() for b in buffers)]
    size = sum(memoryview(p).nbytes for p in parts)
    if size > MAX_RESULT_BYTES:
        raise ImportFailed("result_too_big", size=size_text(size), limit=size_text(MAX_RESULT_BYTES))
    return parts


def _send(conn, parts: list) -> None:
    """How many parts follow, then each: the pickle, then its out-of-band buffers."""
    conn.send_bytes(len(parts).to_bytes(4, "little"))
    for part in parts:
        conn.send_bytes(part)


def _worker(conn, name: str, data: bytes, crs: str, known, boundary, workdir: str, memory_mb: int) -> None:
    """Runs in a child process: read the file under an address-space limit, send back ("ok", result) or
    ("failed", code, kw), pickled (``_send``)."""
    import resource

    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        _send(conn, _result_parts(name, data, crs, known, boundary, workdir))
    except ImportFailed as exc:
        _send(conn, [pickle.dumps(("failed", exc.code, exc.kw))])
    except MemoryError:
        _send(conn, [pickle.dumps(("failed", "memory", {"limit": size_text(limit)}))])
    except Exception:  # anything else: the catalogue's words, the exception for the server's log (not shown)
        logging.getLogger(__name__).info("import of %s failed", name, exc_info=True)
        _send(conn, [pickle.dumps(("failed", "unexpected", {}))])
    finally:
        conn.close()


def _context():
    """Worker processes fork from a small server that has already imported the readers (fast starts)."""
    import multiprocessing as mp

    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(["geo.imports", "pyogrio", "openpyxl"])
    return ctx


def _default_timeout() -> float:
    """``IMPORT_TIMEOUT_S`` as ``geo.imports`` holds it when called (a deployment or a test may set it there)."""
    import geo.imports

    return geo.imports.IMPORT_TIMEOUT_S


def _default_memory() -> int:
    """``IMPORT_MEMORY_MB`` as ``geo.imports`` holds it when called (as ``_default_timeout``)."""
    import geo.imports

    return geo.imports.IMPORT_MEMORY_MB


def _death(proc, memory_mb: int) -> ImportFailed:
    """Why a worker stopped without a reply: out of memory (killed by the kernel or aborted) or something else."""
    proc.join(5)
    code = proc.exitcode
    if code is not None and code < 0 and -code in (9, 6):
        return ImportFailed("memory", limit=size_text(memory_mb * 1024 * 1024))
    return ImportFailed("worker_died", code=code)


def _receive(parent, proc, timeout_s: float, memory_mb: int) -> tuple:
    """The worker's reply (``_send``), waited for until ``timeout_s``; at most ``MAX_RESULT_BYTES`` and a
    margin in all."""
    if not parent.poll(timeout_s):
        raise ImportFailed("timeout", seconds=f"{timeout_s:g}")
    try:
        count = int.from_bytes(parent.recv_bytes(4), "little")
        left, parts = MAX_RESULT_BYTES + 65536, []
        for _ in range(count):
            parts.append(parent.recv_bytes(left))
            left -= len(parts[-1])
        return pickle.loads(parts[0], buffers=parts[1:])
    except (EOFError, OSError):
        raise _death(proc, memory_mb) from None


def read_bounded(
    name: str,
    data: bytes,
    crs: str = "wgs84",
    known: gpd.GeoDataFrame | None = None,
    boundary: shapely.Geometry | None = None,
    timeout_s: float | None = None,
    memory_mb: int | None = None,
) -> ImportResult:
    """``read_file`` in a worker process, killed past ``timeout_s`` (``IMPORT_TIMEOUT_S``) or ``memory_mb``
    (``IMPORT_MEMORY_MB``, both read from ``geo.imports`` when called): one upload can neither stall nor starve
    the server. What it sends back is at most ``MAX_RESULT_BYTES`` (pickled), its problems bounded (``geo.problems``). Its scratch folder is removed whatever happens."""
    timeout_s = _default_timeout() if timeout_s is None else timeout_s
    memory_mb = _default_memory() if memory_mb is None else memory_mb
    name = safe_name(name)
    if not data:
        raise ImportFailed("empty")
    check_size(len(data))  # before any work
    ctx = _context()
    workdir = tempfile.mkdtemp(prefix=SCRATCH_PREFIX)
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_worker, args=(child, name, data, crs, known, boundary, workdir, memory_mb), daemon=True)
    try:
        proc.start()
        child.close()
        reply = _receive(parent, proc, timeout_s, memory_mb)
    finally:
        if proc.is_alive():
            proc.kill()
        if proc.pid is not None:  # started (start itself can fail)
            proc.join(5)
        parent.close()
        shutil.rmtree(workdir, ignore_errors=True)
    if reply[0] == "ok":
        return reply[1]
    raise ImportFailed(reply[1], **reply[2])


def clean_stale_workdirs(max_age_s: float = 3600) -> int:
    """Remove scratch folders left by a server killed mid-import (run at start); returns how many."""
    removed = 0
    for path in Path(tempfile.gettempdir()).glob(f"{SCRATCH_PREFIX}*"):
        try:
            if time.time() - path.stat().st_mtime > max_age_s:
                shutil.rmtree(path, ignore_errors=True)
                removed += 1
        except OSError:
            continue
    return removed
