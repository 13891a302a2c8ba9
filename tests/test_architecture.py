"""The shape of the code (STYLE.md "Shape", issue 10 "Done when"): the layers hold, and no two
modules import each other. Static analysis of the import graph (grimp, import-linter);
imports inside functions count too, so a cycle cannot hide in a lazy import."""

import re
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bi18", "families", "networkgroup", "employment", "youth", "budget")
# The layers, lowest first; the track apps are siblings that never import each other.
LAYER = {"bi18": 0, "families": 1, "networkgroup": 2, "employment": 2, "youth": 2, "budget": 3}
# bi18's URLconf and ASGI routing wire every app in (the composition roots).
COMPOSITION_ROOTS = {"bi18.urls", "bi18.asgi"}


def _graph():
    return grimp.build_graph(*PACKAGES, include_external_packages=False, cache_dir=None)


def test_the_import_linter_contracts_in_pyproject_are_kept():
    # In a child process: import-linter reads its configuration globally, and CI can run
    # the very same command (`lint-imports`).
    result = subprocess.run(  # noqa: S603 - our own interpreter and a fixed command
        [Path(sys.executable).with_name("lint-imports"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" in result.stdout and "0 broken" in result.stdout


def test_no_module_imports_one_from_a_higher_layer_or_a_sibling_track():
    graph = _graph()
    upward = []
    for importer in sorted(graph.modules):
        if importer in COMPOSITION_ROOTS:
            continue
        for imported in graph.find_modules_directly_imported_by(importer):
            low, high = importer.split(".")[0], imported.split(".")[0]
            if low == high:
                continue
            if LAYER[high] > LAYER[low] or LAYER[high] == LAYER[low]:
                upward.append(f"{importer} -> {imported}")
    assert upward == []


def test_no_two_modules_import_each_other():
    graph = _graph()
    mutual = sorted(
        f"{a} <-> {b}"
        for a in graph.modules
        for b in graph.find_modules_directly_imported_by(a)
        if a < b and a in graph.find_modules_directly_imported_by(b)
    )
    assert mutual == []


# A URL name in a template ({% url %}) or in code (reverse, redirect, a registry's url_name).
_URL_NAME = re.compile(
    r"""(?:\{%\s*url\s+|reverse(?:_lazy)?\(\s*|redirect\(\s*|url_name=)["']([\w:-]+)["']"""
)


def _url_owners() -> dict[str, str]:
    """URL namespace ("networkgroup") or global URL name ("targets_home") -> its app package."""
    owners = {}
    for package in PACKAGES:
        for urls in (ROOT / package).rglob("urls.py"):
            text = urls.read_text()
            namespace = re.search(r"""^app_name = ["'](\w+)["']""", text, re.M)
            if namespace:
                owners[namespace.group(1)] = package
            elif urls != ROOT / "bi18" / "urls.py":
                for name in re.findall(r"""name=["']([\w-]+)["']""", text):
                    owners[name] = package
    return owners


def test_no_template_or_module_names_a_url_of_a_track_app_above_or_beside_it():
    """The apps above link themselves in through the registries (bi18.navigation,
    families.registry.FamilyPage), issue 10 §3: bi18's and families' templates and code name
    no URL of a track app or of budget, and no track app names a sibling's. (The project's
    templates/ count as bi18; that they link families pages, e.g. home.html, is not checked.)"""
    owners = _url_owners()
    assert owners["networkgroup"] == "networkgroup" and owners["targets_home"] == "budget"
    found = []
    for package in PACKAGES:
        roots = [ROOT / package] + ([ROOT / "templates"] if package == "bi18" else [])
        for path in (p for root in roots for p in root.rglob("*")):
            if path.suffix not in (".py", ".html", ".txt") or "migrations" in path.parts:
                continue
            if path in (ROOT / "bi18" / "urls.py", ROOT / "bi18" / "asgi.py"):
                continue  # the composition roots
            for name in _URL_NAME.findall(path.read_text()):
                owner = owners.get(name.split(":")[0] if ":" in name else name)
                if owner and owner != package and LAYER[owner] >= max(LAYER[package], 2):
                    found.append(f"{path.relative_to(ROOT)}: {name}")
    assert found == []
