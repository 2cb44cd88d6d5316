"""The mutation tool's own bookkeeping (``tests/mutation.py``; see ``tests/MUTATION.md``).

Running mutants takes hours; these checks take a fraction of a second and run with the
suite: each mutant argued equivalent in `EQUIVALENT` must still be a mutant of the
current source, so that an edit to a module cannot leave a listing that no longer
names anything (and hides nothing, while claiming to).
"""

from pathlib import Path

from tests import mutation

ROOT = Path(__file__).resolve().parent.parent


def test_every_listed_equivalent_mutant_is_a_mutant_of_the_current_source():
    listed = set(mutation.EQUIVALENT)
    found = set()
    for relpath in sorted({file for file, _, _ in listed}):
        assert (ROOT / relpath).is_file(), relpath
        for m in mutation.generate(ROOT, relpath):
            for change in (m.change, f"{m.change} @{m.col + 1}"):
                found.add((m.file, m.context, change))
    stale = sorted(listed - found)
    assert not stale, "EQUIVALENT lists mutants the source no longer has:\n" + "\n".join(
        " | ".join(key) for key in stale
    )
