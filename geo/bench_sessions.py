"""Many planners, for ``python -m geo.bench``: real websocket sessions on a real ``streamlit run`` server.

Each session is what a browser tab is to the server: a websocket on ``/_stcore/stream`` that asks for a run
(``BackMsg.rerun_script`` with the page's query string) and reads every ``ForwardMsg`` until the run's
``script_finished``. The server's memory is the resident set of its process tree (``/proc``), read once the
sessions' runs are done; a rerun is timed from the request to its ``script_finished``.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from pathlib import Path

QUERY = "basemap=offline&lang=zh"
COUNTS = (1, 10, 30)  # sessions held at once
RERUNS = 3  # reruns timed per session at each count
PER_SESSION_MB = 50.0  # the target for each extra session (30 sessions in 1.5 GB beside the first)


class Session:
    """One websocket session of the app: runs asked for and waited for."""

    def __init__(self, ws):
        self.ws = ws
        self.received = 0  # bytes of the last run's messages

    @classmethod
    async def open(cls, url: str) -> Session:
        import websockets

        ws = await websockets.connect(
            url.replace("http", "ws", 1) + "/_stcore/stream",
            subprotocols=["streamlit"],
            max_size=None,
            open_timeout=60,
            ping_interval=None,
            close_timeout=5,
        )
        return cls(ws)

    async def run(self, timeout_s: float = 300) -> float:
        """Ask for a run and wait for its end; the seconds it took."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = BackMsg()
        msg.rerun_script.query_string = QUERY
        start = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        self.received = 0
        while True:
            reply, data = ForwardMsg(), await asyncio.wait_for(self.ws.recv(), timeout_s)
            self.received += len(data)
            reply.ParseFromString(data)
            if reply.WhichOneof("type") == "script_finished":
                if reply.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue
                return time.perf_counter() - start

    async def close(self) -> None:
        await self.ws.close()


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return out


def tree_rss_mb(pid: int) -> float:
    """The resident memory of a process and all its descendants (MB)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
        todo += _children(p)
    return total / 1024


def swap_used_mb() -> float:
    """Swap in use on the machine (MB); 0 where it has none."""
    info = dict(line.split(":", 1) for line in Path("/proc/meminfo").read_text().splitlines())
    return (int(info["SwapTotal"].split()[0]) - int(info["SwapFree"].split()[0])) / 1024


async def _hold(url: str, pid: int, counts: tuple[int, ...]) -> dict:
    """Open sessions up to each count (their first runs at once), then time ``RERUNS`` reruns of them all at
    once; the server's memory at each count."""
    sessions: list[Session] = []
    figures: dict = {"rss": {}, "reruns": {}, "first": {}}
    try:
        for n in counts:
            new = [await Session.open(url) for _ in range(n - len(sessions))]
            figures["first"][n] = await asyncio.gather(*(s.run() for s in new))
            figures.setdefault("page_bytes", new[0].received)
            sessions += new
            times: list[float] = []
            for _ in range(RERUNS):
                times += await asyncio.gather(*(s.run() for s in sessions))
            figures["reruns"][n] = times
            await asyncio.sleep(1)
            figures["rss"][n] = tree_rss_mb(pid)
    finally:
        await asyncio.gather(*(s.close() for s in sessions), return_exceptions=True)
    return figures


def measure(counts: tuple[int, ...] = COUNTS) -> dict:
    """A fresh server of the app, sessions opened up to each of ``counts``: memory, reruns, swap."""
    from geo.bench import _serve

    root = Path(__file__).resolve().parents[1]
    swap_before = swap_used_mb()
    proc, url = _serve(str(root / "app.py"), str(root))
    try:
        figures = asyncio.run(_hold(url, proc.pid, counts))
        figures["swap_mb"] = swap_used_mb() - swap_before
        figures["alive"] = proc.poll() is None
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return figures


def rows(counts: tuple[int, ...] = COUNTS) -> list[dict]:
    """The bench's rows: server memory at each count, memory per extra session, reruns under many sessions
    against one session's, and whether the largest count was held (every run finished, no swap)."""
    f = measure(counts)
    one, most = counts[0], counts[-1]
    out = []
    for n in counts:
        out.append(_mk(f"server memory, {n} session(s) (RSS of the process tree)", f["rss"][n], f["rss"][one], None, "MB"))
    for n in counts[1:]:
        per = (f["rss"][n] - f["rss"][one]) / (n - one)
        out.append(_mk(f"memory per extra session ({one} -> {n})", per, None, PER_SESSION_MB, "MB"))
    single = statistics.median(f["reruns"][one])
    for n in counts[1:]:
        times = f["reruns"][n]
        out.append(_mk(f"rerun under {n} concurrent sessions (median)", statistics.median(times), single, None, runs=times))
        out.append(_mk(f"rerun under {n} concurrent sessions (slowest)", max(times), single, None, runs=times))
    out.append(_mk("a session's first run: bytes sent by the server (KB)", f["page_bytes"] / 1024, None, None, "KB"))
    held = f["alive"] and f["swap_mb"] <= 0 and len(f["reruns"][most]) == RERUNS * most
    swap = f"{f['swap_mb']:.0f} MB swapped"
    out.append(
        {
            "figure": f"server holds {most} sessions without swapping ({swap})",
            "median_s": 0.0 if held else 1.0,
            "unit": "bool",
            "text": "yes" if held else "NO",
            "expect": "yes",
            "runs": [],
            "target_s": None,
            "baseline": None,
        }
    )
    return out


def _mk(figure: str, value, baseline, target, unit: str = "s", runs=None) -> dict:
    row = {"figure": figure, "median_s": value, "runs": runs or [value], "baseline": baseline, "target_s": target}
    if unit != "s":
        row["unit"] = unit
    return row


if __name__ == "__main__":  # python -m geo.bench_sessions: this part alone
    from geo.bench import print_table

    print_table(rows())
