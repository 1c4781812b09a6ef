"""Static checks that need no Odoo: layout, manifest, XML idioms, access rights."""

import ast
import csv
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
ADDON = REPO_ROOT / "bectran_dunning"
CORE = ADDON / "core"
MANIFEST_DIRS = ("security", "views", "data", "report", "wizards", "demo")
ACCESS_HEADER = [
    "id",
    "name",
    "model_id:id",
    "group_id:id",
    "perm_read",
    "perm_write",
    "perm_create",
    "perm_unlink",
]
PYTHON_PACKAGES = ("models", "wizards", "controllers", "report")


def _manifest():
    return ast.literal_eval((ADDON / "__manifest__.py").read_text(encoding="utf-8"))


def _rel(path):
    return path.relative_to(REPO_ROOT).as_posix()


def _xml_files():
    return sorted(p for p in ADDON.rglob("*.xml") if "static" not in p.parts)


# --------------------------------------------------------------------------
# core/ is standard library only
# --------------------------------------------------------------------------


def _resolve_relative(module_path, level, name):
    """Absolute dotted name of a relative import made in ``module_path``."""
    parts = list(module_path.relative_to(REPO_ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    else:
        parts = parts[:-1]  # the package holding the module
    if level > 1:
        parts = parts[: len(parts) - (level - 1)]
    return ".".join(parts + ([name] if name else []))


_IMPORT_CALLS = {"__import__", "import_module", "find_spec", "import_string"}


def forbidden_imports(source, module_path):
    """Imports in ``source`` that leave the standard library and bectran_dunning.core.

    Returns ``(line, target)`` pairs. Dynamic imports by string (``__import__``,
    ``importlib.import_module``) of anything outside the standard library count too.
    """
    found = []

    def check(lineno, target):
        top = target.split(".")[0]
        if target == "bectran_dunning.core" or target.startswith(
            "bectran_dunning.core."
        ):
            return
        if top in sys.stdlib_module_names and top != "odoo":
            return
        found.append((lineno, target))

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                check(node.lineno, alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = _resolve_relative(module_path, node.level, node.module)
                if node.module:
                    check(node.lineno, base)
                else:
                    for alias in node.names:
                        check(node.lineno, f"{base}.{alias.name}")
            else:
                check(node.lineno, node.module)
        elif isinstance(node, ast.Call):
            func = node.func
            name = (
                func.attr
                if isinstance(func, ast.Attribute)
                else getattr(func, "id", "")
            )
            if name in _IMPORT_CALLS and node.args:
                arg = node.args[0]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    check(node.lineno, arg.value)
                else:
                    found.append((node.lineno, f"<dynamic {name}()>"))
    return found


def _core_modules():
    return sorted(CORE.rglob("*.py"))


def test_core_exists():
    assert (CORE / "__init__.py").is_file()
    assert len(_core_modules()) >= 2, "core/ holds no module besides __init__.py"


@pytest.mark.parametrize("path", _core_modules(), ids=_rel)
def test_core_imports_only_stdlib_and_core(path):
    bad = forbidden_imports(path.read_text(encoding="utf-8"), path)
    assert not bad, f"{_rel(path)} imports outside the standard library: {bad}"


@pytest.mark.parametrize(
    "source",
    [
        "import odoo",
        "from odoo import fields",
        "from odoo.tools import float_compare",
        "import odoo.addons.account",
        "x = __import__('odoo')",
        "import importlib\nimportlib.import_module('odoo.fields')",
        "from importlib import import_module\nimport_module('odoo')",
        "import importlib\nname = 'od' + 'oo'\nimportlib.import_module(name)",
        "from .. import models",
        "from ..models import res_partner",
        "import requests",
    ],
)
def test_import_checker_catches(source):
    assert forbidden_imports(source, CORE / "engine.py")


@pytest.mark.parametrize(
    "source",
    [
        "from __future__ import annotations",
        "import dataclasses\nfrom decimal import Decimal",
        "from . import types",
        "from .types import ZERO",
        "from bectran_dunning.core.types import ZERO",
        "import importlib\nimportlib.import_module('json')",
    ],
)
def test_import_checker_allows(source):
    assert forbidden_imports(source, CORE / "engine.py") == []


# --------------------------------------------------------------------------
# Manifest
# --------------------------------------------------------------------------


def test_manifest_keys():
    manifest = _manifest()
    version = manifest["version"]
    parts = version.split(".")
    assert version.startswith("19.0.") and len(parts) == 5, version
    assert all(p.isdigit() for p in parts), version
    assert manifest["license"] in ("LGPL-3", "AGPL-3")
    assert {"account", "mail"} <= set(manifest["depends"])
    assert manifest.get("installable", True)


def test_manifest_files_exist():
    manifest = _manifest()
    listed = manifest.get("data", []) + manifest.get("demo", [])
    missing = [f for f in listed if not (ADDON / f).is_file()]
    assert not missing, f"listed in the manifest but missing: {missing}"
    duplicates = {f for f in listed if listed.count(f) > 1}
    assert not duplicates, f"listed twice in the manifest: {sorted(duplicates)}"


def test_every_data_file_is_in_manifest():
    manifest = _manifest()
    listed = set(manifest.get("data", []) + manifest.get("demo", []))
    on_disk = {
        p.relative_to(ADDON).as_posix()
        for folder in MANIFEST_DIRS
        for p in (ADDON / folder).rglob("*")
        if p.suffix in (".xml", ".csv") and p.is_file()
    }
    assert not on_disk - listed, (
        f"not loaded by the manifest: {sorted(on_disk - listed)}"
    )


def test_demo_files_only_in_demo_key():
    manifest = _manifest()
    in_data = [f for f in manifest.get("data", []) if f.startswith("demo/")]
    assert not in_data, f"demo files must load only with demo data: {in_data}"


# --------------------------------------------------------------------------
# Odoo 19 XML idioms
# --------------------------------------------------------------------------


def _pre19_problems(root):
    problems = []
    for el in root.iter():
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "tree":
            problems.append("<tree> (use <list>)")
        for attr in ("attrs", "states"):
            if attr in el.attrib:
                problems.append(f"{attr}= on <{tag}>")
        name = el.get("name")
        if name == "groups_id" or el.get("groups_id") is not None:
            problems.append("groups_id (use group_ids)")
        if tag == "field" and name == "view_mode" and "tree" in (el.text or ""):
            problems.append("view_mode with tree (use list)")
    for record in root.iter("record"):
        if record.get("model") == "ir.cron":
            for field in record.iter("field"):
                if field.get("name") in ("numbercall", "doall"):
                    problems.append(f"ir.cron field {field.get('name')}")
    return problems


@pytest.mark.parametrize("path", _xml_files(), ids=_rel)
def test_xml_uses_odoo19_syntax(path):
    root = ElementTree.parse(path).getroot()
    problems = _pre19_problems(root)
    assert not problems, f"{_rel(path)}: {problems}"


def test_pre19_checker_catches():
    root = ElementTree.fromstring(
        """<odoo>
        <record id="v" model="ir.ui.view"><field name="arch" type="xml">
            <tree><field name="a" attrs="{'invisible': 1}"/>
            <button name="b" states="draft"/></tree></field></record>
        <record id="u" model="res.users"><field name="groups_id" eval="[]"/></record>
        <record id="a" model="ir.actions.act_window">
            <field name="view_mode">tree,form</field></record>
        <record id="c" model="ir.cron"><field name="numbercall">-1</field>
            <field name="doall" eval="False"/></record>
        </odoo>"""
    )
    assert len(_pre19_problems(root)) == 7


# --------------------------------------------------------------------------
# Python packages import all their modules
# --------------------------------------------------------------------------


def _imported_submodules(init_path):
    names = set()
    for node in ast.parse(init_path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                names.add(node.module.split(".")[0])
            else:
                names.update(alias.name for alias in node.names)
    return names


def _package_dirs():
    return [
        ADDON / name
        for name in PYTHON_PACKAGES
        if any(p.name != "__init__.py" for p in (ADDON / name).glob("*.py"))
    ]


@pytest.mark.parametrize("folder", _package_dirs(), ids=_rel)
def test_package_imports_every_module(folder):
    init = folder / "__init__.py"
    assert init.is_file(), f"{_rel(folder)} has python files but no __init__.py"
    modules = {p.stem for p in folder.glob("*.py") if p.name != "__init__.py"}
    modules |= {p.name for p in folder.iterdir() if (p / "__init__.py").is_file()}
    imported = _imported_submodules(init)
    assert not modules - imported, f"not imported by {_rel(init)}: {modules - imported}"
    assert not imported - modules, f"{_rel(init)} imports missing: {imported - modules}"
    assert folder.name in _imported_submodules(ADDON / "__init__.py")


def test_addon_init_does_not_import_tests():
    assert "tests" not in _imported_submodules(ADDON / "__init__.py")


def test_odoo_tests_package_imports_every_test_module():
    folder = ADDON / "tests"
    init = folder / "__init__.py"
    assert init.is_file()
    tests = {p.stem for p in folder.glob("test_*.py")}
    imported = _imported_submodules(init)
    assert "test_install" in tests
    assert not tests - imported, f"not imported by {_rel(init)}: {tests - imported}"
    assert not imported - {p.stem for p in folder.glob("*.py")}, (
        "imports a missing module"
    )


# --------------------------------------------------------------------------
# Access rights
# --------------------------------------------------------------------------


def _access_rows():
    path = ADDON / "security" / "ir.model.access.csv"
    assert path.is_file(), "security/ir.model.access.csv is missing"
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def _new_models():
    """``_name`` of every Model / TransientModel class defined under the addon."""
    names = set()
    for path in ADDON.rglob("*.py"):
        if "tests" in path.relative_to(ADDON).parts or "core" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ClassDef):
                continue
            bases = {ast.unparse(b) for b in node.bases}
            if not bases & {"models.Model", "models.TransientModel"}:
                continue
            for stmt in node.body:
                if (
                    isinstance(stmt, ast.Assign)
                    and any(getattr(t, "id", None) == "_name" for t in stmt.targets)
                    and isinstance(stmt.value, ast.Constant)
                ):
                    names.add(stmt.value.value)
    return names


def test_access_csv_is_well_formed():
    rows = _access_rows()
    assert rows and rows[0] == ACCESS_HEADER
    body = [r for r in rows[1:] if r]
    assert body, "no access rule at all"
    for row in body:
        assert len(row) == len(ACCESS_HEADER), row
        assert row[2].startswith("model_") or "." in row[2], row
        assert all(flag in ("0", "1") for flag in row[4:]), row
    ids = [row[0] for row in body]
    assert len(ids) == len(set(ids)), "duplicate ids in ir.model.access.csv"


def _xml_access_models():
    """``model_id`` refs of ``ir.model.access`` records written in XML."""
    refs = set()
    for path in _xml_files():
        for record in ElementTree.parse(path).getroot().iter("record"):
            if record.get("model") != "ir.model.access":
                continue
            for field in record.iter("field"):
                if field.get("name") == "model_id" and field.get("ref"):
                    refs.add(field.get("ref").split(".")[-1])
    return refs


def test_every_new_model_has_access_rules():
    rows = [r for r in _access_rows()[1:] if r]
    covered = {r[2].split(".")[-1] for r in rows} | _xml_access_models()
    # The public models of SPEC section 3 are found, so the scan itself works.
    assert {"dunning.run", "dunning.segment", "dunning.touch"} <= _new_models()
    missing = sorted(
        name
        for name in _new_models()
        if "model_" + name.replace(".", "_") not in covered
    )
    assert not missing, f"models without access rules: {missing}"
