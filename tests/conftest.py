"""Plain-pytest setup: make ``bectran_dunning.core`` importable without Odoo.

``bectran_dunning/__init__.py`` imports the Odoo models, so importing the addon
the normal way needs a running Odoo. The core is standard library only, so the
addon folder is registered as a bare namespace-like package: its ``__init__``
never runs, and ``from bectran_dunning.core import engine`` works anywhere.
"""

import sys
import types
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
ADDON_DIR = REPO_ROOT / "bectran_dunning"


def _register_bare_addon_package():
    existing = sys.modules.get("bectran_dunning")
    if existing is not None and getattr(existing, "__file__", None) is None:
        return
    package = types.ModuleType("bectran_dunning")
    package.__path__ = [str(ADDON_DIR)]
    package.__file__ = None
    package.__package__ = "bectran_dunning"
    sys.modules["bectran_dunning"] = package


_register_bare_addon_package()
