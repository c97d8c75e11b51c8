"""Every audit kind written anywhere in coffre/ has a plain label in the officer's
console (web/console_strings.py), in French and in English: a kind without one is
shown to the officer as a raw code ("certificate.revoke"), which is how the
certificates', trust root's and ProConnect's entries went unnamed.

There is no registry of kinds: they are written where the operation is, as the
``action`` of ``audit.Entry(...)`` or the second argument of ``audit.by(...)``. This
test reads coffre/ the way a reviewer would: a literal, a module constant (also one
imported from another coffre module), ``a if c else b``, or the parameter of a small
helper (``_entry(actor, "document.delete", ...)``), followed to its callers in the
module. A kind written any other way makes the test fail with where it is, so a new
kind cannot slip past by being computed.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from tests.catalogues import translated
from web.console_strings import console_labels

ROOT = Path(__file__).resolve().parents[2]
COFFRE = ROOT / "coffre"


class _Module:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.tree = ast.parse(path.read_text(encoding="utf-8"))
        self.constants: dict[str, str] = {}
        self.imports: dict[str, Path] = {}  # local name -> coffre module file
        self.parents: dict[ast.AST, ast.AST] = {}
        for node in ast.walk(self.tree):
            for child in ast.iter_child_nodes(node):
                self.parents[child] = node
        for node in self.tree.body:
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
                for target in node.targets:
                    if isinstance(target, ast.Name) and isinstance(node.value.value, str):
                        self.constants[target.id] = node.value.value
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("coffre"):
                for alias in node.names:
                    base = ROOT / Path(*(node.module or "").split("."))
                    target = base / f"{alias.name}.py"
                    if target.exists():
                        self.imports[alias.asname or alias.name] = target

    def where(self, node: ast.AST) -> str:
        return f"{self.path.relative_to(ROOT)}:{getattr(node, 'lineno', '?')}"

    def enclosing_function(self, node: ast.AST) -> ast.FunctionDef | None:
        current = self.parents.get(node)
        while current is not None and not isinstance(current, ast.FunctionDef):
            current = self.parents.get(current)
        return current

    def calls_to(self, name: str) -> Iterator[ast.Call]:
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Call):
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if called == name:
                    yield node


def _argument(call: ast.Call, function: ast.FunctionDef, parameter: str) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == parameter:
            return keyword.value
    names = [a.arg for a in function.args.posonlyargs + function.args.args]
    if names and names[0] in ("self", "cls"):
        names = names[1:]
    index = names.index(parameter) if parameter in names else -1
    return call.args[index] if 0 <= index < len(call.args) else None


def _kinds(module: _Module, value: ast.expr, depth: int = 0) -> tuple[set[str], list[str]]:
    """The kinds an expression can be, and the places it could not be followed."""
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return {value.value}, []
    if isinstance(value, ast.IfExp):
        a, a_lost = _kinds(module, value.body, depth)
        b, b_lost = _kinds(module, value.orelse, depth)
        return a | b, a_lost + b_lost
    if isinstance(value, ast.Name) and value.id in module.constants:
        return {module.constants[value.id]}, []
    if (
        isinstance(value, ast.Attribute)
        and isinstance(value.value, ast.Name)
        and value.value.id in module.imports
    ):
        other = _Module(module.imports[value.value.id])
        if value.attr in other.constants:
            return {other.constants[value.attr]}, []
    if isinstance(value, ast.Name) and depth < 3:
        function = module.enclosing_function(value)
        parameters = (
            {a.arg for a in function.args.args + function.args.kwonlyargs} if function else set()
        )
        assigned = [
            node.value
            for node in (ast.walk(function) if function is not None else ())
            if isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == value.id for t in node.targets)
        ]
        if assigned:  # a local name: ``action = "a" if first else "b"``
            found, lost = set(), []
            for given in assigned:
                kinds, missed = _kinds(module, given, depth + 1)
                found |= kinds
                lost += missed
            return found, lost
        if function is not None and value.id in parameters:
            found: set[str] = set()
            lost: list[str] = []
            callers = list(module.calls_to(function.name))
            for call in callers:
                given = _argument(call, function, value.id)
                if given is None:
                    lost.append(module.where(call))
                    continue
                kinds, missed = _kinds(module, given, depth + 1)
                found |= kinds
                lost += missed
            if callers:
                return found, lost
    return set(), [f"{module.where(value)}: {ast.unparse(value)}"]


def written_kinds() -> tuple[dict[str, str], list[str]]:
    """Each kind written in coffre/ with one place that writes it; what was not followed."""
    kinds: dict[str, str] = {}
    lost: list[str] = []
    for path in sorted(COFFRE.rglob("*.py")):
        module = _Module(path)
        for call in ast.walk(module.tree):
            if not isinstance(call, ast.Call):
                continue
            func = call.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            value: ast.expr | None = None
            if name == "by" and len(call.args) >= 2 and path.parts[-2:] != ("audit", "trail.py"):
                value = call.args[1]
            elif name == "Entry" and path.parts[-2:] != ("audit", "trail.py"):
                value = next((k.value for k in call.keywords if k.arg == "action"), None)
            if value is None:
                continue
            found, missed = _kinds(module, value)
            for kind in found:
                kinds.setdefault(kind, module.where(call))
            lost += missed
    return kinds, lost


def test_every_audit_kind_written_in_coffre_has_a_console_label_in_french_and_english() -> None:
    kinds, lost = written_kinds()
    assert lost == [], "audit kinds this test cannot read: write them as literals or constants"
    # The scan finds the kinds of every area (a scan that finds nothing passes nothing).
    assert {
        "grant.pull",
        "document.delete",
        "membership.end",
        "certificate.revoke",
        "trust_root.rotate",
        "audit.retention",
        "proconnect.link",
    } <= set(kinds)
    labels = console_labels(lambda text: text)["actions"]
    missing = sorted(f"{kind} ({where})" for kind, where in kinds.items() if kind not in labels)
    assert missing == []
    english = translated("en")
    untranslated = sorted(kind for kind in kinds if labels[kind] not in english)
    assert untranslated == []
