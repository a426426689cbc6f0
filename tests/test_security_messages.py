"""A message a planner reads never shows the server's folders (GDAL names the scratch copy of an upload)."""

from __future__ import annotations

import pytest

from geo import imports
from tests.conftest import ROOT

CORPUS = ROOT / "tests" / "corpus" / "files"


@pytest.mark.parametrize("name", ["broken.kml", "corrupt.gpkg"])
def test_an_unreadable_upload_is_named_without_the_servers_paths(name, layers):
    with pytest.raises(imports.ImportFailed) as err:
        imports.read_bounded(name, (CORPUS / name).read_bytes(), known=layers.venues)
    for lang in ("zh", "en"):
        text = imports.message(err.value.code, lang, **err.value.kw)
        assert "/tmp" not in text and "bem-import" not in text, text
    assert "/tmp" not in str(err.value)


def test_paths_are_cut_to_their_file_name_and_nothing_else_changes():
    assert imports.without_paths("'/tmp/bem-import-1a2b/upload.kml' not recognized") == "'upload.kml' not recognized"
    assert imports.without_paths(r"C:\Users\planner\x.gpkg: file is not a database") == "x.gpkg: file is not a database"
    assert imports.without_paths("ratio 1/2 and 50 km/h stay") == "ratio 1/2 and 50 km/h stay"


def test_outputs_take_the_umask_and_caches_stay_private(tmp_path):
    import os
    import stat

    from geo import paths

    old = os.umask(0o027)
    try:
        out, cache = tmp_path / "map.png", tmp_path / "tile.cache"
        paths.write_atomically(out, b"x")
        paths.write_atomically(cache, b"x", durable=False)
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o640  # 0666 & ~027: what any new file of this user gets
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
