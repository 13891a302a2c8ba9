"""Every event name the code passes to the audit log has a registered, translated label
(issue 10 §3): an unlabelled event would show its raw identifier on the audit pages."""

import ast
from pathlib import Path

from bi18.audit.labels import EVENT_LABELS

ROOT = Path(__file__).resolve().parents[2]
APPS = ("bi18", "families", "networkgroup", "employment", "youth", "budget")
# The calls that take an event name: audit_log(...), audit_log_families(...) and the
# entries of audit_log_many (AuditEntry(...)).
CALLS = {"audit_log", "audit_log_families", "AuditEntry"}


def _names(node: ast.expr, constants: dict[str, str]) -> list[str]:
    """The literal event names an `event=` argument can take (a string, either branch of
    a conditional, or a module-level constant such as WORKLIST_VIEWED)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _names(node.body, constants) + _names(node.orelse, constants)
    if isinstance(node, ast.Name) and node.id in constants:
        return [constants[node.id]]
    return []


def _modules() -> list[tuple[Path, ast.Module]]:
    return [
        (path, ast.parse(path.read_text(), str(path)))
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    ]


def _constants(modules) -> dict[str, str]:
    """Module-level UPPER_CASE = "a.b.c" string constants, by name."""
    found = {}
    for _path, tree in modules:
        for node in tree.body:
            if (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id.isupper()
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
            ):
                found[node.targets[0].id] = node.value.value
    return found


def _event_names() -> dict[str, str]:
    found: dict[str, str] = {}
    modules = _modules()
    constants = _constants(modules)
    for path, tree in modules:
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name not in CALLS:
                continue
            for kw in node.keywords:
                if kw.arg == "event":
                    for event in _names(kw.value, constants):
                        found[event] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return found


def test_the_scan_finds_the_audit_calls():
    names = _event_names()
    # A scan that finds nothing would pass the next test vacuously.
    assert len(names) > 50
    assert "records.note.created" in names
    assert "worklist.item.snoozed" in names  # through a module constant


def test_every_event_passed_to_the_audit_log_has_a_label():
    missing = {name: where for name, where in _event_names().items() if name not in EVENT_LABELS}
    assert missing == {}
