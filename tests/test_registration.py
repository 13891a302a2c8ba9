"""One way to extend the product (issue 10 §3, docs/architecture.md): an app registers its
panels, deadlines, forecasts, audit labels, demo seeders, access policies, navigation, checks
and signal receivers from its AppConfig.ready(), never as a side effect of importing a module
(which would depend on who imports it first, e.g. the URLconf).

Static analysis (ast): no module of an app calls a registering function at import time, i.e.
outside a function body (module level, a loop or class body there, or a decorator)."""

import ast
import functools
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("bi18", "families", "networkgroup", "employment", "youth", "budget")
# Django's registries that the apps fill, also from ready() only. (Template tag libraries and
# admin.site are Django's own conventions, read by Django when it loads them.)
DJANGO_REGISTERS = {("django.core.checks", "register"), ("django.dispatch", "receiver")}


@functools.cache
def _modules() -> dict[str, ast.Module]:
    found = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
                found[name.removesuffix(".__init__")] = ast.parse(path.read_text(), str(path))
    return found


def _imports(tree: ast.Module) -> dict[str, tuple[str, str] | str]:
    """Local name -> (module, name) for `from m import name`, or a module's dotted name."""
    found: dict[str, tuple[str, str] | str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                found[alias.asname or alias.name] = (node.module, alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                found[alias.asname or alias.name.split(".")[0]] = alias.asname and alias.name
    return found


def _target(node: ast.expr, module: str, imports) -> tuple[str, str] | None:
    """The (module, function) a call or decorator names, as far as the imports tell."""
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Name):
        imported = imports.get(node.id)
        return imported if isinstance(imported, tuple) else (module, node.id)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        imported = imports.get(node.value.id)
        if isinstance(imported, tuple):  # `from django.core import checks`
            return (".".join(imported), node.attr)
        if isinstance(imported, str):  # `import a.b as m`
            return (imported, node.attr)
    return None


def _registering(modules: dict[str, ast.Module]) -> set[tuple[str, str]]:
    """The functions that register: every top-level `register*` function of the apps, the
    shared register_once, Django's, and (transitively) any top-level function calling one."""
    found = set(DJANGO_REGISTERS)
    for module, tree in modules.items():
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("register"):
                found.add((module, node.name))
    changed = True
    while changed:
        changed = False
        for module, tree in modules.items():
            imports = _imports(tree)
            for node in tree.body:
                if not isinstance(node, ast.FunctionDef) or (module, node.name) in found:
                    continue
                calls = (c for c in ast.walk(node) if isinstance(c, ast.Call))
                if any(_target(c, module, imports) in found for c in calls):
                    found.add((module, node.name))
                    changed = True
    return found


def _at_import(module: str, tree: ast.Module, registering) -> list[str]:
    """Calls to registering functions that run when the module is imported."""
    imports = _imports(tree)
    found = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for decorator in node.decorator_list:  # applied at import
                if _target(decorator, module, imports) in registering:
                    found.append(f"{module}:{decorator.lineno}")
            for default in (*node.args.defaults, *node.args.kw_defaults):
                if default is not None:
                    visit(default)
            return  # the body runs when called
        if isinstance(node, ast.Lambda):
            return
        if isinstance(node, ast.Call) and _target(node, module, imports) in registering:
            found.append(f"{module}:{node.lineno}")
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def test_the_scan_knows_the_registries():
    registering = _registering(_modules())
    # A scan that knows no registry would pass the next test vacuously.
    for function in (
        ("bi18.audit.labels", "register_event"),
        ("bi18.navigation", "register_nav_item"),
        ("bi18.audit.citizens", "register_citizen_directory"),
        ("families.registry", "register_family_panel"),
        ("families.worklist.registry", "register_deadline_kind"),
        ("families.registry", "register_demo_seeder"),
        ("families.access", "register_policy"),
        ("families.history.recorder", "register"),
        ("employment.apps", "_register_history"),  # calls recorder.register
    ):
        assert function in registering


def test_the_scan_finds_a_registration_at_import_time():
    source = """
from django.core import checks
from bi18.audit.labels import register_event
from families import registry

register_event("x.a", "A")
for name in ("x.b",):
    register_event(name, "B")

@checks.register()
def check(app_configs, **kwargs):
    return []

def ready():
    register_event("x.c", "C")
    registry.register_family_panel(None)
"""
    tree = ast.parse(source)
    registering = _registering({"x.apps": tree, **_modules()})
    assert _at_import("x.apps", tree, registering) == ["x.apps:6", "x.apps:8", "x.apps:10"]


def test_no_app_registers_anything_at_import_time():
    modules = _modules()
    registering = _registering(modules)
    found = [where for m, tree in modules.items() for where in _at_import(m, tree, registering)]
    assert found == []
