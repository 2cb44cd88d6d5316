"""The README's vocabulary table is the API's: every public parameter name is in it.

Issue 15 asks for one name per concept across the API. The table in the README's
"Vocabulary" section lists the names; this test walks the public signatures (functions,
classes and their public methods, in the namespaces a user imports) and fails on a
parameter the table does not list, and on a table name that nothing public uses.
"""

import importlib
import inspect
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
NAMESPACES = [
    "spread",
    "spread.fit",
    "spread.plot",
    "spread.datasets",
    "spread.io",
    "spread.weights",
    "spread.parallel",
]


def table_names():
    """Backticked names in the Name column of the README's vocabulary table."""
    text = README.read_text(encoding="utf-8")
    section = text.split("### Vocabulary", 1)[1].split("\n#", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    assert len(rows) > 20, "the vocabulary table is missing or cut short"
    names = set()
    for row in rows[1:]:  # the header row names the columns
        cells = [c.strip() for c in row.strip("|").split(" | ")]
        assert len(cells) == 3, f"a vocabulary row must have three cells: {row!r}"
        names.update(re.findall(r"`([A-Za-z_][A-Za-z0-9_]*)", cells[1]))
    return names


def public_objects():
    """(qualified name, object) of every public function, class and method."""
    seen = set()
    for module_name in NAMESPACES:
        module = importlib.import_module(module_name)
        public = getattr(module, "__all__", None) or [
            n for n in dir(module) if not n.startswith("_")
        ]
        for name in public:
            obj = getattr(module, name)
            if inspect.ismodule(obj) or id(obj) in seen:
                continue
            seen.add(id(obj))
            if inspect.isclass(obj):
                if issubclass(obj, BaseException):
                    continue
                yield f"{module_name}.{name}", obj
                for attr, member in vars(obj).items():
                    if attr.startswith("_") and attr != "__init__":
                        continue
                    if isinstance(member, staticmethod | classmethod):
                        member = member.__func__
                    if inspect.isfunction(member):
                        yield f"{module_name}.{name}.{attr}", member
            elif callable(obj):
                yield f"{module_name}.{name}", obj


def parameter_names():
    """Public parameter name -> where it is used."""
    used = {}
    for qualname, obj in public_objects():
        if inspect.isclass(obj):
            continue
        try:
            signature = inspect.signature(obj)
        except (TypeError, ValueError):  # builtins without a signature
            continue
        for p in signature.parameters.values():
            if p.name in ("self", "cls") or p.name.startswith("_"):
                continue
            used.setdefault(p.name, []).append(qualname)
    return used


def test_every_public_parameter_is_in_the_vocabulary_table():
    table = table_names()
    used = parameter_names()
    missing = {name: where[:3] for name, where in sorted(used.items()) if name not in table}
    assert not missing, (
        "parameter names outside the README's vocabulary table (add them to the table "
        f"with their concept, or use the table's name): {missing}"
    )


def test_every_table_name_is_used():
    used = set(parameter_names())
    classes = [obj for _, obj in public_objects() if inspect.isclass(obj)]
    stale = sorted(
        name
        for name in table_names() - used
        if not name.endswith("_") and not any(hasattr(cls, name) for cls in classes)
    )
    assert not stale, f"names in the vocabulary table that nothing public uses: {stale}"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("n_eval", "n_eval_runs"),
        ("bootstrap_runs", "n_bootstrap_runs"),
        ("delta", "failure_probability"),
        ("t_end", "horizon"),
        ("T", "horizon"),
        ("h", "horizon"),
        ("n_steps", "max_steps"),
        ("ci", "ci_method"),
    ],
)
def test_retired_names_stay_retired(old, new):
    where = parameter_names().get(old)
    assert where is None, f"`{old}` is back in {where}; the vocabulary's name is `{new}`"
