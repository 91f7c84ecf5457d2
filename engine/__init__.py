"""formaudit: checks Chinese budget performance self-evaluation forms (绩效自评表) against rule packs.

The public API is small (docs/api.md): ``Auditor`` (load packs, check forms, get a ``Report``),
``new_report``, the finding types, ``Waivers``, ``Registry`` (the run's plugins, reporters among them),
and the errors. Everything else is internal and may change.
"""

__version__ = "0.1.0"

from .api import Auditor, new_report  # noqa: E402
from .errors import FormauditError, InputError, NotEvaluable, PackError, PluginError  # noqa: E402
from .findings import Finding, FormResult, Report, RuleCounts  # noqa: E402
from .registry import Registry  # noqa: E402
from .waivers import Waiver, WaiverError, Waivers  # noqa: E402

__all__ = ["Auditor", "new_report", "Finding", "FormResult", "Report", "RuleCounts", "Registry", "Waivers", "Waiver",
           "FormauditError", "InputError", "NotEvaluable", "PackError", "PluginError", "WaiverError", "__version__"]
