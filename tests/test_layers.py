"""The layers of ``data_layer`` (docs/architecture.md): a package imports only packages below it, the
domains import none of each other, and no modules import each other in a circle. Imports are read
from the source with ``ast``, module-level and inside functions alike."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "data_layer"

# Lowest first. Packages on one line stand side by side and must not import each other.
LAYERS = [
    ("core",),
    ("vn", "migrations"),  # a migration never imports live code (its env only reads core.models)
    ("sheets",),
    ("registry",),
    ("importing",),
    ("allowance", "bhyt", "campaigns", "relief"),  # the domains
    ("reports",),
    ("admin",),
    ("demo",),  # the demo season may use everything but the command line
    ("cli",),
]
LEVEL = {package: level for level, packages in enumerate(LAYERS) for package in packages}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every ``data_layer`` import in the file; ``from X import y`` counts as
    ``X.y`` (y may be a module), relative imports resolved."""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package[: len(package) - node.level + 1], *filter(None, [base])])
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return [(line, name) for line, name in found if name.startswith("data_layer.")]


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(ROOT.rglob("*.py"))}


def package_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in LEVEL) else None


def test_every_package_has_a_layer():
    packages = {p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    packages |= {"migrations"}
    assert packages == set(LEVEL), "a new package of data_layer needs its place in LAYERS and the docs"


def test_imports_only_go_down():
    wrong = []
    for module, path in modules().items():
        source = package_of(module)
        for line, target in imported_modules(path):
            aim = package_of(target)
            if source is None or aim is None or aim == source:
                continue
            if LEVEL[aim] >= LEVEL[source]:
                where = "above" if LEVEL[aim] > LEVEL[source] else "beside"
                file = path.relative_to(ROOT.parent)
                wrong.append(f"{file}:{line} imports {target} ({aim} is {where} {source})")
    assert not wrong, "imports that do not go down:\n" + "\n".join(wrong)


def test_no_modules_import_each_other_in_a_circle():
    known = modules()

    def resolved(target: str) -> str | None:
        """The module an import names (``from package import module`` names the module)."""
        while target and target not in known:
            target = target.rpartition(".")[0]
        return target or None

    graph = {
        module: {m for _, t in imported_modules(path) if (m := resolved(t)) and m != module}
        for module, path in known.items()
    }
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as circle:
        raise AssertionError("modules that import each other: " + " → ".join(circle.args[1])) from None
