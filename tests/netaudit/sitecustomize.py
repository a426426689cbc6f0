"""Records every network address a Python process tries to reach (tests put this folder on PYTHONPATH).

An audit hook (PEP 578) sees each ``socket.connect``, ``socket.sendto``/``sendmsg`` and name
lookup, whoever calls it (Streamlit, tornado, urllib, requests). Non-loopback targets are
appended as JSON lines to the file named by ``BEM_NET_LOG``; the test reads it afterwards.
"""

from __future__ import annotations

import ipaddress
import json
import os
import sys
import traceback

_LOG = os.environ.get("BEM_NET_LOG")
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}


def _is_local(host) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    host = str(host).strip("[]").lower()
    if host in _LOCAL_NAMES:
        return True
    try:
        ip = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return False
    return ip.is_loopback or ip.is_unspecified


def _record(event: str, host, port) -> None:
    stack = [f"{f.filename}:{f.lineno}" for f in traceback.extract_stack(limit=12)[:-2]]
    with open(_LOG, "a", encoding="utf-8") as fh:
        fh.write(
            json.dumps({"event": event, "host": str(host), "port": str(port), "pid": os.getpid(), "stack": stack[-6:]}) + "\n"
        )


def _hook(event: str, args) -> None:
    try:
        if event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
            address = args[1] if len(args) > 1 else None
            if isinstance(address, tuple) and len(address) >= 2 and not _is_local(address[0]):
                _record(event, address[0], address[1])
        elif event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr", "socket.gethostbyname_ex"):
            host = args[0] if args else None
            if not _is_local(host):
                _record(event, host, args[1] if len(args) > 1 else "")
    except Exception:  # an audit hook must never break the program it watches
        pass


if _LOG:
    sys.addaudithook(_hook)
