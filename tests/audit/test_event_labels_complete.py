"""Every event name the code passes to the audit log has a registered, translated label
(issue 10 §3): an unlabelled event would show its raw identifier on the audit pages.

The names are found statically (ast), so an event name must be something the scan can
read: a string literal, either branch of a conditional, a module constant (also imported
or read as `module.NAME`), a value of a module-level dict of literals (`_DECIDED[status]`),
or a parameter of a helper whose every caller passes one of these. Anything else, an
f-string for instance, fails the test: a name built at run time could lack a label unseen.
"""

import ast
from dataclasses import dataclass, field
from pathlib import Path

from bi18.audit.labels import EVENT_LABELS

ROOT = Path(__file__).resolve().parents[2]
APPS = ("bi18", "families", "networkgroup", "employment", "youth", "budget")
# The audit service's entry points and where each takes its event name: by keyword, or
# (AuditEntry, a dataclass) also as its second positional argument.
SINKS = {"audit_log": ("event", None), "audit_log_families": ("event", None)}
SINKS["AuditEntry"] = ("event", 1)


@dataclass
class _Module:
    name: str
    where: str
    tree: ast.Module
    # Module-level constants: NAME = "a.b" -> ["a.b"]; NAME = {key: "a.b", ...} -> its values.
    constants: dict[str, list[str]] = field(default_factory=dict)
    # Imported names: alias -> dotted module (for `import a.b as m`, `from a import b`) or
    # (module, name) for `from a.b import NAME`.
    modules: dict[str, str] = field(default_factory=dict)
    names: dict[str, tuple[str, str]] = field(default_factory=dict)


def _literal_strings(node: ast.expr) -> list[str] | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Dict) and node.values:
        values = [v.value for v in node.values if isinstance(v, ast.Constant)]
        if len(values) == len(node.values) and all(isinstance(v, str) for v in values):
            return values
    return None


def _module(name: str, where: str, source: str) -> _Module:
    tree = ast.parse(source, where)
    module = _Module(name=name, where=where, tree=tree)
    package = name.rsplit(".", 1)[0] if not where.endswith("__init__.py") else name
    for node in tree.body:
        targets = []
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        for target in targets:
            if isinstance(target, ast.Name) and target.id.isupper():
                strings = _literal_strings(value)
                if strings is not None:
                    module.constants[target.id] = strings
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    module.modules[alias.asname] = alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            for alias in node.names:
                local = alias.asname or alias.name
                module.modules[local] = f"{base}.{alias.name}"
                module.names[local] = (base, alias.name)
    return module


def _project_modules() -> list[_Module]:
    modules = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            relative = path.relative_to(ROOT)
            name = ".".join(relative.with_suffix("").parts)
            modules.append(_module(name, str(relative), path.read_text()))
    return modules


@dataclass
class _Scan:
    names: dict[str, str]  # event name -> where it is passed
    unresolved: list[str]  # "path:line: expression" of event arguments the scan cannot read


def _scan(modules: list[_Module]) -> _Scan:
    by_name = {m.name: m for m in modules}
    sinks = dict(SINKS)
    names: dict[str, str] = {}
    unresolved: dict[str, str] = {}
    # Helpers that pass a parameter on as the event: where, and whether anyone calls them
    # (a view's parameter, filled in by the URL dispatcher, has no caller to read).
    helpers: dict[str, str] = {}
    called: set[str] = set()

    def constant(module: _Module, name: str) -> list[str] | None:
        if name in module.constants:
            return module.constants[name]
        if name in module.names:
            source, attr = module.names[name]
            if source in by_name:
                return by_name[source].constants.get(attr)
        return None

    def resolve(node: ast.expr, module: _Module, params: set[str]) -> list[str] | str | None:
        """The event names `node` can take; a parameter's name (str) to pass through; None."""
        strings = _literal_strings(node)
        if strings is not None and isinstance(node, ast.Constant):
            return strings
        if isinstance(node, ast.IfExp):
            body, orelse = (resolve(n, module, set()) for n in (node.body, node.orelse))
            return body + orelse if isinstance(body, list) and isinstance(orelse, list) else None
        if isinstance(node, ast.Subscript):
            return resolve(node.value, module, set())
        if isinstance(node, ast.Name):
            if node.id in params:
                return node.id
            return constant(module, node.id)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            target = by_name.get(module.modules.get(node.value.id, ""))
            return target.constants.get(node.attr) if target else None
        return None

    changed = True
    while changed:
        changed = False
        for module in modules:
            for call, function in _calls(module.tree):
                func = call.func
                callee = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if callee not in sinks:
                    continue
                keyword, position = sinks[callee]
                called.add(callee)
                argument = next((k.value for k in call.keywords if k.arg == keyword), None)
                if argument is None and position is not None and len(call.args) > position:
                    argument = call.args[position]
                where = f"{module.where}:{call.lineno}"
                if argument is None:
                    unresolved[where] = f"{where}: {ast.unparse(call)} (no event given)"
                    continue
                params = _parameters(function) if function else {}
                found = resolve(argument, module, set(params))
                if isinstance(found, str):  # a helper that passes its parameter on
                    if function is not None and function.name not in sinks:
                        sinks[function.name] = (found, params[found])
                        helpers[function.name] = f"{where}: {ast.unparse(argument)}"
                        changed = True
                elif found is None:
                    unresolved[where] = f"{where}: {ast.unparse(argument)}"
                else:
                    for name in found:
                        names.setdefault(name, where)
    for helper, where in helpers.items():
        if helper not in called:
            unresolved[where] = f"{where} (a parameter of {helper}(), which nothing calls)"
    return _Scan(names=names, unresolved=sorted(unresolved.values()))


def _parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, int | None]:
    """Parameter name -> its position (None for keyword-only)."""
    args = function.args
    positional = [*args.posonlyargs, *args.args]
    found: dict[str, int | None] = {a.arg: i for i, a in enumerate(positional)}
    found.update({a.arg: None for a in args.kwonlyargs})
    return found


def _calls(tree: ast.Module):
    """Every call in the module, with the function (def) it is written in, if any."""

    def visit(node: ast.AST, function):
        for child in ast.iter_child_nodes(node):
            inner = child if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else function
            if isinstance(child, ast.Call):
                yield child, function
            yield from visit(child, inner)

    yield from visit(tree, None)


def test_the_scan_finds_the_audit_calls():
    scan = _scan(_project_modules())
    # A scan that finds nothing would pass the next test vacuously.
    assert len(scan.names) > 150
    assert "records.note.created" in scan.names  # a literal
    assert "worklist.item.snoozed" in scan.names  # a module constant, read as events.SNOOZED
    assert "deadlines.worklist.viewed" in scan.names
    assert "families.grant.rejected" in scan.names  # a dict of literals, through a helper
    assert "evaluation.cohort.person_created" in scan.names  # AuditEntry's positional argument
    assert "evaluation.cohort.imported" in scan.names  # a helper's positional parameter
    assert "youth.exam.viewed" in scan.names


def test_the_scan_refuses_a_name_it_cannot_read():
    source = """
from bi18.audit.services import audit_log

EVENTS = {"a": "x.a.viewed"}

def _audit(*, actor, event):
    audit_log(actor=actor, action="view", event=event)

def view(request, kind, name):
    audit_log(actor=request.user, action="view", event=f"x.{kind}.viewed")
    audit_log(actor=request.user, action="view", event=EVENTS[kind])
    _audit(actor=request.user, event=name)
"""
    scan = _scan([_module("x.views", "x/views.py", source)])
    assert scan.names == {"x.a.viewed": "x/views.py:11"}
    assert scan.unresolved == [
        "x/views.py:10: f'x.{kind}.viewed'",
        "x/views.py:12: name (a parameter of view(), which nothing calls)",
    ]


def test_every_event_passed_to_the_audit_log_can_be_read_by_the_scan():
    assert _scan(_project_modules()).unresolved == []


def test_every_event_passed_to_the_audit_log_has_a_label():
    names = _scan(_project_modules()).names
    missing = {name: where for name, where in names.items() if name not in EVENT_LABELS}
    assert missing == {}
