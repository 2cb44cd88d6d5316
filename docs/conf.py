"""Sphinx configuration of spread's documentation site.

Build it (offline, warnings as errors, nitpicky on cross-references)::

    pip install -e ".[docs]"
    python -m sphinx -W --keep-going -n -b html docs docs/_build/html

The API pages are generated from the ``__all__`` of each public module (see
`write_api_pages`), so a name added to ``__all__`` gets its page at the next build.
The notebooks (docs/notebooks, a link to ../notebooks) are executed at build time in
their quick mode (``SPREAD_NOTEBOOK_QUICK=1``).
"""

import hashlib
import importlib
import importlib.util
import inspect
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from docutils import nodes
from sphinx.ext.autosummary import AutoLink
from sphinx.util import logging

import spread

logger = logging.getLogger(__name__)

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent

# The notebooks' quick switch. Their kernels inherit this environment: they draw with
# the inline backend, so every figure is kept as an output (CI exports MPLBACKEND=Agg,
# which would leave the pages without figures). sphinx-gallery draws with Agg itself.
os.environ["SPREAD_NOTEBOOK_QUICK"] = "1"
os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
# The notebooks' kernels import this checkout's spread, whatever else is installed.
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))

project = "spread"
author = "The spread developers"
copyright = "The spread developers"
version = release = spread.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_nb",
    "sphinx_gallery.gen_gallery",
]

source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
templates_path = ["_templates"]
exclude_patterns = [
    "_build",
    "_generated",  # fragments included by other pages
    "gallery",  # sphinx-gallery's sources; the rendered pages are in auto_gallery/
    "auto_gallery/*.ipynb",
    "auto_gallery/*.py",
    "notebooks/img",
    "**/.ipynb_checkpoints",
]

# -- Cross-references --------------------------------------------------------------------
# Our docstrings follow numpydoc: single backticks name either an object (`simulate`,
# `spread.Graph`) or a parameter (`rng`). The "autolink" role (numpy's and scipy's
# default) links the first when it imports and renders the second in italics. A name that
# imports but has no page (a private module, a typo'd attribute) is a broken link, and
# nitpicky mode turns it into an error.
default_role = "spreadlink"  # autolink, strict about spread's own dotted names (below)
nitpicky = True
# External names resolve through small inventories bundled in docs/_inv (written by
# docs/_inv/make_inventories.py with the projects' documented URLs), so the build needs no
# network. Names outside them that docstrings mention in a type are listed here.
nitpick_ignore_regex = [
    # Private modules and names (spread._random, spread._common.MAX_WORK) have no pages; a
    # docstring may still name one for the reader who opens the source.
    (r"py:.*", r"spread\.(\w+\.)*_\w+.*"),
]
# The benchmark result files (docs/benchmarks, copied verbatim) start at level-2 headings.
suppress_warnings = ["myst.header"]

intersphinx_mapping = {
    name: (url, str(DOCS / "_inv" / f"{name}.inv"))
    for name, url in {
        "python": "https://docs.python.org/3/",
        "numpy": "https://numpy.org/doc/stable/",
        "scipy": "https://docs.scipy.org/doc/scipy/",
        "pandas": "https://pandas.pydata.org/docs/",
        "networkx": "https://networkx.org/documentation/stable/",
        "matplotlib": "https://matplotlib.org/stable/",
        "distributed": "https://distributed.dask.org/en/stable/",
    }.items()
}

# -- API pages ---------------------------------------------------------------------------
autosummary_generate = True
autosummary_imported_members = True
autodoc_default_options = {"member-order": "groupwise"}
autodoc_typehints = "none"  # numpydoc's Parameters sections carry the types
numpydoc_show_class_members = False
numpydoc_xref_param_type = True
# Link only the type words listed here (every other word of a type stays plain text).
numpydoc_xref_ignore = "all"
numpydoc_xref_aliases = {
    # ours
    "Graph": "spread.Graph",
    "LoadReport": "spread.LoadReport",
    "IC": "spread.IC",
    "LT": "spread.LT",
    "CTIC": "spread.CTIC",
    "SIR": "spread.SIR",
    "Heat": "spread.Heat",
    "SpreadResult": "spread.SpreadResult",
    "SpreadResults": "spread.SpreadResults",
    "HeatResult": "spread.HeatResult",
    "SeedSelection": "spread.SeedSelection",
    "Trend": "spread.Trend",
    "Cascades": "spread.Cascades",
    "FitResult": "spread.FitResult",
    "FitBootstrap": "spread.fit.FitBootstrap",
    "ConfidenceInterval": "spread.ConfidenceInterval",
    "Dataset": "spread.datasets.Dataset",
    # theirs
    "ndarray": "numpy.ndarray",
    "Generator": "numpy.random.Generator",
    "SeedSequence": "numpy.random.SeedSequence",
    "DataFrame": "pandas.DataFrame",
    "Series": "pandas.Series",
    "Timestamp": "pandas.Timestamp",
    "Axes": "matplotlib.axes.Axes",
    "Client": "distributed.Client",
    "dask.distributed.Client": "distributed.Client",
    "DiGraph": "networkx.DiGraph",
    "DatetimeIndex": "pandas.DatetimeIndex",
}


def _inventory_names():
    """The Python names of the bundled inventories (docs/_inv/make_inventories.py)."""
    spec = importlib.util.spec_from_file_location("_inv", DOCS / "_inv" / "make_inventories.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [
        name
        for _, _, entries in module.INVENTORIES.values()
        for name, role, _ in entries
        if ":" not in role and "." in name
    ]


# A type written out in full (pandas.DataFrame, networkx.Graph) links too. (numpydoc
# leaves an alias equal to its own name as plain text; the leading dot makes the target
# differ from the title, and Sphinx strips it before resolving.)
for _name in _inventory_names():
    numpydoc_xref_aliases.setdefault(_name, "." + _name)

# Public modules, in the order their names get their one page: a name exported by
# several (spread.Trend is spread.fit.Trend) is documented where it first appears and
# listed, as an alias, by the others.
API_MODULES = {
    "spread": "The package: graphs, models, simulation, seed selection, data types, errors.",
    "spread.models": "The simulation kernel's interface, for libraries built on spread.",
    "spread.fit": "Fitting models to observed trends and cascades.",
    "spread.plot": "Figures; every result's ``plot`` method draws with these.",
    "spread.datasets": "The bundled datasets.",
    "spread.io": "Edge-list files.",
    "spread.exceptions": "Errors and warnings.",
    "spread.weights": "Arc weights for the models.",
    "spread.parallel": "Random streams and parallel maps (for libraries built on spread).",
}


def _kind(obj):
    if inspect.isclass(obj):
        return "exception" if issubclass(obj, BaseException) else "class"
    if callable(obj):
        return "function"
    return "data"


SECTIONS = {
    "class": "Classes",
    "function": "Functions",
    "exception": "Errors and warnings",
    "data": "Constants",
}


ALIAS_ROLES = {
    "class": ("py:class", "class"),
    "exception": ("py:exception", "exc"),
    "function": ("py:function", "func"),
    "data": ("py:data", "data"),
}


def write_api_pages():
    """Write docs/api/<module>.rst from each module's ``__all__`` (autosummary does the rest)."""
    out = DOCS / "api"
    out.mkdir(exist_ok=True)
    first = {}  # id(object) -> the full name that documents it
    pages = []
    for modname, blurb in API_MODULES.items():
        mod = importlib.import_module(modname)
        own = {kind: [] for kind in SECTIONS}
        aliases = []
        for name in mod.__all__:
            obj = getattr(mod, name)
            if inspect.ismodule(obj) or name.startswith("__"):
                continue
            key = id(obj) if (inspect.isclass(obj) or callable(obj)) else (modname, name)
            if key in first:
                aliases.append((name, _kind(obj), first[key]))
            else:
                first[key] = f"{modname}.{name}"
                own[_kind(obj)].append(name)
        lines = [f"``{modname}``", "=" * (len(modname) + 4), "", blurb, ""]
        lines += [
            f".. automodule:: {modname}",
            "   :no-members:",
            "",
            f".. currentmodule:: {modname}",
            "",
        ]
        for kind, title in SECTIONS.items():
            if own[kind]:
                lines += [
                    title,
                    "-" * len(title),
                    "",
                    ".. autosummary::",
                    "   :toctree: generated",
                    "   :nosignatures:",
                    "",
                    *(f"   {n}" for n in own[kind]),
                    "",
                ]
        if aliases:
            lines += ["Also exported here", "------------------", ""]
            for name, kind, target in aliases:
                directive, role = ALIAS_ROLES[kind]
                lines += [
                    f".. {directive}:: {name}",
                    "   :no-index-entry:",
                    "",
                    f"   The same object as :{role}:`{target}`.",
                    "",
                ]
        (out / f"{modname}.rst").write_text("\n".join(lines))
        pages.append(modname)
    index = [
        "API reference",
        "=============",
        "",
        "One page per public name, generated from the docstrings. Every public module:",
        "",
        ".. toctree::",
        "   :maxdepth: 1",
        "",
        *(f"   {m}" for m in pages),
        "",
    ]
    (out / "index.rst").write_text("\n".join(index))


write_api_pages()


class SpreadLink(AutoLink):
    """The autolink role, strict about names that can only be objects.

    autolink links a name that imports from the current module and prints any other in
    italics. Here a name that imports nowhere but is spread's dotted path
    (`spread.fit.cascades.fit_ic`, a typo) is a warning, and a capitalized name
    (`Trend` in a module that does not import it) is still looked up, among the public
    names (`_resolve_or_read_as_name`), and is a warning if it is none of them.
    """

    def run(self):
        objects, errors = super().run()
        text = self.text.lstrip("~.")
        if objects and isinstance(objects[0], nodes.emphasis):
            if text.startswith("spread."):
                logger.warning("no such object: %s", text, location=self.get_location())
            elif re.fullmatch(r"[A-Z]\w+(\.\w+)*", text):  # not a one-letter parameter (A, G)
                return self.env.get_domain("py").role("obj")(
                    "obj", self.rawtext, self.text, self.lineno, self.inliner, {}, []
                )
        return objects, errors


def _resolve_or_read_as_name(app, env, node, contnode):
    """Resolve what the default role left unresolved, or read it as a parameter name.

    A single-backtick name in a docstring is an object or a parameter (numpydoc's
    convention). Two cases resolve here: a name re-exported by several modules, written
    relative to one that lists it as an alias (`FitResult.conf_int` in spread.fit), and a
    capitalized name relative to the package (`Graph` in spread.io). A bare lower-case or
    private name that the context did not resolve (`graph`, `rng`, `_helper`) is a
    parameter or a local name and stays plain text; any other miss (a dotted or
    capitalized name) remains a warning.
    """
    if node.get("refdomain") != "py" or node.get("reftype") != "obj":
        return None
    target = node["reftarget"]
    if "." not in target and (target[:1].islower() or target.startswith("_")):
        return contnode
    domain = env.get_domain("py")
    alias = numpydoc_xref_aliases.get(target, "").lstrip(".")  # DiGraph: networkx.DiGraph
    candidates = [f"{prefix}{target}" for prefix in ["", *(f"{m}." for m in API_MODULES)]]
    if alias:
        candidates.insert(0, alias)
    # An attribute described in its class's Attributes section (`HeatResult.error_bound`)
    # links to the class.
    head, _, attr = target.rpartition(".")
    for name in [f"{prefix}{head}" for prefix in ["", *(f"{m}." for m in API_MODULES)]]:
        entry = domain.objects.get(name)
        if head and entry and entry.objtype == "class" and _has_attribute(name, attr):
            candidates.append(name)
    for name in candidates:
        if name in domain.objects or (name == alias and "." in alias):
            node["reftarget"] = name
            return domain.resolve_xref(
                env, node["refdoc"], app.builder, "obj", name, node, contnode
            ) or _intersphinx(app, env, node, contnode)
    return None


def _has_attribute(classname, attr):
    module, _, name = classname.rpartition(".")
    cls = getattr(importlib.import_module(module), name, None)
    fields = getattr(cls, "__dataclass_fields__", {})
    return attr in fields or attr in getattr(cls, "__annotations__", {}) or hasattr(cls, attr)


def _intersphinx(app, env, node, contnode):
    from sphinx.ext.intersphinx import missing_reference

    return missing_reference(app, env, node, contnode)


def setup(app):
    app.add_role("spreadlink", SpreadLink())
    app.connect("missing-reference", _resolve_or_read_as_name)


# -- Pages copied from the repository -----------------------------------------------------
# The notebooks and the benchmark results live outside docs/; they are copied in (into
# docs/notebooks and docs/benchmarks, both ignored by git) so their relative links, and the
# third notebook's read of ../benchmarks/RESULTS.md, work on the site as in the repository.
COPIED = {
    "notebooks": ["*.ipynb", "README.md", "img/*.png"],
    "benchmarks": ["*.md"],
}


# The copied index pages get a hidden table of contents, so that the site's navigation
# lists the notebooks under notebooks/README and the detailed results under RESULTS.
TOCTREES = {
    "notebooks/README.md": "0*",
    "benchmarks/RESULTS.md": "results_*",
}


def copy_pages():
    for folder, patterns in COPIED.items():
        for pattern in patterns:
            for src in sorted((ROOT / folder).glob(pattern)):
                dst = DOCS / folder / src.relative_to(ROOT / folder)
                data = src.read_bytes()
                glob = TOCTREES.get(f"{folder}/{src.name}")
                if glob:
                    data += f"\n```{{toctree}}\n:hidden:\n:glob:\n\n{glob}\n```\n".encode()
                if not dst.exists() or dst.read_bytes() != data:  # unchanged: keep the cache
                    dst.parent.mkdir(parents=True, exist_ok=True)
                    dst.write_bytes(data)


copy_pages()


def write_datasets_table():
    """docs/_generated/datasets.md: the bundled datasets, their sources and licences."""
    out = DOCS / "_generated"
    out.mkdir(exist_ok=True)
    rows = ["| Name | Dataset | Source to cite | Licence |", "|---|---|---|---|"]
    for d in spread.datasets.list().itertuples():
        cells = [f"`{d.name}`", d.title, d.citation, d.licence]
        rows.append("| " + " | ".join(str(c).replace("|", "/") for c in cells) + " |")
    (out / "datasets.md").write_text("\n".join(rows) + "\n")


write_datasets_table()

# -- The demo's report --------------------------------------------------------------------
# `spread demo` (the README's first command) writes a report with its figures; the site
# shows it as a page (docs/demo, ignored by git). It takes about a minute, so it is run
# again only when a file under spread/ has changed since the last report.


def write_demo_page():
    out = DOCS / "demo"
    digest = hashlib.sha256()
    for path in sorted((ROOT / "spread").rglob("*.py")):
        digest.update(path.relative_to(ROOT).as_posix().encode() + path.read_bytes())
    key = digest.hexdigest()
    stamp = out / ".source-sha256"
    if (out / "report.md").exists() and stamp.exists() and stamp.read_text() == key:
        return
    shutil.rmtree(out, ignore_errors=True)
    env = {**os.environ, "MPLBACKEND": "Agg"}
    cmd = [
        sys.executable,
        "-m",
        "spread",
        "demo",
        "--out",
        str(out),
        "--rng",
        "0",
        "--no-progress",
    ]
    subprocess.run(cmd, check=True, env=env, cwd=ROOT)
    stamp.write_text(key)


write_demo_page()

# -- Notebooks (myst-nb) -----------------------------------------------------------------
nb_execution_mode = "cache"  # executed once, then reused from docs/_build/.jupyter_cache
nb_execution_cache_path = str(DOCS / "_build" / ".jupyter_cache")
nb_execution_timeout = 900
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

# -- Gallery (sphinx-gallery) ------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": "gallery",
    "gallery_dirs": "auto_gallery",
    "filename_pattern": r"/plot_",
    "download_all_examples": False,
    "remove_config_comments": True,
    "show_memory": False,
    "plot_gallery": "True",
    "within_subsection_order": "FileNameSortKey",
}

# -- HTML --------------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"spread {release}"
html_static_path = []
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
}
html_sidebars = {"index": []}
