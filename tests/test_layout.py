"""The package's folders are its layers (docs/architecture.md, "Module map"): a module imports only from
its own folder, from the shared modules at the top of the package, and from the layers below its own.
Imports inside functions count too: a layer that needs a higher one at run time is a circle all the same."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "targetdsl"

# lowest first; the entry points last. A layer of several folders: they do not import each other.
LAYERS: list[set[str]] = [
    {"language"},
    {"evaluation"},
    {"units"},
    {"scaling"},
    {"audit"},
    {"api"},
    {"office", "authoring"},
    {"dask"},
    {"cli"},
    {"__main__", "__init__"},
]


def layer_of(module: str) -> tuple[int, str]:
    """The layer of `targetdsl.X.…` and its folder or module X; -1 for the shared modules."""
    parts = module.split(".")
    top = parts[1] if len(parts) > 1 else "__init__"
    for index, names in enumerate(LAYERS):
        if top in names:
            return index, top
    return -1, top


def imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module is not None and node.module.startswith("targetdsl"):
            if node.module == "targetdsl":
                found += [(node.lineno, f"targetdsl.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "targetdsl"]
    return found


def test_every_module_imports_only_from_below() -> None:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")
        level, folder = layer_of(module)
        for line, target in imports(path):
            other_level, other = layer_of(target)
            if other_level > level or (other_level == level and other != folder and level >= 0):
                wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {target}")
    assert not wrong, "\n".join(wrong)


def test_every_folder_is_a_layer_and_says_what_it_holds() -> None:
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert folders == {name for names in LAYERS for name in names} & folders
    assert folders == {"language", "evaluation", "units", "scaling", "audit", "office", "authoring", "cli"}
    documented = (PACKAGE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    for folder in folders:
        docstring = ast.get_docstring(ast.parse((PACKAGE / folder / "__init__.py").read_text(encoding="utf-8")))
        assert docstring, folder
        assert f"### `targetdsl/{folder}/`" in documented, folder
        for module in (PACKAGE / folder).glob("*.py"):
            if module.name != "__init__.py":
                assert f"| `{module.name}` |" in documented, module
