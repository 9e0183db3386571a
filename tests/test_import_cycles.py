"""No two modules of the site import each other, imports inside functions included
(issue #13: listings and lifecycle, deals and notifications, models reaching for the
session imported each other, inside functions, to dodge the cycle at start-up)."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "marketplace"

# Cycles that are the design, not a dodge.
ALLOWED = {
    # the app factory registers the command line, whose commands create the app
    frozenset({"marketplace", "marketplace.cli"}),
    # the request's teardown hands the mail queued in its transaction to SMTP after the
    # commit; mail writes the outbox through the session
    frozenset({"marketplace.db", "marketplace.mail"}),
    # the same for jobs: the request's end hands the jobs its transaction wrote to the queue
    # after the commit, and a job runs in transactions of the database's own
    frozenset({"marketplace.db", "marketplace.jobs.core"}),
}


def _modules() -> dict[str, Path]:
    found = {}
    for path in ROOT.rglob("*.py"):
        parts = ("marketplace",) + path.relative_to(ROOT).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _graph(modules) -> dict[str, set[str]]:
    def known(name: str) -> str:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name

    graph = {}
    for name, path in modules.items():
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        imported = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                target = (package[:len(package) - node.level + 1] if node.level else []) + \
                    (node.module.split(".") if node.module else [])
                if target[:1] == ["marketplace"]:
                    imported |= {known(".".join(target + [alias.name])) for alias in node.names}
            elif isinstance(node, ast.Import):
                imported |= {known(a.name) for a in node.names if a.name.split(".")[0] == "marketplace"}
        graph[name] = imported - {name, ""}
    return graph


def _cycles(graph) -> list[set[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(component)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_modules_import_each_other():
    cycles = [sorted(c) for c in _cycles(_graph(_modules())) if frozenset(c) not in ALLOWED]
    assert not cycles, cycles
