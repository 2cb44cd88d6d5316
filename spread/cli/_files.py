"""Files named on the command line: output paths checked before any work, input read safely.

Every problem is a `UsageError` (exit code 2) that names the option, the file and what
is wrong with it. Package-private to `spread.cli`.

Examples
--------
>>> from spread.cli._files import out_path
>>> out_path("seeds.csv").name
'seeds.csv'
>>> out_path("seeds.xlsx")
Traceback (most recent call last):
spread.cli._types.UsageError: `--out` must end in .csv, .json or .parquet; got 'seeds.xlsx'.
"""

import importlib.util
import os
import tempfile
from pathlib import Path

from ._types import UsageError, shown_path

__all__ = ["OUT_FORMATS", "binary_problem", "out_folder", "out_path", "read_text"]


OUT_FORMATS = (".csv", ".json", ".parquet")

#: Suffixes of files read through a decompressor (their bytes are not text).
_COMPRESSED = (".gz", ".bz2", ".xz", ".zip", ".zst", ".tar")


def _write_problem(path):
    """Why the file `path` cannot be created or replaced, or None if it can."""
    try:
        if path.is_dir():
            return "is a folder"
        folder = path.parent  # Path("x.csv").parent is Path(".")
        if not folder.exists():
            return f"is in a folder that does not exist ({shown_path(folder)})"
        if not folder.is_dir():
            return f"is under {shown_path(folder)}, which is not a folder"
        if path.exists():
            # replacing a file needs the file writable, not its folder
            return None if os.access(path, os.W_OK) else "exists and is not writable"
        if not os.access(folder, os.W_OK | os.X_OK):
            return f"is in a folder that is not writable ({shown_path(folder)})"
        # access() trusts permission bits (and root passes them); a file that is
        # created and at once removed tells for sure, leaving nothing behind
        with tempfile.TemporaryFile(dir=folder):
            pass
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
        return f"cannot be written ({one_line_os(exc)})"
    return None


def one_line_os(exc):
    """An OSError's reason without its path (the message names the path already)."""
    return getattr(exc, "strerror", None) or " ".join(str(exc).split())


def check_writable(path, what="--out"):
    """Raise a `UsageError` unless the file `path` can be written."""
    problem = _write_problem(Path(path))
    if problem is not None:
        msg = f"`{what}` must be a file that can be written; {shown_path(path)} {problem}."
        raise UsageError(msg)


def out_path(text):
    """The ``--out`` path, checked before any work: a known format, writable.

    Parameters
    ----------
    text : str or None
        The option's value.

    Returns
    -------
    pathlib.Path or None
        None when there is no ``--out``.

    Raises
    ------
    UsageError
        If the suffix is not .csv, .json or .parquet (the last without pyarrow), the
        path is a folder, its folder does not exist or is not writable, or the file
        exists and is not writable.
    """
    if text is None:
        return None
    path = Path(text)
    suffix = path.suffix.lower()
    if suffix not in OUT_FORMATS:
        hint = " after a file name (seeds.csv)" if path.name.lower() in OUT_FORMATS else ""
        msg = f"`--out` must end in .csv, .json or .parquet{hint}; got {shown_path(text)}."
        raise UsageError(msg)
    if suffix == ".parquet" and importlib.util.find_spec("pyarrow") is None:
        msg = "writing Parquet needs pyarrow, which is not installed (pip install pyarrow)."
        raise UsageError(msg)
    check_writable(path)
    return path


def out_folder(text, what="--out"):
    """A folder to write files into (created later if needed), checked before any work.

    It must be a folder or not exist yet, and the nearest folder that exists on its
    path must be writable.
    """
    path = Path(text)
    problem = None
    try:
        existing = next((p for p in (path, *path.parents) if p.exists()), None)
        if existing == path and not path.is_dir():
            problem = "exists and is not a folder"
        elif existing is not None and not existing.is_dir():
            problem = f"is under {shown_path(existing)}, which is not a folder"
        elif existing is not None and not os.access(existing, os.W_OK | os.X_OK):
            problem = f"cannot be written: {shown_path(existing)} is not writable"
    except (OSError, ValueError) as exc:
        problem = f"cannot be checked ({one_line_os(exc)})"
    if problem is not None:
        msg = f"`{what}` must be a folder that can be written; {shown_path(text)} {problem}."
        raise UsageError(msg)
    return path


def binary_problem(path, size=1 << 16):
    """ "is a binary file" if the first `size` bytes of `path` hold a NUL byte, else None.

    Compressed files (by suffix) are not looked at: their reader decompresses them.
    """
    if Path(path).suffix.lower() in _COMPRESSED:
        return None
    with open(path, "rb") as fh:
        head = fh.read(size)
    return "is a binary file, not text" if b"\x00" in head else None


def read_text(path, what, kind):
    """The text of a small input file named by option `what` (UTF-8, a BOM allowed).

    Parameters
    ----------
    path : str
        The option's value.
    what : str
        The option, for messages (``"--seeds-file"``).
    kind : str
        What the file must be, for messages (``"a file of node labels"``).

    Raises
    ------
    UsageError
        If the path is missing, a folder, unreadable, binary or not UTF-8.
    """
    p = Path(path)
    where = f"`{what}` must be {kind}; {shown_path(path)}"
    try:
        if p.is_dir():
            problem = "is a folder"
        elif not p.exists():
            problem = "does not exist"
        elif not p.is_file():
            problem = "is not a regular file"
        else:
            data = p.read_bytes()
            problem = "is a binary file, not text" if b"\x00" in data else None
    except (OSError, ValueError) as exc:
        problem = f"could not be read ({one_line_os(exc)})"
    if problem is not None:
        raise UsageError(f"{where} {problem}.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        msg = f"{where} is not UTF-8 text ({exc.reason} at byte {exc.start})."
        raise UsageError(msg) from None
