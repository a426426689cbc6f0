"""Map elements whose data is never parsed as a template: one render pass, our own sandboxed templates.

Why this module exists. branca's ``MacroElement.render`` turns each element's rendered header, html
and script into ``Element(text)``, i.e. ``jinja2.Template(text)``, and renders that again when the
page is assembled. Text that was already rendered into the page (a layer name, a feature's name, a
workspace's name) is then parsed as a Jinja template a second time, so ``{{ 7*7 }}`` shows 49 and
``{{ lipsum.__globals__.os... }}`` runs on the server; ``{% raw %}`` breaks the page. Escaping cannot
fix that (every string would need ``{`` escaped in every sink), so nothing here renders twice:

- ``RenderOnce`` is ``MacroElement`` with one change: what its macros render is added to the page as a
  ``Literal`` (text kept as is), never as a template. Every element on our maps is a ``RenderOnce``:
  ours directly, folium's through the thin subclasses below (``class Map(folium.Map, RenderOnce)``
  puts ``RenderOnce.render`` where folium's classes call ``MacroElement.render``).
- Our own templates come from ``ENV``, a sandboxed environment of our own
  (``ImmutableSandboxedEnvironment``: no attribute starting with ``_``, no mutation), and take data
  only as JSON (``| tojson``: compact, UTF-8, ``< > & '`` and the JS line separators escaped).
  folium's Jinja environment is left as folium ships it.
- ``check_render_once`` refuses a map that holds any element which would render twice; the map
  builders call it, so a new folium element added without its safe subclass fails at once.

We subclass rather than patch: changing branca's ``Element`` or folium's environment would change
every other user of those libraries in the process (streamlit-folium, notebooks, tests).
"""

from __future__ import annotations

import json

import folium
import folium.plugins
from branca.element import Element, Figure, MacroElement
from folium.map import ElementAddToElement
from folium.utilities import get_bounds
from jinja2 import StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from geo.errors import GeoError


class UnsafeElementError(GeoError):
    """A map element would render its data as a template a second time."""


def dumps(obj: object) -> str:
    """Compact JSON safe inside a ``<script>``: ``< > & '`` and U+2028/U+2029 escaped, UTF-8 text as is.

    Compact separators and UTF-8 instead of ``\\uXXXX`` cut a third of what the browser downloads."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False)
    for char, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("'", "\\u0027"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    return text


def _tojson(value: object) -> str:
    return dumps(value)


ENV = ImmutableSandboxedEnvironment(autoescape=False, undefined=StrictUndefined, keep_trailing_newline=False)
ENV.filters["tojson"] = _tojson


def template(source: str):
    """A template of ours, compiled in the sandboxed ``ENV`` (never a visitor's text)."""
    return ENV.from_string(source)


class Literal(Element):
    """Text added to the page as it is: never compiled or rendered as a template."""

    def __init__(self, text: str):
        super().__init__()
        self._name = "Literal"
        self.text = str(text)

    def render(self, **kwargs) -> str:
        return self.text


class RenderOnce(MacroElement):
    """``MacroElement`` rendered in one pass: its macros' output goes into the page as ``Literal`` text."""

    @property
    def parent_name(self) -> str:
        """The parent's JS variable (the sandbox forbids ``this._parent`` in our templates)."""
        if self._parent is None:
            raise UnsafeElementError(f"{type(self).__name__} has no parent to add itself to")
        return self._parent.get_name()

    def render(self, **kwargs):
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise UnsafeElementError(f"{type(self).__name__} can only render inside a Figure")
        module = self._template.module
        for part in ("header", "html", "script"):
            macro = getattr(module, part, None)
            if macro is not None:
                getattr(figure, part).add_child(Literal(macro(self, kwargs)), name=self.get_name())
        for element in self._children.values():
            element.render(**kwargs)


# folium's elements, rendered once. Their templates stay folium's; only the second pass is gone.
class Map(folium.Map, RenderOnce):
    pass


class FeatureGroup(folium.FeatureGroup, RenderOnce):
    pass


class TileLayer(folium.TileLayer, RenderOnce):
    pass


class Marker(folium.Marker, RenderOnce):  # type: ignore[misc]  # folium's render() takes no kwargs
    pass


class DivIcon(folium.DivIcon, RenderOnce):
    pass


class CircleMarker(folium.CircleMarker, RenderOnce):  # type: ignore[misc]  # as Marker
    pass


class LayerControl(folium.LayerControl, RenderOnce):
    pass


class FitBounds(folium.map.FitBounds, RenderOnce):
    """Use ``FitBounds(bounds).add_to(m)``, not ``m.fit_bounds(bounds)`` (that adds folium's own)."""


class Fullscreen(folium.plugins.Fullscreen, RenderOnce):
    pass


class MeasureControl(folium.plugins.MeasureControl, RenderOnce):
    pass


class Draw(folium.plugins.Draw, RenderOnce):
    pass


#: folium elements whose templates take no data at all (variable names only), so a second pass is harmless
_DATA_FREE = (ElementAddToElement, folium.Marker.SetIcon)


class GeoLayer(RenderOnce):
    """A GeoJSON layer (``BEM.geoLayer`` in bem-map.js): escaped ``_tip``/``_popup`` properties bound as
    tooltip and popup, points drawn as ``icon`` (a divIcon's options), lines and areas styled by
    ``styles`` (keyed by the feature's ``segment``, ``""`` for the rest).

    Ours rather than ``folium.GeoJson`` so its data go in once, as compact JSON, without touching
    folium's Jinja environment (folium's GeoJson takes ``|tojson`` from it)."""

    _template = template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = BEM.geoLayer({{ this.data | tojson }}, {{ this.options | tojson }})
            .addTo({{ this.parent_name }});
        {% endmacro %}
    """)

    def __init__(
        self,
        data: dict,
        styles: dict[str, dict] | None = None,
        icon: dict | None = None,
        smooth_factor: float = 0.5,
        interactive: bool = True,
    ):
        super().__init__()
        self._name = "GeoLayer"
        self.data = data
        self.options = {"styles": styles or {}, "icon": icon, "smoothFactor": smooth_factor, "interactive": interactive}

    def _get_self_bounds(self):
        return get_bounds(self.data, lonlat=True)


def check_render_once(root: Element) -> None:
    """Raise ``UnsafeElementError`` if any element under ``root`` would parse its output as a template again."""
    stack = [root]
    while stack:
        element = stack.pop()
        if isinstance(element, MacroElement) and not isinstance(element, (RenderOnce, *_DATA_FREE)):
            raise UnsafeElementError(
                f"{type(element).__module__}.{type(element).__name__} renders twice; use its subclass in geo.templating"
            )
        stack.extend(element._children.values())


def render_page(element: Element) -> str:
    """The whole page of ``element``'s figure, rendered once (checked before and after: rendering adds elements)."""
    root = element.get_root()
    check_render_once(root)
    page = root.render()
    check_render_once(root)
    return page
