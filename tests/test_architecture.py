"""The shape of the package (issue 11 items 2 and 3), checked on its source so that it cannot drift back.

- No field id of any shipped edition written in Python outside `interop/` (whose mappings are data
  tables of other formats): code asks the edition's `roles:` (reportgen/standard/roles.py) instead, so an
  edition that renames a field needs no Python change.
- No module over 400 lines.
- No import cycle among reportgen's modules (module-level imports; an import inside a function is a
  deliberate late import and does not count).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from conftest import ROOT

from reportgen.standard import available_editions, load_standard

PACKAGE = ROOT / "reportgen"
MAX_LINES = 400

# Field ids still written in Python, by file, each file with the reason it may be. Keep this short: the
# test below fails on any other literal, and on an entry whose literal has gone.
ALLOWED_FIELD_IDS: dict[str, tuple[str, set[str]]] = {
    "web/adapter.py": ("a file name, report.pdf or report.xlsx, not the group `report`", {"report.{}"}),
    "commands/interop.py": (
        "the phases CodeCarbon's energy can go to, beside the interop mapping",
        {"{}.energy"},
    ),
}
# modules allowed over MAX_LINES, each with its reason (none today)
ALLOWED_LONG: dict[str, str] = {}


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _rel(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def _field_ids() -> set[str]:
    return {fid for name in available_editions() for fid in load_standard(name.split(" ", 1)[1]).fields}


def _string_literals(tree: ast.AST) -> list[tuple[int, str]]:
    """Every string constant, and every f-string with `{}` in place of its replacement fields."""
    out: list[tuple[int, str]] = []
    in_fstring: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            text = "".join(
                v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else "{}"
                for v in node.values
            )
            out.append((node.lineno, text))
            in_fstring |= {id(v) for v in node.values}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in in_fstring:
            out.append((node.lineno, node.value))
    return out


def _names_a_field(text: str, ids: set[str], prefixes: set[str]) -> bool:
    """A literal that is a field id, the `group.key.` prefix of some, or an f-string that makes one."""
    if text in ids or text in prefixes:
        return True
    if "{}" not in text or "." not in text or not re.search(r"[a-z]", text.replace("{}", "")):
        return False  # `{}.{}` joins a group and a key it was given: it names no field itself
    pattern = re.compile(re.escape(text).replace(r"\{\}", "[a-z0-9_]+") + "$")
    return any(pattern.match(fid) for fid in ids)


def field_id_literals() -> list[tuple[str, int, str]]:
    ids = _field_ids()
    prefixes = {fid.rsplit(".", 1)[0] + "." for fid in ids if fid.count(".") >= 2}
    found = []
    for path in _modules():
        if "interop" in path.relative_to(PACKAGE).parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for line, text in _string_literals(tree):
            if _names_a_field(text, ids, prefixes):
                found.append((_rel(path), line, text))
    return found


def test_no_field_id_is_written_in_python_outside_interop():
    found = field_id_literals()
    unexpected = [
        f"{f}:{line}: {text!r}"
        for f, line, text in found
        if text not in ALLOWED_FIELD_IDS.get(f, ("", set()))[1]
    ]
    assert not unexpected, (
        "field ids written in Python (ask the edition: std.roles.<role>, standard/<edition>/standard.yaml "
        "`roles:`):\n" + "\n".join(unexpected)
    )


def test_the_allow_list_has_no_stale_entry():
    """An entry whose literal is gone must go too, or the list grows into a licence."""
    present = {(f, text) for f, _, text in field_id_literals()}
    stale = [(f, x) for f, (_, texts) in ALLOWED_FIELD_IDS.items() for x in texts if (f, x) not in present]
    assert not stale, f"remove these from ALLOWED_FIELD_IDS: {stale}"


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("system.name", True),
        ("boundary.phases.{}", True),
        ("verification.{}", True),
        ("boundary.phases.", True),
        ("report.reporting_period_{}", True),
        ("system", False),
        ("rpt_{}", False),
        ("{}.pdf", False),
    ],
)
def test_the_field_id_detector(text, flagged):
    ids = _field_ids()
    prefixes = {fid.rsplit(".", 1)[0] + "." for fid in ids if fid.count(".") >= 2}
    assert _names_a_field(text, ids, prefixes) is flagged


def test_no_module_is_over_400_lines():
    long = {
        _rel(p): n
        for p in _modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES and _rel(p) not in ALLOWED_LONG
    }
    assert not long, f"modules over {MAX_LINES} lines (split them by meaning): {long}"


def _import_graph() -> dict[str, set[str]]:
    modules = {}
    for path in _modules():
        rel = path.relative_to(ROOT).with_suffix("")
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        modules[".".join(parts)] = path

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {m: set() for m in modules}
    for mod, path in modules.items():
        for node in ast.parse(path.read_text(encoding="utf-8")).body:  # module level only
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            for n in ast.walk(node):
                targets: list[str] = []
                if isinstance(n, ast.Import):
                    targets = [a.name for a in n.names]
                elif isinstance(n, ast.ImportFrom) and n.module and n.level == 0:
                    targets = [
                        f"{n.module}.{a.name}" if f"{n.module}.{a.name}" in modules else n.module
                        for a in n.names
                    ]
                for target in targets:
                    resolved = resolve(target)
                    if resolved and resolved != mod:
                        graph[mod].add(resolved)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_cycle():
    assert _cycles(_import_graph()) == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


# Public names defined in more than one module, each with its reason (issue 11 item 2: one name per thing)
SHARED_NAMES: dict[str, str] = {
    "register": "the CLI's protocol: each commands/ module registers its subcommand",
    "run": "the CLI's protocol: each commands/ module runs its subcommand (and activity.engine.run)",
    "to_fragment": "the protocol of interop readers (CodeCarbon, Hugging Face)",
    "quantity": "fmt.quantity formats, interop.quantity builds an input mapping: left for interop's owner",
    "strings": "resources.strings loads UI strings, web/page.strings picks the page's: left for web's owner",
    "check": "web/api.py's route handlers are named after the adapter calls they make (web's owner)",
    "editions": "web/api.py route handler, see check",
    "render": "web/api.py route handler, see check",
    "template": "web/api.py route handler, see check",
    "verify": "web/api.py route handler, see check",
}


def test_one_public_name_per_thing():
    where: dict[str, list[str]] = {}
    for path in _modules():
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                if not node.name.startswith("_"):
                    where.setdefault(node.name, []).append(_rel(path))
    twice = {n: files for n, files in where.items() if len(files) > 1 and n not in SHARED_NAMES}
    assert not twice, f"one name, several things (rename one): {twice}"
    assert not [n for n in SHARED_NAMES if len(where.get(n, [])) < 2], "stale entries in SHARED_NAMES"


# The flow runs one way (standard → inputs → evaluation → presentation → renderers): these packages never
# import the presentation, not even inside a function. Their messages use reportgen/localized.py.
UPSTREAM = ("standard", "inputs", "evaluation", "activity", "workbook")


def test_the_evaluation_never_imports_the_presentation():
    offenders = []
    for path in _modules():
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] not in UPSTREAM:
            continue
        for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in n.names]
                if isinstance(n, ast.Import)
                else [f"{n.module}.{a.name}" for a in n.names]
                if isinstance(n, ast.ImportFrom) and n.module
                else []
            )
            offenders += [f"{rel}:{n.lineno} {x}" for x in names if x.startswith("reportgen.presentation")]
    assert offenders == []
