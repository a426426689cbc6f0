"""Where the shipped files live, found relative to the package, never the working directory."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
RESOURCES_DIR = PACKAGE_DIR / "resources"
#: curated layers; ``BEM_DATA_DIR`` points elsewhere (tests use it for broken copies)
DATA_DIR = Path(os.environ.get("BEM_DATA_DIR", PACKAGE_DIR.parent / "data"))
SOURCE_FILE = PACKAGE_DIR.parent / "data" / "sources" / "leading-group-meeting-2025-03-17.txt"
