"""formaudit: checks Chinese budget performance self-evaluation forms (绩效自评表) against rule packs.

The public API is small: ``Auditor`` (load packs, check forms, get a ``Report``), the finding types,
and the errors. Everything else is internal and may change.
"""

__version__ = "0.1.0"

from .api import Auditor  # noqa: E402
from .errors import FormauditError, InputError, NotEvaluable, PackError, PluginError  # noqa: E402
from .findings import Finding, FormResult, Report  # noqa: E402

__all__ = ["Auditor", "Finding", "FormResult", "Report", "FormauditError", "InputError", "NotEvaluable",
           "PackError", "PluginError", "__version__"]
