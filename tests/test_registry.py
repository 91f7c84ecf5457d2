"""Plugins come from entry points, per run; broken or clashing plugins give clear errors."""

import pytest

from formaudit.errors import PluginError
from formaudit.registry import Plugin, Registry


class _EP:
    def __init__(self, value, error=None):
        self.value = value
        self.error = error

    def load(self):
        if self.error:
            raise self.error
        return lambda x: x


def test_builtins_are_registered():
    registry = Registry.discover()
    assert {"sum", "present", "within", "certainly"} <= set(registry.names("formaudit.functions"))
    assert {"table", "json"} <= set(registry.names("formaudit.reporters"))
    assert "formdata" in registry.names("formaudit.readers")
    assert "cn.dept-overall-self-eval" in registry.pack_ids()
    assert "cn.dept-overall-self-eval" in registry.form_types()


def test_two_plugins_with_one_name_name_both_distributions():
    with pytest.raises(PluginError) as info:
        Registry([Plugin("formaudit.functions", "ratio", "a.mod:ratio", "dist-a", _EP("a.mod:ratio")),
                  Plugin("formaudit.functions", "ratio", "b.mod:ratio", "dist-b", _EP("b.mod:ratio"))])
    message = str(info.value)
    assert info.value.code == "plugin-duplicate" and "dist-a" in message and "dist-b" in message


def test_a_plugin_that_fails_to_load_is_named():
    registry = Registry([Plugin("formaudit.functions", "broken", "bad.mod:f", "dist-bad",
                                _EP("bad.mod:f", ImportError("No module named 'bad'")))])
    with pytest.raises(PluginError) as info:
        registry.functions()
    assert info.value.code == "plugin-load"
    assert "broken" in str(info.value) and "dist-bad" in str(info.value) and "No module named 'bad'" in str(info.value)


@pytest.mark.parametrize("name", ["Sum", "_private", "for", "item", "with space", "a.b"])
def test_invalid_function_names_are_refused(name):
    with pytest.raises(PluginError) as info:
        Registry([Plugin("formaudit.functions", name, "m:f", "dist", _EP("m:f"))])
    assert info.value.code == "plugin-name"


def test_unknown_plugin_lists_the_known_ones():
    with pytest.raises(PluginError) as info:
        Registry.discover().reporter("nope")
    assert "no reporter named 'nope'" in str(info.value) and "json" in str(info.value)


def test_registries_are_per_run():
    extra = Registry.discover(extra=[("formaudit.functions", "double", lambda x: x * 2)])
    assert "double" in extra.functions()
    assert "double" not in Registry.discover().functions()


def test_plugins_load_lazily():
    calls = []

    class Counting(_EP):
        def load(self):
            calls.append(self.value)
            return super().load()
    registry = Registry([Plugin("formaudit.reporters", "a", "m:a", "d", Counting("m:a")),
                         Plugin("formaudit.reporters", "b", "m:b", "d", Counting("m:b"))])
    registry.reporter("a")
    registry.reporter("a")
    assert calls == ["m:a"]
