"""Plugins, found through entry points and built per run (no module-level state).

Four groups: ``formaudit.readers``, ``formaudit.functions``, ``formaudit.reporters``,
``formaudit.rulepacks``. Built-ins register through the same entry points as third-party plugins.
Finding a plugin imports nothing; a plugin is imported when a run needs it. Two plugins with one name
in one group are refused, naming both distributions.
"""

from __future__ import annotations

import importlib.metadata as metadata
import importlib.resources
import keyword
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

from .errors import PluginError

GROUPS = ("formaudit.readers", "formaudit.functions", "formaudit.reporters", "formaudit.rulepacks")
_NAME = {
    "formaudit.functions": re.compile(r"^[a-z][a-z0-9_]*$"),
    "formaudit.readers": re.compile(r"^[a-z][a-z0-9_-]*$"),
    "formaudit.reporters": re.compile(r"^[a-z][a-z0-9_-]*$"),
    "formaudit.rulepacks": re.compile(r"^[a-z0-9][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)*$"),
}
_RESERVED_FUNCTIONS = {"item", "parent", "form", "index", "params", "True", "False", "None"}


@dataclass(frozen=True)
class Plugin:
    group: str
    name: str
    value: str
    distribution: str
    entry_point: Any = None

    def load(self) -> Any:
        try:
            return self.entry_point.load()
        except Exception as exc:  # a broken plugin must not take the run down with a traceback
            raise PluginError(f"plugin '{self.name}' ({self.group}, from {self.distribution}: {self.value}) "
                              f"failed to load: {type(exc).__name__}: {exc}", code="plugin-load") from None


class Registry:
    """The plugins of this run. Build one with ``Registry.discover()``; pass ``extra`` to add plugins
    programmatically (tests, embedding) as (group, name, object) triples."""

    def __init__(self, plugins: Iterable[Plugin], extra: Iterable[tuple[str, str, Any]] = ()):
        self._plugins: dict[str, dict[str, Plugin]] = {g: {} for g in GROUPS}
        self._loaded: dict[tuple[str, str], Any] = {}
        for plugin in sorted(plugins, key=lambda p: (p.group, p.name, p.distribution)):
            self._add(plugin)
        for group, name, obj in extra:
            self._add(Plugin(group, name, repr(obj), "<extra>"))
            self._loaded[(group, name)] = obj

    @classmethod
    def discover(cls, extra: Iterable[tuple[str, str, Any]] = ()) -> "Registry":
        found = []
        seen = set()
        for dist in metadata.distributions():
            dist_name = dist.metadata["Name"] or "?"
            for ep in dist.entry_points:
                if ep.group in GROUPS:
                    key = (ep.group, ep.name, ep.value)
                    if key in seen:  # the same distribution seen twice on sys.path
                        continue
                    seen.add(key)
                    found.append(Plugin(ep.group, ep.name, ep.value, dist_name, ep))
        return cls(found, extra)

    def _add(self, plugin: Plugin) -> None:
        if plugin.group not in self._plugins:
            raise PluginError(f"unknown plugin group {plugin.group}")
        pattern = _NAME[plugin.group]
        if not pattern.match(plugin.name) or (plugin.group == "formaudit.functions" and (
                keyword.iskeyword(plugin.name) or plugin.name in _RESERVED_FUNCTIONS)):
            raise PluginError(f"plugin name '{plugin.name}' in {plugin.group} (from {plugin.distribution}) is not "
                              f"a valid name", code="plugin-name")
        existing = self._plugins[plugin.group].get(plugin.name)
        if existing is not None:
            raise PluginError(f"two plugins named '{plugin.name}' in {plugin.group}: {existing.value} from "
                              f"{existing.distribution} and {plugin.value} from {plugin.distribution}",
                              code="plugin-duplicate")
        self._plugins[plugin.group][plugin.name] = plugin

    def names(self, group: str) -> list[str]:
        return sorted(self._plugins[group])

    def plugin(self, group: str, name: str) -> Plugin:
        try:
            return self._plugins[group][name]
        except KeyError:
            known = ", ".join(self.names(group)) or "none"
            kind = group.split(".")[1].rstrip("s")
            raise PluginError(f"no {kind} named '{name}' (known: {known})", code="plugin-unknown") from None

    def load(self, group: str, name: str) -> Any:
        key = (group, name)
        if key not in self._loaded:
            self._loaded[key] = self.plugin(group, name).load()
        return self._loaded[key]

    # -- the four kinds ----------------------------------------------------------------------

    def functions(self) -> dict[str, Callable]:
        out = {}
        for name in self.names("formaudit.functions"):
            fn = self.load("formaudit.functions", name)
            if not callable(fn):
                p = self.plugin("formaudit.functions", name)
                raise PluginError(f"function plugin '{name}' ({p.value} from {p.distribution}) is not callable",
                                  code="plugin-load")
            out[name] = fn
        return out

    def reporter(self, name: str) -> Any:
        return self.load("formaudit.reporters", name)

    def reader(self, name: str) -> Any:
        return self.load("formaudit.readers", name)

    def readers(self) -> list[Any]:
        return [self.reader(n) for n in self.names("formaudit.readers")]

    def pack_file(self, pack_id: str) -> Path:
        """The YAML file of a registered pack: ``<package of the entry point>/<pack id>/pack.yaml``."""
        plugin = self.plugin("formaudit.rulepacks", pack_id)
        if plugin.distribution == "<extra>":
            return Path(self._loaded[("formaudit.rulepacks", pack_id)])
        module = plugin.value.split(":")[0]
        try:
            root = importlib.resources.files(module)
        except (ModuleNotFoundError, TypeError) as exc:
            raise PluginError(f"rule pack '{pack_id}' ({plugin.value} from {plugin.distribution}): {exc}",
                              code="plugin-load") from None
        path = Path(str(root / pack_id / "pack.yaml"))
        if not path.is_file():
            raise PluginError(f"rule pack '{pack_id}' from {plugin.distribution}: no file {path}", code="plugin-load")
        return path

    def pack_ids(self) -> list[str]:
        return self.names("formaudit.rulepacks")

    def form_schema_file(self, form_type: str) -> Path | None:
        """A form type's JSON Schema: ``schema.json`` beside the pack whose id is the form type."""
        if form_type not in self._plugins["formaudit.rulepacks"]:
            return None
        path = self.pack_file(form_type).parent / "schema.json"
        return path if path.is_file() else None

    def form_types(self) -> list[str]:
        """Form types with a schema (for listings and messages: a broken pack is left out here and
        reported when it is used)."""
        out = []
        for pack_id in self.pack_ids():
            try:
                if self.form_schema_file(pack_id) is not None:
                    out.append(pack_id)
            except PluginError:
                continue
        return out
