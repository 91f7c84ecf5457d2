"""Errors that stop a pack or an input from being used. Findings are never exceptions."""

from __future__ import annotations


class FormauditError(Exception):
    """An error a user can act on: it carries where it happened.

    ``str(err)`` is ``file:line:col: code: message`` with the parts that are known.
    """

    code = "error"

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 column: int | None = None, code: str | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        if code:
            self.code = code
        self.hint = hint

    def where(self) -> str:
        parts = [p for p in (self.file, self.line, self.column) if p is not None]
        return ":".join(str(p) for p in parts)

    def __str__(self) -> str:
        where = self.where()
        text = f"{self.code}: {self.message}"
        if self.hint:
            text += f" (hint: {self.hint})"
        return f"{where}: {text}" if where else text


class PackError(FormauditError):
    """A rule pack that cannot be loaded."""

    code = "pack-error"


class InputError(FormauditError):
    """An input (form data or document) that could not be checked at all."""

    code = "input-error"


class PluginError(FormauditError):
    """A plugin that cannot be loaded, or two plugins with one name."""

    code = "plugin-error"


class NotEvaluable(Exception):
    """Raised while evaluating a rule: the rule cannot be judged on this item (the reason says why)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason
