"""Where the shipped files live, found relative to the package, never the working directory."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
RESOURCES_DIR = PACKAGE_DIR / "resources"
#: curated layers; ``BEM_DATA_DIR`` points elsewhere (tests use it for broken copies)
DATA_DIR = Path(os.environ.get("BEM_DATA_DIR", PACKAGE_DIR.parent / "data"))
SOURCE_FILE = PACKAGE_DIR.parent / "data" / "sources" / "leading-group-meeting-2025-03-17.txt"


def write_atomically(path: Path, data: bytes, durable: bool = True) -> None:
    """Write next to the target and rename over it: a failure never leaves a truncated or emptied file,
    and a symlink at ``path`` is replaced, never written through. Used for every file the package writes.
    ``durable=False`` (caches) skips the fsync: atomic still, just not forced to disk before the rename."""
    import tempfile

    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        if durable:  # a file someone asked for gets the mode any new file gets (mkstemp's is 0600); caches stay 0600
            os.chmod(tmp, 0o666 & ~current_umask())
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def current_umask() -> int:
    """The process's umask, read without changing it (``os.umask`` can only be read by setting it, which would
    briefly give every other thread's new files the wrong mode)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    return 0o022
