"""The shape of the code (STYLE.md "Shape", issue 10 "Done when"): the layers hold, and no two
modules import each other. Static analysis of the import graph (grimp, import-linter);
imports inside functions count too, so a cycle cannot hide in a lazy import."""

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
