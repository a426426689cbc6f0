"""Stories on the command line (``geo.__main__`` hands these commands over):

- ``python -m geo story --out talk.pptx|handout.pdf|story.html (--story story.json | --workspace ID --token T
  [--name NAME] | --views city,core,central-axis) [--lang zh|en|both] [--aspect 16:9|4:3] [--review TEXT]``;
- ``python -m geo workspace add-story ID --token EDIT --story story.json --name NAME``: keep a story in a
  workspace (a new version);
- ``--review TEXT`` on ``snapshot`` too: the published-map line (审图号 and data date) of that export.

A bad story file, an unknown view or story name, a wrong output name: one catalogued line, exit 2; a wrong token
or a failed write: one line, exit 1. Nothing is written unless the whole output was made.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from dataclasses import replace
from pathlib import Path

from geo import basemaps, i18n, safe
from geo.views import VIEWS

SUFFIXES = (".pptx", ".pdf", ".html")


class Refused(Exception):
    """A request the command line refuses before any work: a CLI catalogue key and its fields (exit 2)."""

    def __init__(self, key: str, **fields):
        self.key, self.fields = key, fields
        super().__init__(key)


def say(text: object, err: bool = False) -> None:
    print(safe.terminal(text), file=sys.stderr if err else sys.stdout)


def add_commands(sub, lang: str) -> None:
    """``story``, ``workspace add-story`` and ``snapshot --review`` on the main parser's ``sub``."""
    T = lambda key, **kw: i18n.cli(key, lang, **kw)  # noqa: E731
    st = sub.add_parser("story", help=T("story"), description=T("story_desc"), lang=lang)
    st.add_argument("--out", required=True, type=Path, help=T("story_out"))
    src = st.add_mutually_exclusive_group(required=True)
    src.add_argument("--story", type=Path, help=T("story_file"))
    src.add_argument("--workspace", help=T("ws_id"))
    src.add_argument("--views", help=T("views", views=", ".join(VIEWS)))
    st.add_argument("--token", help=T("view_token"))
    st.add_argument("--name", default="", help=T("story_name"))
    st.add_argument("--lang", choices=["zh", "en", "both"], default=None, help=T("story_lang"))
    st.add_argument("--aspect", choices=["16:9", "4:3"], default="16:9", help=T("aspect"))
    st.add_argument("--basemap", choices=list(basemaps.ALL_KEYS), default="offline", help=T("deck_basemap"))
    st.add_argument("--review", default=None, help=T("review"))
    sub.choices["snapshot"].add_argument("--review", default=None, help=T("review"))
    ws = sub.choices["workspace"]
    wsub = next(a for a in ws._actions if isinstance(a, argparse._SubParsersAction))
    w_story = wsub.add_parser("add-story", help=T("ws_add_story"), lang=lang)
    w_story.add_argument("id", help=T("ws_id"))
    w_story.add_argument("--token", required=True, help=T("edit_token"))
    w_story.add_argument("--story", required=True, type=Path, help=T("story_file"))
    w_story.add_argument("--name", required=True, help=T("story_name"))


def handles(args: argparse.Namespace) -> bool:
    return args.command == "story" or (args.command == "workspace" and getattr(args, "ws_command", "") == "add-story")


def run(args: argparse.Namespace) -> int:
    """Run ``story`` or ``workspace add-story``: each refusal one catalogued line, and nothing written."""
    from geo import workspace
    from geo.story import StoryError

    lang = getattr(args, "cli_lang", "en")
    try:
        return run_add_story(args, lang) if args.command == "workspace" else run_story(args, lang)
    except Refused as exc:
        return _fail(i18n.cli(exc.key, lang, **exc.fields), 2, lang)
    except StoryError as exc:
        return _fail(exc.message(lang), 2, lang)
    except workspace.Forbidden:
        return _fail(i18n.cli("story_forbidden", lang, id=args.workspace if args.command == "story" else args.id), 1, lang)
    except workspace.WorkspaceError as exc:
        return _fail(_message(exc, lang), 1, lang)
    except OSError as exc:
        return _fail(i18n.cli("story_cannot_write", lang, path=exc.filename or args.out, reason=exc.strerror or exc), 1, lang)


def _fail(message: str, code: int, lang: str) -> int:
    say(i18n.cli("error", lang, message=message), err=True)
    return code


def _message(exc: Exception, lang: str) -> str:
    message = getattr(exc, "message", None)  # a catalogued error speaks the command line's language
    return message(lang) if callable(message) else str(exc)


def read_story(args: argparse.Namespace):
    """The story the arguments name: a file, a workspace's (by ``--name``), or named views."""
    from geo import story, workspace

    if args.story is not None:
        return story.load(args.story)
    if args.views is not None:
        views = tuple(v.strip() for v in args.views.split(",") if v.strip())
        return story.from_views(views)
    if not args.token:
        raise Refused("story_needs_token")
    ws = workspace.Store().load(args.workspace, args.token)
    return workspace.get_story(ws.content, args.name)


def check_out(out: Path) -> str:
    """The output's kind from its suffix; refused before any work when it cannot be written there."""
    suffix = out.suffix.lower()
    if suffix not in SUFFIXES:
        raise Refused("out_suffix", suffix=", ".join(SUFFIXES), name=out.name)
    if suffix == ".html" and importlib.util.find_spec("geo.story_html") is None:
        raise Refused("story_html_missing")
    if not out.parent.is_dir():
        raise Refused("no_folder", folder=out.parent)
    if out.is_dir():
        raise Refused("story_out_folder", path=out)
    return suffix


def run_story(args: argparse.Namespace, lang: str) -> int:
    from geo import story
    from geo.data import load_layers
    from geo.mapspec import Furniture, MapSpec
    from geo.paths import write_atomically
    from geo.snapshot import furniture

    suffix = check_out(args.out)
    st = read_story(args)
    if args.lang:  # the command line's language wins over the story's (a chapter's own still wins)
        st = replace(st, lang="")
    out_lang = args.lang or st.lang or "zh"
    st = replace(st, review=furniture.review_line(story.review_of(st, args.review)))  # the line every output draws
    base = MapSpec(
        lang="en" if out_lang == "en" else "zh",
        label_lang=out_lang,
        basemap=args.basemap,
        furniture=Furniture(review=st.review),
        token=basemaps.tianditu_key(),
    )
    layers = load_layers()
    data = build(layers, st, base, out_lang, args.aspect, suffix, _progress(lang))
    write_atomically(args.out, data)
    say(i18n.cli("story_wrote", lang, path=args.out, n=len(st.chapters), kb=f"{len(data) / 1024:.0f}"))
    return 0


def build(layers, st, base, lang: str, aspect: str, suffix: str, progress) -> bytes:
    if suffix == ".pptx":
        from geo import story_pptx

        return story_pptx.build(layers, st, base, lang, aspect, progress)
    if suffix == ".pdf":
        from geo import story_handout

        return story_handout.build(layers, st, base, lang, progress)
    from geo import story_html  # type: ignore[attr-defined]  (checked by check_out)

    return story_html.write(layers, st, base, lang)


def _progress(lang: str):
    def progress(fraction: float, what: str) -> None:
        say(i18n.cli("progress", lang, percent=f"{fraction:4.0%}", what=what), err=True)

    return progress


def run_add_story(args: argparse.Namespace, lang: str) -> int:
    from geo import story, workspace

    store = workspace.Store()
    store.authorize(args.id, args.token, edit=True)  # refused before any work
    st = story.load(args.story)
    name = " ".join(args.name.split())
    if not name or len(name) > workspace.MAX_STORY_NAME:
        raise Refused("story_bad_name", limit=workspace.MAX_STORY_NAME)
    version = workspace.put_story(store, args.id, args.token, name, st)
    say(json.dumps({"id": args.id, "version": version, "story": name, "chapters": len(st.chapters)}, ensure_ascii=False))
    return 0
