"""Vendor the Leaflet plugins the map uses into ``geo/static/vendor`` (served by the app, never a CDN).

Each package is fetched with ``npm pack`` at a pinned version, its tarball checked
against the registry's published integrity hash, and only the listed files (plus the
licence) are extracted. Leaflet itself comes from the XStatic-Leaflet Python package.

Run:  python scripts/vendor_assets.py      (needs npm; output is committed)
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "geo" / "static" / "vendor"

PACKAGES = {  # name, version: files inside the tarball's package/ folder
    ("leaflet.fullscreen", "3.0.0"): ["Control.FullScreen.js", "Control.FullScreen.css", "icon-fullscreen.svg", "LICENSE"],
    ("leaflet-minimap", "3.6.1"): [
        "dist/Control.MiniMap.min.js",
        "dist/Control.MiniMap.min.css",
        "dist/images/toggle.png",
        "dist/images/toggle.svg",
        "LICENSE.txt",
    ],
    ("leaflet-draw", "1.0.4"): [
        "dist/leaflet.draw.js",
        "dist/leaflet.draw.css",
        "dist/images/spritesheet.png",
        "dist/images/spritesheet-2x.png",
        "dist/images/spritesheet.svg",
        "dist/images/marker-icon.png",
        "dist/images/marker-icon-2x.png",
        "dist/images/marker-shadow.png",
        "package.json",
    ],
    ("leaflet-measure", "2.1.7"): [
        "dist/leaflet-measure.js",
        "dist/leaflet-measure.css",
        "LICENSE",
        *[f"dist/images/{n}{s}.png" for n in ("cancel", "check", "focus", "rulers", "start", "trash") for s in ("", "_@2X")],
    ],
}


def npm(*args: str, cwd: Path) -> str:
    return subprocess.run(["npm", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def vendor(name: str, version: str, files: list[str], tmp: Path) -> None:
    tarball = tmp / npm("pack", f"{name}@{version}", "--silent", cwd=tmp).splitlines()[-1]
    integrity = json.loads(npm("view", f"{name}@{version}", "dist.integrity", "--json", cwd=tmp))
    algo, digest = integrity.split("-", 1)
    actual = base64.b64encode(hashlib.new(algo, tarball.read_bytes()).digest()).decode()
    if actual != digest:
        raise SystemExit(f"{name}@{version}: integrity mismatch")
    out = VENDOR / f"{name}@{version}"
    shutil.rmtree(out, ignore_errors=True)
    with tarfile.open(tarball) as tar:
        for rel in files:
            member = tar.getmember(f"package/{rel}")
            target = out / rel.removeprefix("dist/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(tar.extractfile(member).read())
    print(f"{name}@{version}: {len(files)} files")


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        for (name, version), files in PACKAGES.items():
            vendor(name, version, files, Path(tmp))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
