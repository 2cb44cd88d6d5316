"""Mutation testing for spread's number-carrying modules (issue 20): a small tool of our own.

Each mutant changes one node of one file (``a < b`` -> ``a <= b``, ``x += 1`` -> ``pass``,
...), written into the checkout by replacing that node's exact source bytes, so every
other byte (and every line number) stays as it was. The focused tests of the module then
run against it; a mutant they do not notice *survived* and points at a missing test (or
is equivalent: no input can tell it from the original). See ``tests/MUTATION.md``.

Run from the repository root (never collected by pytest: no ``test_`` prefix, and
nothing runs at import)::

    python tests/mutation.py spread/im/_coverage_kernels.py
    python tests/mutation.py spread/models/_ic_lt_kernels.py --lines 140-180 --limit 20
    python tests/mutation.py --survivors          # triage the survivors of the last run

Numba kernels use ``cache=True``: every mutant runs with a Numba cache of its own (a copy
of the baseline's warm cache without any entry of the mutated file), its own bytecode
cache, and the mutated file gets a fresh modification time; the original file is always
written back (also on Ctrl-C), again with a fresh modification time.
"""

from __future__ import annotations

import argparse
import ast
import bisect
import dataclasses
import fnmatch
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

# ----------------------------------------------------------------------------- which tests

# Module (glob, relative to the repo root) -> the focused test files that exercise it.
# The first matching pattern wins; missing test files are skipped (some are on their way).
# Within a list the quicker, sharper files come first: `-x` stops at the first failure.
TEST_MAP = [
    (
        "spread/models/_ic_lt_kernels.py",
        "tests/test_random.py tests/test_batch.py tests/test_model_extensions.py "
        "tests/test_simulate.py",
    ),
    ("spread/models/_heat_kernels.py", "tests/test_heat.py"),
    # CTIC, SIR with any laws (ctic_batch with recovery) and TemporalIC (temporal_batch);
    # the law codes that the event SIS kernel and the RR-set sampler copy.
    (
        "spread/models/_ctic_kernels.py",
        "tests/test_ctic.py tests/test_temporal.py tests/test_sir.py "
        "tests/test_sis_events.py::test_the_law_codes_and_the_table_quantile_are_ctics",
    ),
    # Event-driven SIS (any laws, contacts); test_sis_events holds the replay tests.
    ("spread/models/_sis_event_kernels.py", "tests/test_sis_events.py tests/test_sis.py"),
    # Gillespie and discrete SIS; test_sis_events compares exponential laws with it.
    ("spread/models/_sis_kernels.py", "tests/test_sis.py tests/test_sis_events.py"),
    ("spread/models/heat.py", "tests/test_heat.py"),
    (
        "spread/models/*.py",
        "tests/test_batch.py tests/test_model_extensions.py tests/test_simulate.py",
    ),
    # The golden record pins the random streams bit for bit (which RR sets are drawn; its
    # horizon case, the heap's order among equal keys); test_im_horizon holds the CTIC
    # and temporal samplers' tests (their replays), and
    # test_temporal checks temporal RR sets against time-respecting reachability.
    (
        "spread/im/_rrset_kernels.py",
        "tests/test_random.py tests/test_im_horizon.py tests/test_im_machinery.py "
        "tests/test_maximize.py tests/test_golden.py::test_golden[maximize_rr] "
        "tests/test_golden.py::test_golden[influence_index_horizon] "
        "tests/test_temporal.py::test_rr_sets_with_p_one_are_reverse_reachability",
    ),
    ("spread/im/heat.py", "tests/test_heat.py tests/test_maximize.py"),
    # The greedy and the prefix counts (test_im_machinery), the budgeted greedy and its
    # bound (test_im_budget) and the InfluenceIndex kernels (test_im_index).
    (
        "spread/im/_coverage_kernels.py",
        "tests/test_im_machinery.py tests/test_im_budget.py tests/test_im_index.py "
        "tests/test_maximize.py tests/test_golden.py::test_golden[maximize_rr] "
        "tests/test_golden.py::test_golden[maximize_celf_and_heuristics]",
    ),
    # The influence oracle: its queries, save/load and targets (test_im_index,
    # test_im_budget), its horizon (test_temporal) and its golden answers.
    (
        "spread/im/index.py",
        "tests/test_im_index.py tests/test_im_budget.py "
        "tests/test_temporal.py::test_the_influence_index_matches_forward_runs "
        "tests/test_golden.py::test_golden[influence_index_horizon]",
    ),
    # The RR-set collection and its samplers' setup: sizes, growth and memory
    # (test_im_machinery), targets and budgets (test_im_budget, test_im_index), the
    # horizon (test_im_horizon), bit for bit which sets are drawn (golden), and the size
    # of a Dask task (test_parallel's one test that needs no cluster).
    (
        "spread/im/rrsets.py",
        "tests/test_im_machinery.py tests/test_im_budget.py tests/test_im_index.py "
        "tests/test_im_horizon.py tests/test_maximize.py "
        "tests/test_golden.py::test_golden[maximize_rr] "
        "tests/test_golden.py::test_golden[influence_index_horizon] "
        "tests/test_parallel.py::test_rr_tasks_hold_about_64_mib_of_sets_at_most",
    ),
    (
        "spread/im/_ic_sampler.py",
        "tests/test_im_machinery.py tests/test_random.py tests/test_maximize.py "
        "tests/test_golden.py::test_golden[maximize_rr]",
    ),
    # IMM and OPIM-C (and the rest): their sizes and bounds (test_im_machinery), budgets
    # and audiences (test_im_budget), and what they choose (test_maximize, golden).
    (
        "spread/im/*.py",
        "tests/test_im_machinery.py tests/test_im_budget.py tests/test_maximize.py "
        "tests/test_golden.py::test_golden[maximize_rr] "
        "tests/test_golden.py::test_golden[maximize_celf_and_heuristics]",
    ),
    ("spread/weights.py", "tests/test_weights.py"),
    ("spread/_random.py", "tests/test_random.py"),
    ("spread/fit/*netrate*.py", "tests/test_fit_netrate.py tests/test_intervals.py"),
    # The Hawkes problems (and, for the binned one's regressors, test_fit_regressors).
    (
        "spread/fit/*hawkes*.py",
        "tests/test_fit_hawkes.py tests/test_intervals.py tests/test_fit_regressors.py",
    ),
    ("spread/fit/*curve*.py", "tests/test_fit_curves.py tests/test_intervals.py"),
    ("spread/fit/_settings.py", "tests/test_fit_settings.py"),
    # The estimators' shared layer: derivatives, bounds, Wald intervals, the result's
    # assembly (test_fit_problem, on toy problems) and the fits' intervals.
    ("spread/fit/_problem.py", "tests/test_fit_problem.py tests/test_intervals.py"),
    # FitResult: the forecast bands, the parameter draws, the intervals' dispatch.
    (
        "spread/fit/_result.py",
        "tests/test_fit_problem.py tests/test_intervals.py tests/test_fit_curves.py",
    ),
    (
        "spread/fit/_losses.py",
        "tests/test_fit_losses.py tests/test_fit_curves.py tests/test_fit_trend.py",
    ),
    # TrendProblem: the network estimators' trend fits (IC, LT, CTIC).
    (
        "spread/fit/_trend_problem.py",
        "tests/test_fit_network.py tests/test_fit_ctic.py tests/test_intervals.py",
    ),
    ("spread/fit/*trend*.py", "tests/test_fit_trend.py tests/test_intervals.py"),
    # The per-node targets of the cascade estimators (IC and NetRate with `granular`).
    # The cascade fits' solver: its pieces and KKT tests (test_fit_cascades,
    # test_fit_netrate) and, bit for bit, the fits it makes (golden cascade_fits, netrate).
    (
        "spread/fit/*target*.py",
        "tests/test_fit_cascades.py tests/test_fit_netrate.py "
        "tests/test_golden.py::test_golden[cascade_fits] tests/test_golden.py::test_golden[netrate]",
    ),
    (
        "spread/fit/*exposure*.py",
        "tests/test_fit_cascades.py tests/test_fit_trend.py tests/test_intervals.py",
    ),
    ("spread/fit/*dmp*.py", "tests/test_fit_network.py"),
    ("spread/fit/*popularity*.py", "tests/test_fit_popularity.py"),
    ("spread/fit/forecast.py", "tests/test_fit_trend.py tests/test_intervals.py"),
    (
        "spread/fit/*.py",
        "tests/test_fit_cascades.py tests/test_fit_network.py tests/test_intervals.py",
    ),
]

# Tests that compare one Numba thread with two: they cannot pass with NUMBA_NUM_THREADS=1,
# so they are deselected when mutants run on one thread (`--threads 2` keeps them).
NEEDS_TWO_THREADS = [
    "tests/test_simulate.py::test_same_rng_same_answer_on_one_or_two_threads",
    "tests/test_batch.py::test_every_path_gives_the_same_runs",
]

# The exposure kernel's count buffers: their first size, and growth to at least k + 1
# (by any factor, or padded longer than `size`): every write stays below `size`.
_EXPOSURE_BUFFER = (
    "the buffers only need at least k + 1 slots at every write; a different first size,"
    " growth factor or longer padding gives the same counts (tests/MUTATION.md)"
)

# A zero factor left in a message that should leave it out: the message i -> l whose
# reverse factor l -> i is i's only zero becomes 1. That factor is zero only when l is
# surely active, and the error passes on only into nodes that are surely active too.
_DMP_ONE_ZERO = (
    "a message i -> l whose reverse factor is i's one zero becomes 1, when l is surely"
    " active already; the error passes only into surely active nodes, so no marginal"
    " changes (tests/MUTATION.md)"
)

# The conjugate-gradient solve's cap on its iterations, 10 d + 50: CG ends in at most m <= d
# iterations in exact arithmetic (260 of 260 on a chain of condition 4e4, a test's case);
# a cap of 9 d + 49 to 11 d + 51 only ends a solve stuck 9x past that.
_CG_CAP = (
    "conjugate gradients end within m <= d iterations (exact arithmetic); a cap between"
    " 9 d + 49 and 11 d + 51 ends none that 10 d + 50 would not"
    " (tests/MUTATION.md)"
)

# Where the coupled Newton system goes: Cholesky up to _DENSE_MAX coordinates, conjugate
# gradients past it; both solve the same system (the CG one to 1e-10 relative residual).
_DENSE_SWITCH = (
    "Cholesky and conjugate gradients solve the same Newton system; moving the switch by"
    " one coordinate changes no step beyond CG's 1e-10 residual (tests/MUTATION.md)"
)

# A singular coupled Hessian is retried with a ridge of 1e-12 times its largest curvature,
# growing 100-fold per failure, up to 30 tries. The Hessian is positive semidefinite
# (penalties >= 0, -phi'' >= 0), so the first ridge always factors (rounding in a factor
# of at most 200 rows is about 200 x 2.2e-16 of the largest entry): the growth and the
# count of tries are never reached.
_RIDGE_GROWTH = (
    "a positive semidefinite Hessian plus 1e-12 of its largest entry always factors"
    " (rounding is about 4e-14 of it at 200 rows), and conjugate gradients never refuse"
    " it (q'(H + ridge I)q >= ridge |q|^2 > 0): the ridge's growth and the number of"
    " tries are never reached (tests/MUTATION.md)"
)

# InfluenceIndex.build samples its sets in batches, one progress update each: set i comes
# from its own place in the stream whatever the batches (a test builds with batches of
# 1,000 and of the default and compares), and the bar ends at n_rr_sets either way.
_INDEX_BATCH = (
    "the batch size paces the progress bar only: the same sets in batches of any size"
    " (test_the_build_counts_its_sets_on_its_bar_and_does_not_depend_on_its_batches)"
)

# Projected Newton's path (solve_blocks): which coordinates are held, moved by a scaled
# gradient or given the Newton step. At the equality cases of the epsilon-active set (x
# exactly eps or upper - eps, a gradient exactly 0), for the diagonal floor of a coordinate
# with no curvature (linear in it: any step past its bound is projected onto the bound),
# and for a held coordinate that a fallback step pushes outward (projected back), only the
# path changes: the block ends at the same optimum (the golden cascade and NetRate fits,
# bit for bit, and the KKT tests are unchanged).
_NEWTON_PATH = (
    "changes only projected Newton's path in an equality or degenerate case: the held or"
    " linear coordinate is projected back onto its bound, the optimum is the same"
    " (tests/MUTATION.md)"
)

# `_newton_step` always computes a step (the first ridge always works, _RIDGE_GROWTH), so
# what `not ok` selects never runs.
_NEWTON_OK = (
    "_newton_step always returns True (see _RIDGE_GROWTH): the branch for a failed"
    " Newton step never runs"
)

# With n_free + n_moving never 0, the all-held case goes through the Newton branch: a zero
# step, a zero decrement, and the same final status in the same iteration.
_ALL_HELD = (
    "every coordinate held then takes the Newton branch: zero step, zero decrement, the"
    " same status 0 in the same iteration"
    " (test_a_block_held_at_its_bounds_converges_in_one_iteration)"
)

# solve_blocks' standard errors: the diagonal of the inverse of a Hessian that Cholesky
# factored (every pivot positive) or CG solved to 1e-10 relative residual is at least
# 1 / H_ii > 0; an entry exactly 0, where `> 0` and `>= 0` differ, would need the
# substitutions to cancel it to the last bit.
_INVERSE_DIAGONAL = (
    "an inverse Hessian's diagonal entry is at least 1 / H_ii > 0, never exactly 0 after a"
    " factorisation or a converged CG solve (tests/MUTATION.md)"
)

# The Gillespie SIS kernel compares draws and event times with rates and bin ends: `u` is
# a multiple of 2**-53 and `t` a sum of such draws' logarithms over rates, so each
# equality has probability about 2**-53 per comparison (no seed to be found for a test).
_SIS_TIE = (
    "equality of a 53-bit draw (or an event time) with a rate ratio or a bin end:"
    " probability about 2**-53 per comparison (tests/MUTATION.md)"
)
_ONE_PARAMETER = "a delay law's parameter shared by every arc (or node) is an array of length 1: index -1 is index 0"
# The event SIS kernel without contacts: an arc's contact cursor and its contacts' end
# are passed along and stored, never read (`_transmission` reads them over contacts only,
# where `_first_after` sets the cursor).
_STATIC_CURSOR = "without contacts the cursor and the contacts' end are never read"
# `sis_events_batch`'s scratch: n sizes the chunk's node arrays and its queue (n + m
# slots); `_sis_events` reads n from indptr itself, so longer buffers change nothing.
_BATCH_SCRATCH = "n only sizes the chunk's scratch arrays: one or two slots longer change nothing"
# A run's tag marks its infected and ever-infected nodes in the chunk's arrays (zeroed
# once): any tags distinct within a chunk and nonzero do (i + lo + 1, i - lo + 2).
_RUN_TAGS = "the runs' tags stay distinct within a chunk and nonzero, all the arrays need"
# CTIC's and TemporalIC's runs pop nodes by arrival time from an indexed heap; the order
# in which it hands out equal times does not matter: every coin, delay and period is
# indexed by its arc or node (no sequential stream), and a node's time is the smallest
# over its in-arcs whichever tail is popped first.
_CTIC_TIES = (
    "the heap's order among equal arrival times: every draw is indexed by arc or node,"
    " so no time, count or bin depends on it"
)
# CTIC's and TemporalIC's sift-down runs only after a pop, which moves the last node v
# to the root and leaves it in heap[size] too (writes stay below size): a child at
# `size`, taken or compared, is v itself, and reaching it stops the sift where it stops.
_SIFT_PAST_SIZE = (
    "the slot at size still holds the node being sifted (moved from there by the pop):"
    " taking or comparing it stops the sift where the original stops"
)
# CTIC's and TemporalIC's pop at size 0 (the heap just emptied): the move and the
# sift-down write heap[0] and pos[u] = 0 for the node just popped, which is done (pos is
# read only for nodes with a tentative time).
_EMPTIED_HEAP = (
    "with the heap emptied the move and sift-down only write pos = 0 for the node just popped"
)
_CLAMP = (
    "u <= 1 - 2**-53, so u * n rounds below n for every n < 2**53: the clamp at n - 1"
    " never binds, nor one at n + 1 or n"
)

# Heat's threads and blocks change only the time: each node's update reads its in-arcs
# alone (no sum across threads), and each source column of a block is swept alone.
_HEAT_THREADS = (
    "threads (or the switch at a million arcs) change only the time: each node's update"
    " reads its in-arcs alone, bit for bit the same on any number of threads"
    " (test_heat_is_the_same_on_one_thread_or_all)"
)
_HEAT_PASSES = (
    "more powers computed than any window reads: the kernel adds a term only where"
    " 0 <= k - start < the window's length, so extra passes change nothing"
)

# The Poisson grid ends at k1 = lam + 40 sd + 60, where the mass is below 1e-300.
_POISSON_GRID_END = (
    "the grid's last index moved by one where the Poisson mass is below 1e-300 (lam + 40 sd"
    " + 60): the term is below double precision against the sum, and the window never"
    " reaches it"
)

# `shared_in_probability` reads the in-arcs in blocks of about `_BLOCK_SLOTS` in-slots.
_BLOCK_SIZE = (
    "the block's size trades time for memory: any block of at least one node gives the"
    " same answer (test_shared_in_probability_reads_the_arcs_in_blocks), and the memory"
    " test pins one block (one hub) at a time, not its exact number of slots"
)

# Survivors shown to be equivalent (no input can tell them from the original), keyed by
# (file, "previous line | mutated line" (both stripped), "original -> mutated"), so that a
# key survives edits elsewhere in the file; the full argument is in tests/MUTATION.md.
# Where the mutated line holds two mutants with the same change, the change carries the
# column of the equivalent one, as printed: "< -> <= @47".
# Such a mutant still runs: if the tests kill it, the note is stale and the tool says so.
# Where `_sigmoid_diff` switches between its two forms: at |mid| <= 1 the larger term of
# either form lies in [0.27, 1], so both lose at most an ulp or two of 1, and a switch
# at -1, 0 or 1 gives the same bins to rounding; cancellation only matters in a tail
# (both terms near 1), which test_fit_curves pins.
_SIGMOID_BRANCH = (
    "either form is exact to rounding where |mid| <= 1; the switch point only matters in"
    " the tails (tests/MUTATION.md)"
)
# The Gompertz curve caps exp's argument to avoid overflow: any cap between about 37
# (where -expm1(-u) is 1.0 exactly) and 709 (exp's overflow) gives the same bins.
_GOMPERTZ_CAP = (
    "past u = e^37, -expm1(-u) is 1.0 exactly: a cap of 699, 700 or 701 gives the same"
    " bins, and none overflows"
)

# The exact Hawkes likelihood's guard on exp: the optimizer stays in the search box,
# whose log ends lie within 20 of log(n / T), log(1 / T) or 0 (test_fit_hawkes pins the
# box), far inside +-699 for any window and count a float holds; 699-701 are all finite.
_HAWKES_CAP = (
    "the fit's parameters stay in the search box, far inside exp's +-699; a cap of 699,"
    " 700 or 701 never binds"
)

EQUIVALENT = {
    (
        "spread/fit/_hawkes_problems.py",
        " | def nll(self, x): | mu, alpha, beta = np.exp(np.clip(x, -700, 700))",
        "700 -> 701",
    ): _HAWKES_CAP,
    (
        "spread/fit/_hawkes_problems.py",
        " | def nll(self, x): | mu, alpha, beta = np.exp(np.clip(x, -700, 700))",
        "700 -> 699",
    ): _HAWKES_CAP,
    (
        "spread/fit/_hawkes_problems.py",
        " | def grad(self, x): | nat = np.exp(np.clip(x, -700, 700))",
        "700 -> 701",
    ): _HAWKES_CAP,
    (
        "spread/fit/_hawkes_problems.py",
        " | def grad(self, x): | nat = np.exp(np.clip(x, -700, 700))",
        "700 -> 699",
    ): _HAWKES_CAP,
    (
        "spread/fit/_hawkes_problems.py",
        "inside = np.minimum(t, self.t_end) | "
        "out = self._compensator(theta, inside, a_state) | "
        "future = t > self.t_end",
        "> -> >=",
    ): "at t = t_end the future part is _future_mean(d = 0), exactly 0",
    (
        "spread/fit/_curve_models.py",
        '"""``expit(b) - expit(a)`` without cancellation in either tail.""" | '
        "mid = 0.5 * (a + b) | "
        "return np.where(mid < 0, expit(b) - expit(a), expit(-a) - expit(-b))",
        "< -> <=",
    ): _SIGMOID_BRANCH,
    (
        "spread/fit/_curve_models.py",
        '"""``expit(b) - expit(a)`` without cancellation in either tail.""" | '
        "mid = 0.5 * (a + b) | "
        "return np.where(mid < 0, expit(b) - expit(a), expit(-a) - expit(-b))",
        "0 -> 1",
    ): _SIGMOID_BRANCH,
    (
        "spread/fit/_curve_models.py",
        '"""``expit(b) - expit(a)`` without cancellation in either tail.""" | '
        "mid = 0.5 * (a + b) | "
        "return np.where(mid < 0, expit(b) - expit(a), expit(-a) - expit(-b))",
        "0 -> (-1)",
    ): _SIGMOID_BRANCH,
    (
        "spread/fit/_curve_models.py",
        "def mean(self, theta, n_total, y=None): | "
        "edges = np.arange(n_total + 1, dtype=np.float64) | "
        'u = np.exp(np.clip(-theta["c"] * (edges - theta["tm"]), -700, 700))',
        "700 -> 701",
    ): _GOMPERTZ_CAP,
    (
        "spread/fit/_curve_models.py",
        "def mean(self, theta, n_total, y=None): | "
        "edges = np.arange(n_total + 1, dtype=np.float64) | "
        'u = np.exp(np.clip(-theta["c"] * (edges - theta["tm"]), -700, 700))',
        "700 -> 699",
    ): _GOMPERTZ_CAP,
    (
        "spread/fit/_curve_models.py",
        'size_name = "N" | size_label = "the population" | n_sub = 4',
        "4 -> 5",
    ): "five RK4 substeps per bin integrate the SIR equations more finely than four: no less correct (test_fit_curves' accuracy bound fails at three)",
    (
        "spread/im/rrsets.py",
        '""" | n = self.graph.n_nodes | threads = max(self.n_threads, 1)',
        "1 -> 0",
    ): "every caller passes thread_count(n_jobs) (or the default 1), which is at least 1:"
    " max(n_threads, 0) is n_threads",
    (
        "spread/im/rrsets.py",
        "start = self.first + self._n_sets | stop = self.first + target | "
        "bounds = _split(start, stop, max(self.n_threads, 1))",
        "1 -> 0",
    ): "every caller passes thread_count(n_jobs) (or the default 1), which is at least 1:"
    " max(n_threads, 0) is n_threads",
    (
        "spread/im/_objective.py",
        "n_afford = int(afford.sum()) | cheap = np.cumsum(np.sort(costs[afford])) | "
        'k_max = max(int(np.searchsorted(cheap, budget, side="right")), 1)',
        "1 -> 0",
    ): "the budget affords an eligible node (`affordable` raises before, and log C(0, j)"
    " fails otherwise): the cheapest cost is <= budget, so searchsorted is >= 1 already",
    (
        "spread/im/rrsets.py",
        "and `reserve` slots more (`RRSets`: the IC kernel makes room for a node's in-arcs at | "
        'once, so the largest in-degree).""" | '
        "return int(max(16, avg * n_sets * 1.25)) + reserve",
        "16 -> 17",
    ): "the first buffer's floor: a kernel grows a buffer that runs short, and"
    " working_bytes counts the same _capacity, so any small floor gives the same sets and"
    " a consistent account",
    (
        "spread/im/rrsets.py",
        "and `reserve` slots more (`RRSets`: the IC kernel makes room for a node's in-arcs at | "
        'once, so the largest in-degree).""" | '
        "return int(max(16, avg * n_sets * 1.25)) + reserve",
        "16 -> 15",
    ): "the first buffer's floor: a kernel grows a buffer that runs short, and"
    " working_bytes counts the same _capacity, so any small floor gives the same sets and"
    " a consistent account",
    (
        "spread/im/opim.py",
        "reach = n / k | if goal is not None: | "
        "reach = goal.scale / goal.opt_floor if goal.opt_floor > 0 else float(max(n, 1))",
        "1 -> 2",
    ): "a zero floor needs a target whose weighted nodes are all ineligible and an eligible"
    " node besides (k >= 1): n >= 2, where max(n, 0), max(n, 1) and max(n, 2) are all n",
    (
        "spread/im/opim.py",
        "reach = n / k | if goal is not None: | "
        "reach = goal.scale / goal.opt_floor if goal.opt_floor > 0 else float(max(n, 1))",
        "1 -> 0",
    ): "a zero floor needs a target whose weighted nodes are all ineligible and an eligible"
    " node besides (k >= 1): n >= 2, where max(n, 0), max(n, 1) and max(n, 2) are all n",
    (
        "spread/im/_ic_sampler.py",
        "deg = graph.in_degree | "
        "head = np.repeat(np.arange(graph.n_nodes, dtype=np.int32), deg) | "
        "mean_p = np.bincount(head, weights=p_in, minlength=graph.n_nodes) / np.maximum(deg, 1)",
        "1 -> 2",
    ): "max(deg, 2) changes only the mean of a node with one in-arc, which is never read"
    " (only nodes with at least _SUBSET_MIN_DEGREE = 16 in-arcs are subset-sampled)",
    (
        "spread/im/_ic_sampler.py",
        "SAMPLER_BYTES_PER_NODE = 16 | SAMPLER_BYTES_PER_SLOT = 36 | "
        "_BLOCK_SLOTS = 1 << 22  # in-slots read at a time by `shared_in_probability`",
        "1 -> 2",
    ): _BLOCK_SIZE,
    (
        "spread/im/_ic_sampler.py",
        "SAMPLER_BYTES_PER_NODE = 16 | SAMPLER_BYTES_PER_SLOT = 36 | "
        "_BLOCK_SLOTS = 1 << 22  # in-slots read at a time by `shared_in_probability`",
        "1 -> 0",
    ): _BLOCK_SIZE,
    (
        "spread/im/_ic_sampler.py",
        "SAMPLER_BYTES_PER_NODE = 16 | SAMPLER_BYTES_PER_SLOT = 36 | "
        "_BLOCK_SLOTS = 1 << 22  # in-slots read at a time by `shared_in_probability`",
        "<< -> >>",
    ): _BLOCK_SIZE,
    (
        "spread/im/_ic_sampler.py",
        "SAMPLER_BYTES_PER_NODE = 16 | SAMPLER_BYTES_PER_SLOT = 36 | "
        "_BLOCK_SLOTS = 1 << 22  # in-slots read at a time by `shared_in_probability`",
        "22 -> 23",
    ): _BLOCK_SIZE,
    (
        "spread/im/_ic_sampler.py",
        "SAMPLER_BYTES_PER_NODE = 16 | SAMPLER_BYTES_PER_SLOT = 36 | "
        "_BLOCK_SLOTS = 1 << 22  # in-slots read at a time by `shared_in_probability`",
        "22 -> 21",
    ): _BLOCK_SIZE,
    (
        "spread/im/_ic_sampler.py",
        "a = 0 | while a < n: | "
        'b = int(np.searchsorted(indptr, indptr[a] + _BLOCK_SLOTS, side="right")) - 1',
        "+ -> -",
    ): _BLOCK_SIZE,
    (
        "spread/im/_ic_sampler.py",
        "a = 0 | while a < n: | "
        'b = int(np.searchsorted(indptr, indptr[a] + _BLOCK_SLOTS, side="right")) - 1',
        "1 -> 2",
    ): _BLOCK_SIZE,
    (
        "spread/im/_ic_sampler.py",
        "a = 0 | while a < n: | "
        'b = int(np.searchsorted(indptr, indptr[a] + _BLOCK_SLOTS, side="right")) - 1',
        "1 -> 0",
    ): _BLOCK_SIZE,
    (
        "spread/fit/_target_kernels.py",
        "n_moving = 0 | for i in range(d): | out_lo = grad[i] > 0.0 and x[i] <= eps",
        "> -> >=",
    ): _NEWTON_PATH,
    (
        "spread/fit/_target_kernels.py",
        "if ft <= f + 1e-4 * slope: | moved = True | break",
        "break -> continue",
    ): "continuing skips the halving (t *= 0.5 comes after the test): the same t, the same"
    " accepted trial, 60 times over; the loop then ends with that trial",
    (
        "spread/fit/_target_kernels.py",
        "if role[i] == 1 or (role[i] == 2 and not ok): | step[i] = grad[i] / diag[i] | "
        "elif role[i] == 0:",
        "0 -> 1",
    ): "a held coordinate's step is already 0: _newton_step zeroes every coordinate not free",
    (
        "spread/fit/_target_kernels.py",
        "if role[i] == 1 or (role[i] == 2 and not ok): | step[i] = grad[i] / diag[i] | "
        "elif role[i] == 0:",
        "0 -> (-1)",
    ): "a held coordinate's step is already 0: _newton_step zeroes every coordinate not free",
    (
        "spread/fit/_target_kernels.py",
        "step[i] = 0.0 | decrement += grad[i] * step[i] | if decrement <= tol and n_moving == 0:",
        "<= -> <",
    ): "a Newton decrement exactly equal to tol (1e-12) takes one more Armijo step from an"
    " optimum met to 1e-12: the same answer, one iteration later",
    (
        "spread/fit/_target_kernels.py",
        "scale = 1.0  # no curvature at all: the ridge alone sets the steps | "
        "for i in range(d): | "
        "diag[i] = hdiag[i] if hdiag[i] > 1e-12 * scale else 1e-12 * scale",
        "> -> >=",
    ): _NEWTON_PATH,
    (
        "spread/fit/_target_kernels.py",
        "scale = 1.0  # no curvature at all: the ridge alone sets the steps | "
        "for i in range(d): | "
        "diag[i] = hdiag[i] if hdiag[i] > 1e-12 * scale else 1e-12 * scale",
        "* -> / @56",
    ): _NEWTON_PATH,
    (
        "spread/fit/_target_kernels.py",
        "scale = 1.0  # no curvature at all: the ridge alone sets the steps | "
        "for i in range(d): | "
        "diag[i] = hdiag[i] if hdiag[i] > 1e-12 * scale else 1e-12 * scale",
        "* -> / @75",
    ): _NEWTON_PATH,
    (
        "spread/fit/_target_kernels.py",
        "z = min(max(x[i] - grad[i] / diag[i], 0.0), upper[p0 + i]) | "
        "eps = max(eps, abs(x[i] - z)) | "
        "n_free = 0",
        "0 -> 1",
    ): _ALL_HELD,
    (
        "spread/fit/_target_kernels.py",
        "for i in range(d): | "
        "out_lo = grad[i] > 0.0 and x[i] <= eps | "
        "out_hi = grad[i] < 0.0 and x[i] >= upper[p0 + i] - eps",
        "< -> <=",
    ): _NEWTON_PATH,
    (
        "spread/fit/_target_kernels.py",
        "for i in range(d): | "
        "out_lo = grad[i] > 0.0 and x[i] <= eps | "
        "out_hi = grad[i] < 0.0 and x[i] >= upper[p0 + i] - eps",
        ">= -> >",
    ): _NEWTON_PATH,
    (
        "spread/fit/_target_kernels.py",
        "out_hi = grad[i] < 0.0 and x[i] >= upper[p0 + i] - eps | "
        "if (out_lo and x[i] <= 0.0) or (out_hi and x[i] >= upper[p0 + i]): | "
        "role[i] = 0",
        "0 -> (-1)",
    ): _NEWTON_PATH,
    (
        "spread/fit/_target_kernels.py",
        "n_free += 1 | free[i] = role[i] == 2 | if n_free + n_moving == 0:",
        "0 -> (-1)",
    ): _ALL_HELD,
    (
        "spread/fit/_target_kernels.py",
        "decrement = 0.0 | for i in range(d): | if role[i] == 1 or (role[i] == 2 and not ok):",
        "== -> != @45",
    ): _NEWTON_OK,
    (
        "spread/fit/_target_kernels.py",
        "decrement = 0.0 | for i in range(d): | if role[i] == 1 or (role[i] == 2 and not ok):",
        "2 -> 3",
    ): _NEWTON_OK,
    (
        "spread/fit/_target_kernels.py",
        "decrement = 0.0 | for i in range(d): | if role[i] == 1 or (role[i] == 2 and not ok):",
        "2 -> 1",
    ): _NEWTON_OK,
    (
        "spread/_random.py",
        'If `rng` is none of these. | """ | '
        "return np.uint64(as_generator(rng).integers(0, 2**64, dtype=np.uint64))",
        "0 -> 1",
    ): "numpy draws integers(1, 2**64) by Lemire's method on the range 2**64 - 1: the raw"
    " word w maps to (w - 1) + 1 = w, and only w = 0 (one word in 2**64) is rejected and"
    " drawn again (tests/MUTATION.md)",
    (
        "spread/fit/_target_kernels.py",
        "moved = False | ft = f | for attempt in range(2):",
        "2 -> 3",
    ): "a third attempt repeats the second's search (its steps are set when attempt == 1"
    " only): the same trials, the same failure",
    (
        "spread/fit/_target_kernels.py",
        "if attempt == 1:  # Newton failed: a scaled projected-gradient step | "
        "for i in range(d): | "
        "step[i] = grad[i] / diag[i] if role[i] != 0 else 0.0",
        "0 -> (-1)",
    ): _NEWTON_PATH,
    (
        "spread/fit/_target_kernels.py",
        "idx = np.flatnonzero(mask) | m = idx.shape[0] | if m == 0:",
        "0 -> (-1)",
    ): "with no coupled coordinate off its bounds the dense branch factors an empty"
    " system and writes no standard error: the early `continue` is a shortcut",
    (
        "spread/fit/_target_kernels.py",
        "if m == 0: | continue | if m <= _DENSE_MAX:",
        "<= -> <",
    ): _DENSE_SWITCH,
    (
        "spread/fit/_target_kernels.py",
        "unit[i] = 1.0 | col = _cholesky_solve(low, unit) | if col[i] > 0.0:",
        "> -> >=",
    ): _INVERSE_DIAGONAL,
    (
        "spread/fit/_target_kernels.py",
        "col, | ) | and col[idx[i]] > 0.0",
        "> -> >=",
    ): _INVERSE_DIAGONAL,
    (
        "spread/fit/_target_kernels.py",
        "grad = np.empty(d) | hdiag = np.empty(d) | curv = np.empty(max(g_hi - g_lo, 1))",
        "- -> +",
    ): "the per-group curvature buffer made longer, or empty when the block has no"
    " group: only its first g_hi - g_lo slots are ever read or written",
    (
        "spread/fit/_target_kernels.py",
        "grad = np.empty(d) | hdiag = np.empty(d) | curv = np.empty(max(g_hi - g_lo, 1))",
        "1 -> 2",
    ): "the per-group curvature buffer made longer, or empty when the block has no"
    " group: only its first g_hi - g_lo slots are ever read or written",
    (
        "spread/fit/_target_kernels.py",
        "grad = np.empty(d) | hdiag = np.empty(d) | curv = np.empty(max(g_hi - g_lo, 1))",
        "1 -> 0",
    ): "the per-group curvature buffer made longer, or empty when the block has no"
    " group: only its first g_hi - g_lo slots are ever read or written",
    (
        "spread/fit/_target_kernels.py",
        "return False | z = np.empty(d) | for _ in range(30):",
        "30 -> 31",
    ): _RIDGE_GROWTH,
    (
        "spread/fit/_target_kernels.py",
        "return False | z = np.empty(d) | for _ in range(30):",
        "30 -> 29",
    ): _RIDGE_GROWTH,
    (
        "spread/fit/_target_kernels.py",
        "step[idx[i]] = z[idx[i]] | return True | ridge = 1e-12 * scale if ridge == 0.0 else ridge * 100.0",
        "* -> / @58",
    ): _RIDGE_GROWTH,
    (
        "spread/fit/_target_kernels.py",
        "g_lo, g_hi = blk_grp[b], blk_grp[b + 1] | status_out[b] = 0 | nit_out[b] = 0",
        "0 -> (-1)",
    ): "only a block with no parameter keeps this count, and the one reader,"
    " solve_targets, takes nit.max(initial=0): -1 and 0 give the same maximum",
    (
        "spread/im/rrsets.py",
        "for a in range(lo, hi, _CHUNK): | b = min(a + _CHUNK, hi) | "
        "yield kernel(*args, root, origin, a, b, _capacity(avg, b - a))",
        "- -> +",
    ): "a worker's first guess at a kernel call's buffer, for b + a sets instead of b - a"
    " (never fewer): the kernel grows a short buffer and trims a long one, so only the"
    " memory it takes first changes, not the sets",
    (
        "spread/im/index.py",
        " | _FORMAT = 1  # version of the saved file's layout | "
        "_BATCH = 1 << 16  # RR sets per progress update while building",
        "1 -> 2",
    ): _INDEX_BATCH,
    (
        "spread/im/index.py",
        " | _FORMAT = 1  # version of the saved file's layout | "
        "_BATCH = 1 << 16  # RR sets per progress update while building",
        "16 -> 17",
    ): _INDEX_BATCH,
    (
        "spread/im/index.py",
        " | _FORMAT = 1  # version of the saved file's layout | "
        "_BATCH = 1 << 16  # RR sets per progress update while building",
        "16 -> 15",
    ): _INDEX_BATCH,
    (
        "spread/fit/_target_kernels.py",
        "return True | ridge = 1e-12 * scale if ridge == 0.0 else ridge * 100.0 | return False",
        "False -> True",
    ): _RIDGE_GROWTH,
    (
        "spread/fit/_target_kernels.py",
        " |  | _DENSE_MAX = 200  # coupled coordinates solved by Cholesky; more go to conjugate gradients",
        "200 -> 201",
    ): _DENSE_SWITCH,
    (
        "spread/fit/_target_kernels.py",
        " |  | _DENSE_MAX = 200  # coupled coordinates solved by Cholesky; more go to conjugate gradients",
        "200 -> 199",
    ): _DENSE_SWITCH,
    (
        "spread/fit/_target_kernels.py",
        "idx = np.flatnonzero(mask) | ridge = 0.0 | if m <= _DENSE_MAX:",
        "<= -> <",
    ): _DENSE_SWITCH,
    (
        "spread/fit/_target_kernels.py",
        "for i in range(m): | b[i] = grad[idx[i]] | for _ in range(30):",
        "30 -> 31",
    ): _RIDGE_GROWTH,
    (
        "spread/fit/_target_kernels.py",
        "for i in range(m): | b[i] = grad[idx[i]] | for _ in range(30):",
        "30 -> 29",
    ): _RIDGE_GROWTH,
    (
        "spread/fit/_target_kernels.py",
        "step[idx[i]] = z[i] | return True | ridge = 1e-12 * scale if ridge == 0.0 else ridge * 100.0",
        "* -> / @62",
    ): _RIDGE_GROWTH,
    (
        "spread/fit/_target_kernels.py",
        "else: | step[i] = grad[i] / (1e-12 * scale)  # no curvature: the ridge sets the step"
        " | if m == 0:",
        "0 -> (-1)",
    ): "with no coupled coordinate the dense path runs on an empty system (an empty factor,"
    " nothing to write) and returns True too",
    (
        "spread/fit/_target_kernels.py",
        "if mask[i]: | q[i] = z[i] + beta * q[i] | return True",
        "True -> False",
    ): "reached only when the iterations run out, which they do not (see _CG_CAP): every"
    " solve returns from inside the loop",
    (
        "spread/fit/_target_kernels.py",
        "q[i] = z[i] | rz += r[i] * z[i] | for _ in range(10 * d + 50):",
        "10 -> 11",
    ): _CG_CAP,
    (
        "spread/fit/_target_kernels.py",
        "q[i] = z[i] | rz += r[i] * z[i] | for _ in range(10 * d + 50):",
        "10 -> 9",
    ): _CG_CAP,
    (
        "spread/fit/_target_kernels.py",
        "q[i] = z[i] | rz += r[i] * z[i] | for _ in range(10 * d + 50):",
        "50 -> 51",
    ): _CG_CAP,
    (
        "spread/fit/_target_kernels.py",
        "q[i] = z[i] | rz += r[i] * z[i] | for _ in range(10 * d + 50):",
        "50 -> 49",
    ): _CG_CAP,
    (
        "spread/fit/_target_kernels.py",
        "r[i] -= step * hq[i] | norm_r += r[i] * r[i] | if norm_r <= 1e-20 * norm_b:",
        "<= -> <",
    ): "the residual's norm exactly 1e-20 times b's (b != 0) takes one more step, from a"
    " nonzero residual: the same solution to 1e-10, more exactly",
    (
        "spread/fit/_target_kernels.py",
        '""" | if s <= 0.0: | return -math.inf, math.inf, -math.inf',
        "-math.inf -> (math.inf) @37",
    ): "phi'' at s <= 0 is never read: derivatives are taken only at accepted points, whose"
    " objective is finite, so every s > 0",
    (
        "spread/fit/_target_kernels.py",
        "for i in range(d): | if mask[i]: | z[i] = r[i] / (hdiag[i] + ridge)",
        "/ -> * @29",
    ): "the loop's Jacobi preconditioner replaced by its inverse (the first step's kept)"
    " is still positive and diagonal; the stop tests the true residual, so the solve"
    " returns the same solution, in other steps (the first step's inverse is killed: a"
    " diagonal system is no longer solved exactly in one step)",
    (
        "spread/fit/_target_kernels.py",
        "s += grp_coef[e] * x[grp_par[e] - p0] | v, _, _ = _phi(kind, s) | if v == -math.inf:",
        "-math.inf -> (math.inf)",
    ): "without the early return, f -= -inf makes f +inf, and it stays +inf to the end"
    " (phi is never +inf): the same value returned",
    (
        "spread/fit/_losses.py",
        "runs = np.atleast_2d(np.asarray(runs, dtype=np.float64)) | "
        "if runs.shape[0] == 1: | "
        "return negbin_dispersion(y, runs[0])",
        "0 -> (-1)",
    ): "with one run, runs[-1] is runs[0]",
    (
        "spread/fit/_exposure_kernels.py",
        "count = np.zeros(n_nodes, dtype=np.int64) | "
        "touched = np.empty(n_nodes, dtype=np.int64) | "
        "size = 16",
        "16 -> 17",
    ): _EXPOSURE_BUFFER,
    (
        "spread/fit/_exposure_kernels.py",
        "count = np.zeros(n_nodes, dtype=np.int64) | "
        "touched = np.empty(n_nodes, dtype=np.int64) | "
        "size = 16",
        "16 -> 15",
    ): _EXPOSURE_BUFFER,
    (
        "spread/fit/_exposure_kernels.py",
        "for r in range(lo, hi): | step_of[nodes[r]] = steps[r] | if steps[r] < first:",
        "< -> <=",
    ): "an equal step stored again: the same minimum",
    (
        "spread/fit/_exposure_kernels.py",
        "k += 1 | if k >= size: | new = max(2 * size, k + 1)",
        "2 -> 3",
    ): _EXPOSURE_BUFFER,
    (
        "spread/fit/_exposure_kernels.py",
        "k += 1 | if k >= size: | new = max(2 * size, k + 1)",
        "2 -> 1",
    ): _EXPOSURE_BUFFER,
    (
        "spread/fit/_exposure_kernels.py",
        "k += 1 | if k >= size: | new = max(2 * size, k + 1)",
        "1 -> 2",
    ): _EXPOSURE_BUFFER,
    (
        "spread/fit/_exposure_kernels.py",
        "k = count[w] | if k >= size: | new = max(2 * size, k + 1)",
        "2 -> 3",
    ): _EXPOSURE_BUFFER,
    (
        "spread/fit/_exposure_kernels.py",
        "k = count[w] | if k >= size: | new = max(2 * size, k + 1)",
        "2 -> 1",
    ): _EXPOSURE_BUFFER,
    (
        "spread/fit/_exposure_kernels.py",
        "k = count[w] | if k >= size: | new = max(2 * size, k + 1)",
        "1 -> 2",
    ): _EXPOSURE_BUFFER,
    (
        "spread/fit/_exposure_kernels.py",
        "if k >= size: | "
        "new = max(2 * size, k + 1) | "
        "at_least = np.concatenate((at_least, np.zeros(new - size, np.int64)))",
        "- -> +",
    ): _EXPOSURE_BUFFER,
    (
        "spread/fit/_exposure_kernels.py",
        "new = max(2 * size, k + 1) | "
        "at_least = np.concatenate((at_least, np.zeros(new - size, np.int64))) | "
        "adopted = np.concatenate((adopted, np.zeros(new - size, np.int64)))",
        "- -> +",
    ): _EXPOSURE_BUFFER,
    (
        "spread/fit/_exposure_kernels.py",
        "for r in range(lo, hi): | step_of[nodes[r]] = never | top = 0",
        "0 -> (-1)",
    ): "top = -1 only when no pair was counted at all: then reached is empty instead of [0], and the curve drops k = 0 either way",
    (
        "spread/fit/_popularity_kernels.py",
        "a[k] = math.exp(-rates[s, k] * d) * (marks[i - 1] + a[k]) | "
        "g += probs[k] * rates[s, k] * a[k] | "
        "total += math.log(g) if g > 0.0 else -np.inf",
        "> -> >=",
    ): "g >= 0 always; at g == 0 Numba's math.log(0.0) is -inf (no domain error), the other"
    " branch's value",
    (
        "spread/fit/_dmp_kernels.py",
        "def _without(prod, zeros, f): | "
        '"""The product of a node\'s factors without the factor `f` '
        '(zero factors counted apart).""" | '
        "if f <= 0.0:",
        "<= -> <",
    ): _DMP_ONE_ZERO,
    (
        "spread/fit/_dmp_kernels.py",
        '"""The product of a node\'s factors without the factor `f` '
        '(zero factors counted apart).""" | '
        "if f <= 0.0: | return prod if zeros == 1 else 0.0",
        "1 -> 0",
    ): _DMP_ONE_ZERO,
    (
        "spread/fit/_dmp_kernels.py",
        "f = 1.0 - p_in[s] * msg[s] | factor[s] = f | if f <= 0.0:",
        "<= -> <",
    ): _DMP_ONE_ZERO,
    (
        "spread/im/_coverage_kernels.py",
        "size, front = _front_fill(key, node, size, cov, front_key, front_node, front) | "
        "bound = total + front_key[:front].sum() | if upper < 0 or bound < upper:",
        "< -> <=",
    ): "upper == 0 only when no allowed node covers anything, and then every later bound is 0;"
    " bound == upper stores the same value",
    (
        "spread/im/_coverage_kernels.py",
        "for v in range(n): | cov[v] = ptr[v + 1] - ptr[v] | "
        "done = np.zeros(offsets.shape[0] - 1, dtype=np.bool_)",
        "- -> +",
    ): "`done` is indexed by set ids < the real count only (greedy and budgeted): a longer array",
    (
        "spread/im/_coverage_kernels.py",
        "for v in range(n): | cov[v] = ptr[v + 1] - ptr[v] | "
        "done = np.zeros(offsets.shape[0] - 1, dtype=np.bool_)",
        "1 -> 0",
    ): "`done` is indexed by set ids < the real count only (greedy and budgeted): one slot longer",
    (
        "spread/im/_coverage_kernels.py",
        "front_node = np.empty(k, dtype=np.int32) | front = 0 | for i in range(k + 1):",
        "1 -> 2",
    ): "the loop always ends at the latest by the break at i == k: step k + 1 never runs",
    (
        "spread/im/_coverage_kernels.py",
        "size, front = _front_fill(key, node, size, cov, front_key, front_node, front) | "
        "bound = total + front_key[:front].sum() | if upper < 0 or bound < upper:",
        "0 -> 1",
    ): "upper is -1 or a bound >= 0; upper == 0 makes every later bound 0 (as for < -> <=),"
    " so storing it again changes nothing",
    (
        "spread/im/_coverage_kernels.py",
        "upper = bound | if i == k: | break",
        "break -> continue",
    ): "i == k is the range's last step: continue ends the loop as break does",
    (
        "spread/im/_coverage_kernels.py",
        "best = v | break | if best < 0:",
        "0 -> (-1)",
    ): "best is never below -1; at -1 the step rewrites seeds[i] = -1 and gains[i] = 0, adds 0,"
    " and _take(-1) marks chosen[n - 1] (no allowed node is left unchosen) over no sets"
    " (range(ptr[n], ptr[0]) is empty); later steps find no node and bound total, as this one",
    (
        "spread/im/_coverage_kernels.py",
        "break | if best < 0: | break",
        "break -> continue",
    ): "no allowed node is left unchosen: each later step finds none again, changes nothing and"
    " bounds total + 0, the bound this step already took",
    (
        "spread/im/_coverage_kernels.py",
        "density = np.zeros(n) | for v in range(n): | "
        "if allowed[v] and not chosen[v] and cov[v] > 0:",
        "> -> >=",
    ): "a node of coverage 0 gets density 0 / cost = 0, the value np.zeros gave it",
    (
        "spread/im/_coverage_kernels.py",
        "density = np.zeros(n) | for v in range(n): | "
        "if allowed[v] and not chosen[v] and cov[v] > 0:",
        "0 -> (-1)",
    ): "coverage is never negative: cov[v] > -1 only adds nodes of coverage 0, whose density"
    " 0 / cost = 0 is the value np.zeros gave it (as for > -> >=)",
    (
        "spread/im/_coverage_kernels.py",
        "for i in range(n): | v = order[i] | if density[v] <= 0.0 or left <= 0.0:",
        "<= -> < @38",
    ): "left never goes below 0; at left == 0 each later node (cost > 0) adds cov * 0 / cost = 0"
    " and sets left = 0 again: out is the same",
    (
        "spread/im/_coverage_kernels.py",
        "v = order[i] | if density[v] <= 0.0 or left <= 0.0: | break",
        "break -> continue",
    ): "the order is by decreasing density, and left only falls: once a node has density 0 or"
    " left is 0, every later node meets the same condition and is skipped as well",
    (
        "spread/im/_coverage_kernels.py",
        "continue | low = 0 | for j in range(1, front):",
        "1 -> 0",
    ): "j = 0 compares the front's slot 0 with itself (low = 0): never smaller, low stays",
    (
        "spread/im/_coverage_kernels.py",
        "low = 0 | for j in range(1, front): | if front_key[j] < front_key[low]:",
        "< -> <=",
    ): "the last of the tied smallest goes back to the heap instead of the first: the front's"
    " sum is the same, and the picks are too (a heap node tied with the front's best has a"
    " larger id, whichever tied node went back: _front_take's docstring)",
    (
        "spread/im/_coverage_kernels.py",
        "return size, front | top_key, top_node = key[0], node[0] | "
        "key[0], node[0] = front_key[low], front_node[low]",
        "0 -> (-1) @13",
    ): "the root keeps the old top's key, stale upward for the node swapped in, which the lazy"
    " heap allows; key[-1] is past the heap (a swap needs a full front: its k nodes came off"
    " the heap, so size <= len(key) - k)",
    (
        "spread/im/_coverage_kernels.py",
        "at < 0 | or front_key[j] > front_key[at] | "
        "or (front_key[j] == front_key[at] and front_node[j] < front_node[at])",
        "< -> <=",
    ): "the front holds a node once: two slots never have the same node id",
    (
        "spread/im/_coverage_kernels.py",
        "if key[a] != key[b]: | return key[a] > key[b] | return node[a] < node[b]",
        "< -> <=",
    ): "_above compares two slots of one heap (below its size), and a heap holds a node once"
    " (built from distinct nodes, a pop removes, _front_fill puts back only what it took)",
    (
        "spread/im/_coverage_kernels.py",
        '"""Heap order: a larger key first, then a smaller node id.""" | '
        "if key[a] != key[b]: | return key[a] > key[b]",
        "> -> >=",
    ): "the branch runs only when the keys differ, where >= and > agree",
    (
        "spread/im/_coverage_kernels.py",
        '"""Drop the heap\'s top; return the new size.""" | size -= 1 | '
        "key[0], node[0] = key[size], node[size]",
        "0 -> (-1)",
    ): "the moved node keeps the popped top's key at the root: stale upward, which the lazy heap"
    " allows (heap order holds, _settle refreshes a key before use); key[-1] is past the heap",
    (
        "spread/im/_coverage_kernels.py",
        "if costs[v] > left + slack:  # never fits again: drop it | size -= 1 | "
        "key[0], node[0] = key[size], node[size]",
        "0 -> (-1) @17",
    ): "_budget_greedy's heap only shrinks: key[-1] is past it, and the moved node keeps the"
    " dropped or taken top's key at the root, stale upward, which the lazy greedy allows (a"
    " top is taken only when its value is current, so it is the best of the nodes left)",
    (
        "spread/im/_coverage_kernels.py",
        "_take(v, offsets, members, ptr, ids, cov, done, chosen) | size -= 1 | "
        "key[0], node[0] = key[size], node[size]",
        "0 -> (-1) @13",
    ): "_budget_greedy's heap only shrinks: key[-1] is past it, and the moved node keeps the"
    " dropped or taken top's key at the root, stale upward, which the lazy greedy allows (a"
    " top is taken only when its value is current, so it is the best of the nodes left)",
    (
        "spread/im/_coverage_kernels.py",
        "node[size] = v | size += 1 | for i in range(size // 2 - 1, -1, -1):",
        "// -> *",
    ): "the heapify starts further right: the extra indices i (>= size // 2) are leaves"
    " (2 i + 1 >= size), where _heap_down returns at once; both heaps (_lazy_heap, _budget_greedy)",
    (
        "spread/im/_coverage_kernels.py",
        "node[size] = v | size += 1 | for i in range(size // 2 - 1, -1, -1):",
        "2 -> 1",
    ): "the heapify starts at size - 1: the extra indices are leaves, where _heap_down"
    " returns at once; both heaps (_lazy_heap, _budget_greedy)",
    (
        "spread/im/_coverage_kernels.py",
        "node[size] = v | size += 1 | for i in range(size // 2 - 1, -1, -1):",
        "- -> +",
    ): "the heapify starts at size // 2 + 1: the extra indices are leaves, where _heap_down"
    " returns at once; both heaps (_lazy_heap, _budget_greedy)",
    (
        "spread/im/_coverage_kernels.py",
        "node[size] = v | size += 1 | for i in range(size // 2 - 1, -1, -1):",
        "1 -> 0",
    ): "the heapify starts at size // 2, a leaf, where _heap_down returns at once; both"
    " heaps (_lazy_heap, _budget_greedy)",
    (
        "spread/im/_coverage_kernels.py",
        "if want_bound: | upper = _fractional_bound(cov0, costs, budget, allowed, chosen0) | "
        "single = -1",
        "-1 -> (1)",
    ): "budget_cover's single node never wins (single_cov > total is never true): the plain greedy"
    " takes it first (the largest coverage among the same candidates, all affordable at the start)"
    ": with no candidate, single = 1 keeps single_cov = -1, and -1 > total is false",
    (
        "spread/im/_coverage_kernels.py",
        "upper = _fractional_bound(cov0, costs, budget, allowed, chosen0) | single = -1 | "
        "single_cov = np.int64(-1)",
        "-1 -> (1)",
    ): "budget_cover's single node never wins (single_cov > total is never true): the plain greedy"
    " takes it first (the largest coverage among the same candidates, all affordable at the start)"
    ": starting at 1 only leaves single at -1 when no candidate covers 2 or more",
    (
        "spread/im/_coverage_kernels.py",
        "single_cov = np.int64(-1) | for v in range(n): | "
        "if allowed[v] and not chosen0[v] and costs[v] <= budget and cov0[v] > single_cov:",
        "not chosen0[v] -> (chosen0[v])",
    ): "budget_cover's single node never wins (single_cov > total is never true): the plain greedy"
    " takes it first (the largest coverage among the same candidates, all affordable at the start)"
    ": a chosen (fixed) node has coverage 0 (_take uncounts each of its sets for it)",
    (
        "spread/im/_coverage_kernels.py",
        "single_cov = np.int64(-1) | for v in range(n): | "
        "if allowed[v] and not chosen0[v] and costs[v] <= budget and cov0[v] > single_cov:",
        "<= -> <",
    ): "budget_cover's single node never wins (single_cov > total is never true): the plain greedy"
    " takes it first (the largest coverage among the same candidates, all affordable at the start)"
    ": fewer candidates for it cannot make it win",
    (
        "spread/im/_coverage_kernels.py",
        "single_cov = np.int64(-1) | for v in range(n): | "
        "if allowed[v] and not chosen0[v] and costs[v] <= budget and cov0[v] > single_cov:",
        "> -> >=",
    ): "budget_cover's single node never wins (single_cov > total is never true): the plain greedy"
    " takes it first (the largest coverage among the same candidates, all affordable at the start)"
    ": the last of equal coverages, the same single_cov",
    (
        "spread/im/_coverage_kernels.py",
        "if plain_total > total: | seeds, gains, total = plain, plain_gains, plain_total | "
        "if single >= 0 and single_cov > total:",
        ">= -> >",
    ): "budget_cover's single node never wins (single_cov > total is never true): the plain greedy"
    " takes it first (the largest coverage among the same candidates, all affordable at the start)"
    ": the condition stays false",
    (
        "spread/im/_coverage_kernels.py",
        "if plain_total > total: | seeds, gains, total = plain, plain_gains, plain_total | "
        "if single >= 0 and single_cov > total:",
        "0 -> 1",
    ): "budget_cover's single node never wins (single_cov > total is never true): the plain greedy"
    " takes it first (the largest coverage among the same candidates, all affordable at the start)"
    ": the condition stays false",
    (
        "spread/im/_coverage_kernels.py",
        "if plain_total > total: | seeds, gains, total = plain, plain_gains, plain_total | "
        "if single >= 0 and single_cov > total:",
        "0 -> (-1)",
    ): "budget_cover's single node never wins (single_cov > total is never true): the plain greedy"
    " takes it first (the largest coverage among the same candidates, all affordable at the start)"
    ": the condition stays false",
    (
        "spread/im/_coverage_kernels.py",
        "seeds, gains, total = plain, plain_gains, plain_total | "
        "if single >= 0 and single_cov > total: | seeds = np.full(n, -1, dtype=np.int64)",
        "-1 -> (1)",
    ): "budget_cover's single node never wins (single_cov > total is never true): the plain greedy"
    " takes it first (the largest coverage among the same candidates, all affordable at the start)"
    ": the branch never runs",
    (
        "spread/im/_coverage_kernels.py",
        "seeds = np.full(n, -1, dtype=np.int64) | gains = np.zeros(n, dtype=np.int64) | "
        "seeds[0] = single",
        "0 -> 1",
    ): "budget_cover's single node never wins (single_cov > total is never true): the plain greedy"
    " takes it first (the largest coverage among the same candidates, all affordable at the start)"
    ": the branch never runs",
    (
        "spread/im/_coverage_kernels.py",
        "seeds = np.full(n, -1, dtype=np.int64) | gains = np.zeros(n, dtype=np.int64) | "
        "seeds[0] = single",
        "0 -> (-1)",
    ): "budget_cover's single node never wins (single_cov > total is never true): the plain greedy"
    " takes it first (the largest coverage among the same candidates, all affordable at the start)"
    ": the branch never runs",
    (
        "spread/im/_coverage_kernels.py",
        "gains = np.zeros(n, dtype=np.int64) | seeds[0] = single | gains[0] = single_cov",
        "0 -> 1",
    ): "budget_cover's single node never wins (single_cov > total is never true): the plain greedy"
    " takes it first (the largest coverage among the same candidates, all affordable at the start)"
    ": the branch never runs",
    (
        "spread/im/_coverage_kernels.py",
        "gains = np.zeros(n, dtype=np.int64) | seeds[0] = single | gains[0] = single_cov",
        "0 -> (-1)",
    ): "budget_cover's single node never wins (single_cov > total is never true): the plain greedy"
    " takes it first (the largest coverage among the same candidates, all affordable at the start)"
    ": the branch never runs",
    (
        "spread/im/_coverage_kernels.py",
        "def prefix_coverage(offsets, members, rank, k): | "
        '"""``out[j]``: RR sets hit by the first ``j + 1`` seeds (``rank[v]`` = v\'s position, '
        'or k).""" | first = np.zeros(k + 1, dtype=np.int64)',
        "1 -> 2",
    ): "one counter more: best <= k, so first[k + 1] is never written, and out reads first[:k]",
    (
        "spread/im/_coverage_kernels.py",
        "for pos in range(offsets[s], offsets[s + 1]): | r = rank[members[pos]] | if r < best:",
        "< -> <=",
    ): "at r == best, best = r stores the value it has",
    (
        "spread/models/_ic_lt_kernels.py",
        "max_steps, | state, | np.int32(i - lo + 1),",
        "- -> +",
    ): "the tag need only be >= 1 and increase within a chunk; i + lo + 1 does (< 2**30 runs)",
    (
        "spread/models/_ic_lt_kernels.py",
        "for i in range(lo, hi): | state = _run_state(root, run0 + i) | "
        "row = times[i] if keep_times else times[0]",
        "0 -> (-1)",
    ): "without keep_times the row is never read or written (and the buffer has one row)",
    (
        "spread/models/_ic_lt_kernels.py",
        "if keep_times: | times_row[v] = t | if tail > level_end:",
        "> -> >=",
    ): "depth one too large sizes the step buffer one wider; _stack_steps cuts trailing zero"
    " columns, so every output is the same (IC and LT runs alike)",
    (
        "spread/models/_ic_lt_kernels.py",
        "level_end = tail | t = 0 | depth = 0",
        "0 -> 1",
    ): "a run that activates nobody after its seeds reports depth 1, not 0 (IC and LT): the"
    " batch keeps one more all-zero step column, which _stack_steps cuts; the work pilot's"
    " estimate moves by one update per such run, of n + m + steps",
    (
        "spread/models/_ic_lt_kernels.py",
        "level_end = tail | t = 0 | depth = 0",
        "0 -> (-1)",
    ): "depth -1 for a run that activates nobody after its seeds: run_batch reads depths"
    " through max(initial=0) and depth >= width, neither of which -1 changes; the work"
    " pilot's estimate moves by one update per such run",
    (
        "spread/models/_ic_lt_kernels.py",
        "depth = 0 | last = external.shape[0] - 1 | "
        "while t < max_steps and tail < n and (head < level_end or t < ext_until):",
        "< -> <= @65",
    ): "one more step past the schedule's end: it reads external[min(ext_until, last)], which"
    " is 0 (ext_until is one past the last positive entry; a positive last entry sets"
    " ext_until = max_steps, and t < max_steps bounds it), so the step activates nobody",
    (
        "spread/models/_ic_lt_kernels.py",
        "else: | state, x = _next_uniform(state) | if x < p[j]:",
        "< -> <=",
    ): "x is a multiple of 2**-53 in [0, 1): x == p[j] has probability at most 2**-53 per"
    " coin, so no test can see it (an arc of probability 0 fires when x is exactly 0)",
    (
        "spread/models/_ic_lt_kernels.py",
        '`crn` and `external` are described in `_ic_run`. | """ | n = indptr.shape[0] - 1',
        "- -> +",
    ): "ic_batch's n only sizes the per-chunk stamp and queue (the run reads its own n from"
    " indptr): two slots longer, never read",
    (
        "spread/models/_ic_lt_kernels.py",
        '`crn` and `external` are described in `_ic_run`. | """ | n = indptr.shape[0] - 1',
        "1 -> 0",
    ): "ic_batch's n only sizes the per-chunk stamp and queue: one slot longer, never read",
    (
        "spread/models/_ic_lt_kernels.py",
        "n_sets = seed_ptr.shape[0] - 1 | inv_log1mp = 0.0 | if 0.0 < p_uniform < 1.0:",
        "< -> <= @24",
    ): "at p = 1, inv_log1mp = 1 / log1p(-1) = -0.0 instead of 0.0: every skip log(1 - x) *"
    " -0.0 is (+/-)0, int64 0, as before",
    (
        "spread/models/_ic_lt_kernels.py",
        "inv_log1mp = 1.0 / np.log1p(-p_uniform) | inv_log1ma = np.zeros(external.shape[0]) | "
        "ext_until = 0  # the last step with spontaneous adoption; every step if it never ends",
        "0 -> 1",
    ): "without spontaneous adoption, ext_until = 1 lets a run take step 1 even when its seed"
    " set is empty; external is 0 there, so the step activates nobody",
    (
        "spread/models/_ic_lt_kernels.py",
        "inv_log1mp = 1.0 / np.log1p(-p_uniform) | inv_log1ma = np.zeros(external.shape[0]) | "
        "ext_until = 0  # the last step with spontaneous adoption; every step if it never ends",
        "0 -> (-1)",
    ): "ext_until is only compared as t < ext_until with t >= 0: -1 and 0 agree",
    (
        "spread/models/_ic_lt_kernels.py",
        "ext_until = 0  # the last step with spontaneous adoption; every step if it never ends | "
        "for i in range(external.shape[0]): | if 0.0 < external[i] < 1.0:",
        "< -> <= @30",
    ): "at external = 1, inv_log1ma = -0.0 instead of 0.0: every skip is (+/-)0, int64 0, and"
    " every inactive node adopts, as before",
    (
        "spread/models/_ic_lt_kernels.py",
        "max_steps, | state, | np.int32(i - lo + 1),",
        "1 -> 2",
    ): "the tag need only be >= 1 (the fresh stamp is 0) and differ between a chunk's runs;"
    " i - lo + 2 is and does (ic_batch and lt_batch)",
    (
        "spread/models/_ic_lt_kernels.py",
        'one threshold per node; `law` and `crn` as in `_lt_run`. | """ | n = indptr.shape[0] - 1',
        "- -> +",
    ): "lt_batch's n only sizes the per-chunk mark, rest and queue (the run reads its own"
    " bounds from indptr): two slots longer, never read",
    (
        "spread/models/_ic_lt_kernels.py",
        'one threshold per node; `law` and `crn` as in `_lt_run`. | """ | n = indptr.shape[0] - 1',
        "1 -> 0",
    ): "lt_batch's n only sizes the per-chunk mark, rest and queue: one slot longer, never read",
    (
        "spread/models/_ic_lt_kernels.py",
        "if 0.0 < external[i] < 1.0: | inv_log1ma[i] = 1.0 / np.log1p(-external[i]) | "
        "if external[i] > 0.0:",
        "> -> >=",
    ): "ext_until becomes the schedule's length even where its tail is 0: runs whose cascade"
    " has died take the schedule's remaining steps, in which external is 0 and nobody adopts"
    " (at most len(external) steps; a positive last entry already means every step)",
    (
        "spread/models/_ic_lt_kernels.py",
        "inv_log1ma[i] = 1.0 / np.log1p(-external[i]) | if external[i] > 0.0: | ext_until = i + 1",
        "1 -> 2",
    ): "one more step past the schedule's last positive entry, where external is 0 (or, past"
    " the schedule, its last entry, 0): nobody adopts",
    (
        "spread/models/_heat_kernels.py",
        "v = f0.copy() | w = np.empty(n, dtype=np.float64) | "
        "u = np.empty(n if factored else 0, dtype=np.float64)  # col_scale * v",
        "0 -> 1",
    ): "u (and u_next) are read and written only when factored; unfactored they are only swapped",
    (
        "spread/models/_heat_kernels.py",
        "active_m = np.empty(n_times, dtype=np.int64) | "
        "active_w = np.empty(n_times, dtype=np.float64) | for k in range(k_max + 1):",
        "1 -> 2",
    ): "k_max is the last window's end (_sweep, the kernels' only caller): term k_max + 1 is in"
    " no window, so the extra sweep adds nothing to out (both kernels)",
    (
        "spread/im/_rrset_kernels.py",
        "m, lo_bits, mask_lo, mask_hi, memo = _strata(n, root_nodes) | "
        "stamp = np.zeros(n, dtype=np.int32) | "
        "members = np.empty(max(capacity, 16), dtype=np.int32)",
        "16 -> 17",
    ): "the first buffer's size only: _grow enlarges it as needed",
    (
        "spread/im/_rrset_kernels.py",
        "m, lo_bits, mask_lo, mask_hi, memo = _strata(n, root_nodes) | "
        "stamp = np.zeros(n, dtype=np.int32) | "
        "members = np.empty(max(capacity, 16), dtype=np.int32)",
        "16 -> 15",
    ): "the first buffer's size only: _grow enlarges it as needed",
    (
        "spread/im/_rrset_kernels.py",
        "m, lo_bits, mask_lo, mask_hi, memo = _strata(n, root_nodes) | "
        "stamp = np.zeros(n, dtype=np.int32) | "
        "members = np.empty(max(capacity, 16), dtype=np.int32)",
        "max -> min",
    ): "the first buffer's size only (even 0): every write is after `if pos =="
    " members.shape[0]: members = _grow(...)`, which enlarges it to at least pos + 1",
    (
        "spread/im/_rrset_kernels.py",
        "pos = 0 | for r in range(r0, r1): | tag = np.int32(r - r0 + 1)",
        "1 -> 2",
    ): "the tag need only be >= 1 and differ between the sets of one call (< 2**31 sets)",
    (
        "spread/im/_rrset_kernels.py",
        "pos = 0 | for r in range(r0, r1): | tag = np.int32(r - r0 + 1)",
        "- -> +",
    ): "r + r0 + 1 is also >= 1 and increasing in r (< 2**30 sets)",
    (
        "spread/im/imm.py",
        "peak = max(peak, rr.nbytes + final.nbytes) | if stable <= 0: | break",
        "break -> continue",
    ): "with stable <= 0 the loop has a single draw: it ends there either way",
    (
        "spread/im/opim.py",
        'indexes from the round\'s choices, joined for the greedy instead of built anew.""" | '
        "later = None if pool is None else pool.submit(r3.extend, size) | "
        "kept = indexes is not None and indexes[0] is not None",
        "0 -> 1",
    ): "`_choices` keeps both greedies' indexes or neither (None for both under a budget):"
    " the first is None exactly when the second is",
    (
        "spread/im/opim.py",
        'indexes from the round\'s choices, joined for the greedy instead of built anew.""" | '
        "later = None if pool is None else pool.submit(r3.extend, size) | "
        "kept = indexes is not None and indexes[0] is not None",
        "0 -> (-1)",
    ): "`_choices` keeps both greedies' indexes or neither (None for both under a budget):"
    " the first is None exactly when the second is",
    (
        "spread/im/opim.py",
        "r2.extend(target) | return | grow1 = max(r1.projected_bytes(target) - r1.nbytes, 0)",
        "0 -> 1",
    ): "a collection's projected bytes at the target exceed its bytes now by at least its"
    " working arrays (the sampler's, more than 1 byte): max(x, 0), max(x, 1), max(x, -1) agree",
    (
        "spread/im/opim.py",
        "r2.extend(target) | return | grow1 = max(r1.projected_bytes(target) - r1.nbytes, 0)",
        "0 -> (-1)",
    ): "a collection's projected bytes at the target exceed its bytes now by at least its"
    " working arrays (the sampler's, more than 1 byte): max(x, 0), max(x, 1), max(x, -1) agree",
    (
        "spread/im/opim.py",
        "return | grow1 = max(r1.projected_bytes(target) - r1.nbytes, 0) | "
        "grow2 = max(r2.projected_bytes(target) - r2.nbytes, 0)",
        "0 -> 1",
    ): "a collection's projected bytes at the target exceed its bytes now by at least its"
    " working arrays (the sampler's, more than 1 byte): max(x, 0), max(x, 1), max(x, -1) agree",
    (
        "spread/im/opim.py",
        "return | grow1 = max(r1.projected_bytes(target) - r1.nbytes, 0) | "
        "grow2 = max(r2.projected_bytes(target) - r2.nbytes, 0)",
        "0 -> (-1)",
    ): "a collection's projected bytes at the target exceed its bytes now by at least its"
    " working arrays (the sampler's, more than 1 byte): max(x, 0), max(x, 1), max(x, -1) agree",
    (
        "spread/im/opim.py",
        "target=audience, | conditional=r1.conditional, | "
        '**(sampling | {"n_threads": 1 if pool is not None else threads}),',
        "1 -> 2",
    ): "R3's sets depend only on its stream and their indices, not on the threads that draw"
    " them; two threads beside the helper's greedy only share the cores differently",
    (
        "spread/im/opim.py",
        "def certifies(t): | hits = frac * t - 2.0 * math.sqrt(frac * t) | "
        "return (_opim_bounds(max(hits, 0.0), 0.0, a)[0] + known * t / theta) / t >= goal",
        ">= -> >",
    ): "the two differ only where a float ratio equals the goal exactly at some whole t,"
    " a tie of two computed doubles that the bisection's inputs do not produce",
    (
        "spread/im/opim.py",
        "member, 8 per node each), and R3 of `n3` sets as its `RRSets.extend` projects it, | "
        'with its sampler\'s working arrays.""" | avg = r1.n_members / max(len(r1), 1)',
        "1 -> 2",
    ): "the guard checks (and asks `_joinable`) after a round's sets, when R1 holds at least"
    " ceil(theta0) > 2 sets: max(len, 1) and max(len, 2) are both len",
    (
        "spread/im/opim.py",
        "member, 8 per node each), and R3 of `n3` sets as its `RRSets.extend` projects it, | "
        'with its sampler\'s working arrays.""" | avg = r1.n_members / max(len(r1), 1)',
        "1 -> 0",
    ): "the guard checks (and asks `_joinable`) after a round's sets, when R1 holds at least"
    " ceil(theta0) > 2 sets: max(len, 1) and max(len, 0) are both len",
    (
        "spread/im/opim.py",
        "for _ in range(n_rounds): | if max_rr_sets is not None: | "
        "target = min(target, max(max_rr_sets // 2, 1))",
        "1 -> 0",
    ): "maximize checks max_rr_sets >= 2, so max_rr_sets // 2 >= 1",
    (
        "spread/im/opim.py",
        "if seeds is None or ratio < rho - eps: | raise | "
        "break  # the guard's rounds are optional: keep the certified seeds",
        "break -> continue",
    ): "the next rounds retry the same target (no doubling) and fail the same way, or fit"
    " nothing new; the choice and its count are those of the last round that fitted",
    (
        "spread/im/opim.py",
        "`pool`): ``(on R1, on R2)``. The held indexes are both selections' arrays, which | "
        '`_side_by_side` allows.""" | if indexes is not None and indexes[0] is not None:',
        "0 -> 1",
    ): "both greedies keep an index or neither (`_choices`: both or none; under a budget"
    " both are None): indexes[0] and indexes[1] are None together",
    (
        "spread/im/opim.py",
        "`pool`): ``(on R1, on R2)``. The held indexes are both selections' arrays, which | "
        '`_side_by_side` allows.""" | if indexes is not None and indexes[0] is not None:',
        "0 -> (-1)",
    ): "both greedies keep an index or neither (`_choices`: both or none; under a budget"
    " both are None): indexes[0] and indexes[-1] are None together",
    (
        "spread/im/opim.py",
        "size3 = _cert_size(theta, cov2, known, 2 * upper1 + rounding, a, rho - eps) | "
        "joined = _joinable(r1, r2, size3) | if ratio < rho - eps:",
        "< -> <=",
    ): "the two differ only where the certified ratio (a quotient of square-root bounds)"
    " equals 1 - 1/e - eps to the last bit, a tie of two computed doubles no run produces;"
    " there the round would leap instead of testing the guard",
    (
        "spread/im/opim.py",
        "target=audience, | conditional=r1.conditional, | "
        '**(sampling | {"n_threads": 1 if pool is not None else threads}),',
        "1 -> 0",
    ): "an RRSets takes n_threads 0 as 1 (extend splits over max(n_threads, 1) and draws in"
    " this thread; working_bytes counts max(n_threads, 1)); its sets do not depend on it",
    (
        "spread/im/opim.py",
        "target=audience, | conditional=r1.conditional, | "
        '**(sampling | {"n_threads": 1 if pool is not None else threads}),',
        "is not -> is",
    ): "R3's sets depend only on its stream and their indices, not on the threads that draw"
    " them: the swap only changes how many draw them (with a pool `threads` is n_threads // 2)",
    (
        "spread/im/opim.py",
        "n_sets += len(r3) | "
        "memory += r1.nbytes + r2.nbytes - 8 + r3.nbytes  # the joined copy and R3 | "
        "if choice[2] >= rho - eps:",
        ">= -> >",
    ): "the two differ only where R3's certified ratio equals 1 - 1/e - eps to the last bit,"
    " a tie of two computed doubles no run produces; there the round's choice would stand",
    (
        "spread/fit/_ic_kernels.py",
        "# pass 1: count the tries and the largest per-cascade count | total = 0 | widest = 0",
        "0 -> (-1)",
    ): "widest only sizes two scratch buffers; any cascade with a try sets it >= 1",
    (
        "spread/fit/_ic_kernels.py",
        "# pass 1: count the tries and the largest per-cascade count | total = 0 | widest = 0",
        "0 -> 1",
    ): "widest only sizes two scratch buffers: one slot more when no cascade has a try",
    (
        "spread/fit/_ic_kernels.py",
        "total = 0 | widest = 0 | max_step = 0",
        "0 -> 1",
    ): "a larger span still exceeds every s + 1, so the (target, step) keys stay unique and"
    " ordered, and decode the same",
    (
        "spread/fit/_ic_kernels.py",
        "total = 0 | widest = 0 | max_step = 0",
        "0 -> (-1)",
    ): "steps are >= 0, so the first row sets max_step to what 0 would give; with no rows"
    " no key is made",
    (
        "spread/fit/_ic_kernels.py",
        "here += 1 | total += here | if here > widest:",
        "> -> >=",
    ): "on equality it stores the same maximum",
    (
        "spread/fit/_ic_kernels.py",
        "for r in range(lo, hi): | step_of[nodes[r]] = steps[r] | if steps[r] > max_step:",
        "> -> >=",
    ): "on equality it stores the same maximum",
    (
        "spread/fit/_ic_kernels.py",
        "for r in range(lo, hi): | step_of[nodes[r]] = never | span = max_step + 2",
        "2 -> 3",
    ): "span need only exceed every s + 1 <= max_step + 1 to encode (target, step) uniquely",
    (
        "spread/fit/_ic_kernels.py",
        "g_step = np.empty(total, dtype=np.int64) | "
        "g_success = np.empty(total, dtype=np.bool_) | "
        "g_ptr = np.zeros(total + 1, dtype=np.int64)",
        "1 -> 2",
    ): "one more pointer slot; the result is cut to n_groups + 1",
    (
        "spread/fit/_uncertainty.py",
        "x[j] = xj | return problem.nll(x) | "
        "res, _, _ = minimize_likelihood(problem, [problem.x_hat], 500, "
        "fixed_index=j, fixed_value=xj)",
        "500 -> 501",
    ): "an iteration cap the profile's inner fits (from the estimate, one parameter fixed)"
    " never come near: they converge in tens of iterations",
    (
        "spread/fit/_uncertainty.py",
        "x[j] = xj | return problem.nll(x) | "
        "res, _, _ = minimize_likelihood(problem, [problem.x_hat], 500, "
        "fixed_index=j, fixed_value=xj)",
        "500 -> 499",
    ): "an iteration cap the profile's inner fits (from the estimate, one parameter fixed)"
    " never come near: they converge in tens of iterations",
    (
        "spread/fit/_uncertainty.py",
        "for direction in (-1, 1): | lo, hi = problem.bounds_x[j] | "
        "bound = lo if direction < 0 else hi",
        "< -> <=",
    ): "direction is -1 or 1, never 0",
    (
        "spread/fit/_lt_kernels.py",
        "seen = np.zeros(n_nodes, dtype=np.bool_) | touched = np.empty(n_nodes, dtype=np.int64) | "
        "cap = max(16, 2 * nodes.shape[0])",
        "max -> min",
    ): "the output buffers' first size only: they grow on demand before each cascade's rows",
    (
        "spread/fit/_lt_kernels.py",
        "seen = np.zeros(n_nodes, dtype=np.bool_) | touched = np.empty(n_nodes, dtype=np.int64) | "
        "cap = max(16, 2 * nodes.shape[0])",
        "16 -> 15",
    ): "the output buffers' first size only: they grow on demand",
    (
        "spread/fit/_lt_kernels.py",
        "seen = np.zeros(n_nodes, dtype=np.bool_) | touched = np.empty(n_nodes, dtype=np.int64) | "
        "cap = max(16, 2 * nodes.shape[0])",
        "2 -> 3",
    ): "the output buffers' first size only: they grow on demand",
    (
        "spread/fit/_lt_kernels.py",
        "seen = np.zeros(n_nodes, dtype=np.bool_) | touched = np.empty(n_nodes, dtype=np.int64) | "
        "cap = max(16, 2 * nodes.shape[0])",
        "2 -> 1",
    ): "the output buffers' first size only: they grow on demand",
    (
        "spread/fit/_lt_kernels.py",
        "for r in range(lo, hi): | step_of[nodes[r]] = steps[r] | if steps[r] < first:",
        "< -> <=",
    ): "on equality it stores the same minimum",
    (
        "spread/fit/_lt_kernels.py",
        "touched[n_touched] = w | n_touched += 1 | need = n_out + (hi - lo) + n_touched",
        "- -> +",
    ): "a larger `need` only grows the buffers sooner; it still bounds the cascade's rows",
    (
        "spread/fit/_lt_kernels.py",
        "n_touched += 1 | need = n_out + (hi - lo) + n_touched | if need > cap:",
        "> -> >=",
    ): "growing when the rows exactly fit changes only the buffers' size",
    (
        "spread/fit/_lt_kernels.py",
        "need = n_out + (hi - lo) + n_touched | if need > cap: | cap = max(2 * cap, need)",
        "2 -> 3",
    ): "the new size is at least `need` either way",
    (
        "spread/fit/_lt_kernels.py",
        "need = n_out + (hi - lo) + n_touched | if need > cap: | cap = max(2 * cap, need)",
        "2 -> 1",
    ): "the new size is at least `need` either way",
    (
        "spread/fit/_lt_kernels.py",
        "if need > cap: | cap = max(2 * cap, need) | "
        "o_casc = np.concatenate((o_casc, np.empty(cap - o_casc.shape[0], np.int64)))",
        "- -> +",
    ): "a buffer longer than `cap`: every write stays below `cap`, and the next growth pads from its length",
    (
        "spread/fit/_lt_kernels.py",
        "o_casc = np.concatenate((o_casc, np.empty(cap - o_casc.shape[0], np.int64))) | "
        "o_node = np.concatenate((o_node, np.empty(cap - o_node.shape[0], np.int64))) | "
        "o_lo = np.concatenate((o_lo, np.empty(cap - o_lo.shape[0])))",
        "- -> +",
    ): "a buffer longer than `cap`: every write stays below `cap`",
    (
        "spread/fit/_lt_kernels.py",
        "o_node = np.concatenate((o_node, np.empty(cap - o_node.shape[0], np.int64))) | "
        "o_lo = np.concatenate((o_lo, np.empty(cap - o_lo.shape[0]))) | "
        "o_hi = np.concatenate((o_hi, np.empty(cap - o_hi.shape[0])))",
        "- -> +",
    ): "a buffer longer than `cap`: every write stays below `cap`",
    (
        "spread/fit/_lt_kernels.py",
        "o_lo = np.concatenate((o_lo, np.empty(cap - o_lo.shape[0]))) | "
        "o_hi = np.concatenate((o_hi, np.empty(cap - o_hi.shape[0]))) | "
        "o_cens = np.concatenate((o_cens, np.empty(cap - o_cens.shape[0], np.bool_)))",
        "- -> +",
    ): "a buffer longer than `cap`: every write stays below `cap`",
    (
        "spread/fit/_lt_kernels.py",
        "seen = np.zeros(n_nodes, dtype=np.bool_) | "
        "touched = np.empty(n_nodes, dtype=np.int64) | cap = max(16, 2 * nodes.shape[0])",
        "16 -> 17",
    ): "the first buffer's size only: it grows as needed",
    (
        "spread/fit/_lt_kernels.py",
        "cap = max(2 * cap, need) | "
        "o_casc = np.concatenate((o_casc, np.empty(cap - o_casc.shape[0], np.int64))) | "
        "o_node = np.concatenate((o_node, np.empty(cap - o_node.shape[0], np.int64)))",
        "- -> +",
    ): "over-allocates o_casc only (still >= cap); the output is cut to n_out",
    (
        "spread/fit/_netrate_kernels.py",
        "o_gap = np.empty(total) | o_inf = np.empty(total, dtype=np.bool_) | n = 0",
        "0 -> (-1)",
    ): "the pairs come out rotated by one (index -1 wraps); every use sums or sorts them"
    " (bincount, lexsort), so only the rounding of one float sum can change",
    (
        "spread/fit/_uncertainty.py",
        "for direction in (-1, 1): | lo, hi = problem.bounds_x[j] | "
        "bound = lo if direction < 0 else hi",
        "0 -> 1",
    ): "direction is -1 or 1: direction < 1 is direction < 0",
    (
        "spread/fit/_uncertainty.py",
        "for mult in (1.0, 2.0, 4.0, 8.0, 16.0, math.inf):  # the last: the bound | "
        "cand = problem.x_hat[j] + direction * mult * step | "
        "if (direction < 0 and cand <= bound) or (direction > 0 and cand >= bound):",
        "0 -> (-1) @70",
    ): "direction is -1 or 1: direction > -1 is direction > 0",
    (
        "spread/fit/_uncertainty.py",
        "for mult in (1.0, 2.0, 4.0, 8.0, 16.0, math.inf):  # the last: the bound | "
        "cand = problem.x_hat[j] + direction * mult * step | "
        "if (direction < 0 and cand <= bound) or (direction > 0 and cand >= bound):",
        "< -> <=",
    ): "direction is -1 or 1, never 0",
    (
        "spread/fit/_uncertainty.py",
        "for mult in (1.0, 2.0, 4.0, 8.0, 16.0, math.inf):  # the last: the bound | "
        "cand = problem.x_hat[j] + direction * mult * step | "
        "if (direction < 0 and cand <= bound) or (direction > 0 and cand >= bound):",
        "0 -> 1 @33",
    ): "direction is -1 or 1: direction < 1 is direction < 0",
    (
        "spread/fit/_uncertainty.py",
        "for mult in (1.0, 2.0, 4.0, 8.0, 16.0, math.inf):  # the last: the bound | "
        "cand = problem.x_hat[j] + direction * mult * step | "
        "if (direction < 0 and cand <= bound) or (direction > 0 and cand >= bound):",
        "> -> >=",
    ): "direction is -1 or 1, never 0",
    (
        "spread/fit/_uncertainty.py",
        "for mult in (1.0, 2.0, 4.0, 8.0, 16.0, math.inf):  # the last: the bound | "
        "cand = problem.x_hat[j] + direction * mult * step | "
        "if (direction < 0 and cand <= bound) or (direction > 0 and cand >= bound):",
        "<= -> <",
    ): "at cand == bound, cand = bound changes nothing",
    (
        "spread/fit/_uncertainty.py",
        "for mult in (1.0, 2.0, 4.0, 8.0, 16.0, math.inf):  # the last: the bound | "
        "cand = problem.x_hat[j] + direction * mult * step | "
        "if (direction < 0 and cand <= bound) or (direction > 0 and cand >= bound):",
        ">= -> >",
    ): "at cand == bound, cand = bound changes nothing",
    (
        "spread/fit/_uncertainty.py",
        "cand = bound | if not math.isfinite(cand): | break",
        "break -> continue",
    ): "only the last multiplier (inf) can make a non-finite candidate, so the loop ends either way",
    (
        "spread/fit/_uncertainty.py",
        "break | d = _profile_nll(problem, j, cand) - f0 - target | if d > 0:",
        "> -> >=",
    ): "d == 0 exactly: brentq then returns that very point as the root, whichever end holds it",
    (
        "spread/fit/_uncertainty.py",
        "inner = cand | if cand == bound: | break",
        "break -> continue",
    ): "the remaining multipliers clamp to the same bound and find the same d: the search only repeats an evaluation",
    (
        "spread/fit/_uncertainty.py",
        "if found is None: | ends.append( | math.inf * direction",
        "* -> /",
    ): "direction is -1 or 1: inf / direction is inf * direction",
    (
        "spread/fit/_uncertainty.py",
        "math.inf * direction | if not problem.logs[j] | else (0.0 if direction < 0 else math.inf)",
        "< -> <=",
    ): "direction is -1 or 1, never 0",
    (
        "spread/fit/_uncertainty.py",
        "math.inf * direction | if not problem.logs[j] | else (0.0 if direction < 0 else math.inf)",
        "0 -> 1",
    ): "direction is -1 or 1: direction < 1 is direction < 0",
    (
        "spread/fit/_uncertainty.py",
        "if sim.observed_total <= 0: | return None | "
        "res, _, _ = minimize_likelihood(sim, [problem.x_hat, *sim.starts_x[:1]], 500)",
        "500 -> 501",
    ): "an iteration cap the bootstrap refits (from the estimate) never come near",
    (
        "spread/fit/_uncertainty.py",
        "if sim.observed_total <= 0: | return None | "
        "res, _, _ = minimize_likelihood(sim, [problem.x_hat, *sim.starts_x[:1]], 500)",
        "500 -> 499",
    ): "an iteration cap the bootstrap refits (from the estimate) never come near",
    (
        "spread/fit/_uncertainty.py",
        "frame = pd.DataFrame(new, columns=list(problem.names), dtype=np.float64) | if rows: | frame = pd.concat([rows[0], frame], ignore_index=True)",
        "0 -> (-1)",
    ): "rows holds at most one frame: rows[-1] is rows[0]",
    (
        "spread/im/rrsets.py",
        "*, | first=0, | n_threads=1,",
        "1 -> 2",
    ): "the default thread count: the sets depend only on (root, r), not on the threads",
    (
        "spread/im/rrsets.py",
        "*, | first=0, | n_threads=1,",
        "1 -> 0",
    ): "the default thread count: the sets depend only on (root, r), not on the threads",
    (
        "spread/im/rrsets.py",
        "self.companions = tuple(companions) | "
        "self.max_memory = default_memory_limit() if max_memory is None else int(max_memory) | "
        "self._members = np.empty(0, dtype=np.int32)",
        "0 -> 1",
    ): "the first member buffer's size: extend grows it as needed",
    (
        "spread/im/rrsets.py",
        "self.max_memory = default_memory_limit() if max_memory is None else int(max_memory) | "
        "self._members = np.empty(0, dtype=np.int32) | self._offsets = np.zeros(1, dtype=np.int64)",
        "1 -> 2",
    ): "_offsets always has n_sets + 1 entries in use; slices clip",
    (
        "spread/im/rrsets.py",
        "node_scale = inv_log1m(node_p) | else: | "
        "p_in, src_in = np.empty(0), np.empty(0, dtype=np.int32)",
        "0 -> 1",
    ): "with a uniform p the kernel never reads p_in or src_in (every node takes the shared path)",
    (
        "spread/im/rrsets.py",
        "if self.client is not None: | chunks = self._sample_on_cluster(start, stop, avg) | "
        "elif self.n_threads > 1 and len(jobs) > 1:",
        "> -> >=",
    ): "threads or not, each chunk's sets depend only on (root, r): the same sets",
    (
        "spread/im/rrsets.py",
        "if self.client is not None: | chunks = self._sample_on_cluster(start, stop, avg) | "
        "elif self.n_threads > 1 and len(jobs) > 1:",
        "1 -> 2",
    ): "threads or not, each chunk's sets depend only on (root, r): the same sets",
    (
        "spread/im/rrsets.py",
        "if self.client is not None: | chunks = self._sample_on_cluster(start, stop, avg) | "
        "elif self.n_threads > 1 and len(jobs) > 1:",
        "1 -> 0",
    ): "threads or not, each chunk's sets depend only on (root, r): the same sets",
    (
        "spread/im/rrsets.py",
        "if self.client is not None: | chunks = self._sample_on_cluster(start, stop, avg) | "
        "elif self.n_threads > 1 and len(jobs) > 1:",
        "and -> or",
    ): "threads or not, each chunk's sets depend only on (root, r): the same sets",
    (
        "spread/im/rrsets.py",
        "new_members = sum(m.shape[0] for _, m in chunks) | "
        "need = self._n_members + new_members | if need > self._members.shape[0]:",
        "> -> >=",
    ): "growing the member buffer when it is exactly full keeps the same contents",
    (
        "spread/im/rrsets.py",
        "grown[: self._n_members] = self._members[: self._n_members] | self._members = grown | "
        "offsets_all = np.empty(target + 1, dtype=np.int64)",
        "1 -> 2",
    ): "one more offset slot; the collection uses (and flat returns) n_sets + 1",
    (
        "spread/im/rrsets.py",
        "self._members = grown | offsets_all = np.empty(target + 1, dtype=np.int64) | "
        "offsets_all[: self._n_sets + 1] = self._offsets[: self._n_sets + 1]",
        "1 -> 2",
    ): "the source slice clips at _offsets' n_sets + 1 entries: the same copy",
    (
        "spread/im/rrsets.py",
        'def flat(self): | """All sets as ``(offsets, members)`` views (no copy).""" | '
        "return self._offsets[: self._n_sets + 1], self._members[: self._n_members]",
        "1 -> 2",
    ): "_offsets has exactly n_sets + 1 entries: the slice clips",
    (
        "spread/models/_sis_event_kernels.py",
        "m = table.shape[0] - 1 | pos = u * m | i = min(np.int64(pos), m - 1)",
        "- -> +",
    ): _CLAMP,
    (
        "spread/models/_sis_event_kernels.py",
        "m = table.shape[0] - 1 | pos = u * m | i = min(np.int64(pos), m - 1)",
        "1 -> 0",
    ): _CLAMP,
    (
        "spread/models/_sis_event_kernels.py",
        "s, z = _normal(s) | v = 1.0 + c * z | if v <= 0.0:",
        "<= -> <",
    ): "v = 0 exactly (z = -1 / c to the last bit, probability about 2**-53): rejected by"
    " the test below as well (log(0) = -inf), one uniform later",
    (
        "spread/models/_sis_event_kernels.py",
        "v = v * v * v | s, u = _next_uniform(s) | "
        "if np.log1p(-u) < 0.5 * z * z + d - d * v + d * np.log(v):",
        "< -> <=",
    ): _SIS_TIE,
    (
        "spread/models/_sis_event_kernels.py",
        "if law == GEOMETRIC: | s, u = _next_uniform(s) | if aj >= 1.0:",
        ">= -> >",
    ): "at p = 1 the formula gives 1 as well: log1p(-u) / log1p(-1) is +0.0 (or -0.0 at u = 0),"
    " so 1 + floor(...) = 1.0; the branch is a shortcut",
    (
        "spread/models/_sis_event_kernels.py",
        "while i > 0: | parent = (i - 1) >> 1 | "
        "if ht[parent] < t or (ht[parent] == t and hc[parent] < code):",
        "< -> <= @62",
    ): "the queue holds at most one pending event per code (per arc, per node), so a parent"
    " never has the pushed event's code",
    (
        "spread/models/_sis_event_kernels.py",
        "first_c = hc[0] | size -= 1 | if size > 0:",
        "0 -> (-1)",
    ): "with the heap emptied the sift breaks at once (child 1 >= 0) and writes ht[0], hc[0]"
    " back over themselves",
    (
        "spread/models/_sis_event_kernels.py",
        "first_c = hc[0] | size -= 1 | if size > 0:",
        "> -> >=",
    ): "with the heap emptied the sift breaks at once (child 1 >= 0) and writes ht[0], hc[0]"
    " back over themselves",
    (
        "spread/models/_sis_event_kernels.py",
        "break | right = child + 1 | if right < size and (",
        "< -> <=",
    ): "at right == size that slot still holds the event being placed (writes stay below"
    " size): taking it moves the event one level down, past the heap, and writes it where"
    " the sift would have stopped; the first size slots are as before",
    (
        "spread/models/_sis_event_kernels.py",
        "right = child + 1 | if right < size and ( | "
        "ht[right] < ht[child] or (ht[right] == ht[child] and hc[right] < hc[child])",
        "< -> <= @80",
    ): "the queue holds at most one pending event per code: two children never share one",
    (
        "spread/models/_sis_event_kernels.py",
        "): | child = right | if t < ht[child] or (t == ht[child] and code < hc[child]):",
        "< -> <= @58",
    ): "the queue holds at most one pending event per code: the event being placed and a"
    " child never share one",
    (
        "spread/models/_sis_event_kernels.py",
        "while True: | child = 2 * i + 1 | if child >= size:",
        ">= -> >",
    ): "at child == size that slot still holds the event being placed, not before itself:"
    " it moves one level down into the slot past the heap (the buffer has n + m > size"
    " slots), and the first size slots are as before",
    (
        "spread/models/_sis_event_kernels.py",
        "if p[j] <= 0.0: | return state, np.inf, c | aj = a[j] if a.shape[0] > 1 else a[0]",
        "0 -> (-1)",
    ): _ONE_PARAMETER,
    (
        "spread/models/_sis_event_kernels.py",
        "return state, np.inf, c | aj = a[j] if a.shape[0] > 1 else a[0] | "
        "bj = b[j] if b.shape[0] > 1 else b[0]",
        "0 -> (-1)",
    ): _ONE_PARAMETER,
    (
        "spread/models/_sis_event_kernels.py",
        "infected[u] = tag | state, d = draw_delay( | "
        "rlaw, ra[u] if ra.shape[0] > 1 else ra[0], rb[u] if rb.shape[0] > 1 else rb[0],",
        "0 -> (-1)",
    ): _ONE_PARAMETER,
    (
        "spread/models/_sis_event_kernels.py",
        "return state, np.inf, c | "
        "while c < hi and ctimes[c] < e and ctimes[c] <= last: | "
        "if _indexed_uniform(cstate, c) < p[j]:",
        "< -> <=",
    ): "a contact's coin at equality, u == p[j]: probability about 2**-53 per draw",
    (
        "spread/models/_sis_event_kernels.py",
        "if infected[w] == tag and end[w] >= e: | continue | c = 0",
        "0 -> 1",
    ): _STATIC_CURSOR,
    (
        "spread/models/_sis_event_kernels.py",
        "if infected[w] == tag and end[w] >= e: | continue | c = 0",
        "0 -> (-1)",
    ): _STATIC_CURSOR,
    (
        "spread/models/_sis_event_kernels.py",
        "state, s, c = _transmission( | "
        "j, c, t, e, last, temporal, every, p, law, a, b, table, contact_times, | "
        "contact_ptr[j + 1] if temporal else 0, cstate, state,",
        "0 -> 1",
    ): _STATIC_CURSOR,
    (
        "spread/models/_sis_event_kernels.py",
        "state, s, c = _transmission( | "
        "j, c, t, e, last, temporal, every, p, law, a, b, table, contact_times, | "
        "contact_ptr[j + 1] if temporal else 0, cstate, state,",
        "0 -> (-1)",
    ): _STATIC_CURSOR,
    (
        "spread/models/_sis_event_kernels.py",
        "if k < cap: | level_row[k] = n_inf | if n_inf > 0:",
        "> -> >= @22",
    ): "in the event loop (column 22; not the loop after it, column 18) n_inf > 0 whenever"
    " an event is pending: a pending recovery's node and a pending transmission's tail"
    " (its period ends after the transmission) are infectious",
    (
        "spread/models/_sis_event_kernels.py",
        "state, s, c = _transmission( | "
        "j, cursor[j] + 1, t, arc_end[j], last, temporal, every, p, law, a, b, table, | "
        "contact_times, contact_ptr[j + 1] if temporal else 0, cstate, state,",
        "0 -> 1",
    ): _STATIC_CURSOR,
    (
        "spread/models/_sis_event_kernels.py",
        "state, s, c = _transmission( | "
        "j, cursor[j] + 1, t, arc_end[j], last, temporal, every, p, law, a, b, table, | "
        "contact_times, contact_ptr[j + 1] if temporal else 0, cstate, state,",
        "0 -> (-1)",
    ): _STATIC_CURSOR,
    (
        "spread/models/_sis_event_kernels.py",
        "`steps[i, k]` first infections per bin, `levels[i, k]` the infectious at time ``k | "
        'time_step``, `times[i, v]` the first infection time of v (NaN: never).""" | '
        "n = indptr.shape[0] - 1",
        "- -> +",
    ): _BATCH_SCRATCH,
    (
        "spread/models/_sis_event_kernels.py",
        "`steps[i, k]` first infections per bin, `levels[i, k]` the infectious at time ``k | "
        'time_step``, `times[i, v]` the first infection time of v (NaN: never).""" | '
        "n = indptr.shape[0] - 1",
        "1 -> 0",
    ): _BATCH_SCRATCH,
    (
        "spread/models/_sis_event_kernels.py",
        "for i in range(lo, hi): | state = _run_state(root, run0 + i) | "
        "row = times[i] if keep_times else times[0]",
        "0 -> 1",
    ): "without keep_times the row is never read or written (a view past the (1, 1)"
    " placeholder, never touched)",
    (
        "spread/models/_sis_event_kernels.py",
        "for i in range(lo, hi): | state = _run_state(root, run0 + i) | "
        "row = times[i] if keep_times else times[0]",
        "0 -> (-1)",
    ): "without keep_times the placeholder has one row: times[-1] is times[0]",
    (
        "spread/models/_sis_event_kernels.py",
        "row = times[i] if keep_times else times[0] | seed_set = (run0 + i) % n_sets | "
        "tag = np.int32(i - lo + 1)",
        "- -> +",
    ): _RUN_TAGS,
    (
        "spread/models/_sis_event_kernels.py",
        "row = times[i] if keep_times else times[0] | seed_set = (run0 + i) % n_sets | "
        "tag = np.int32(i - lo + 1)",
        "1 -> 2",
    ): _RUN_TAGS,
    (
        "spread/models/_sis_event_kernels.py",
        "k += 1 | if code < n:  # a recovery | infected[code] = 0",
        "0 -> (-1)",
    ): "infected[] is only compared with the run's tag (>= 1): -1 and 0 both mean not infectious",
    (
        "spread/models/_sis_event_kernels.py",
        "if k < cap: | level_row[k] = n_inf | if n_inf > 0:",
        "0 -> (-1)",
    ): "in the event loop n_inf > 0 whenever an event is pending (a pending recovery's node"
    " and a pending transmission's tail are infectious); after it, the bins it adds have"
    " level 0 and only widen the buffer, whose trailing zero columns _stack_steps cuts",
    (
        "spread/models/_ctic_kernels.py",
        "s, z = _normal(s) | v = 1.0 + c * z | if v <= 0.0:",
        "<= -> <",
    ): "as the event SIS kernel's copy: v = 0 exactly has probability about 2**-53, and"
    " log(0) = -inf rejects it below as well",
    (
        "spread/models/_ctic_kernels.py",
        "v = v * v * v | s, u = _next_uniform(s) | "
        "if np.log1p(-u) < 0.5 * z * z + d - d * v + d * np.log(v):",
        "< -> <=",
    ): _SIS_TIE,
    (
        "spread/models/_ctic_kernels.py",
        "if law == GEOMETRIC:  # the first success of Bernoulli(aj) trials, one per step | "
        "s, u = _next_uniform(s) | if aj >= 1.0:",
        ">= -> >",
    ): "as the event SIS kernel's copy: at p = 1 the formula gives 1 as well (log1p(-u) /"
    " log1p(-1) is a zero), so the branch is a shortcut",
    (
        "spread/models/_ctic_kernels.py",
        "s = _mix(delay_state + (np.uint64(j) + np.uint64(1)) * _GOLDEN) | "
        "aj = a[j] if a.shape[0] > 1 else a[0] | bj = b[j] if b.shape[0] > 1 else b[0]",
        "0 -> (-1)",
    ): _ONE_PARAMETER,
    (
        "spread/models/_ctic_kernels.py",
        "parent = (i - 1) >> 1 | w = heap[parent] | if key[w] <= kv:",
        "<= -> <",
    ): _CTIC_TIES,
    (
        "spread/models/_ctic_kernels.py",
        "while True: | child = 2 * i + 1 | if child >= size:",
        ">= -> >",
    ): _SIFT_PAST_SIZE,
    (
        "spread/models/_ctic_kernels.py",
        "break | w = heap[child] | if child + 1 < size and key[heap[child + 1]] < key[w]:",
        "+ -> -",
    ): _SIFT_PAST_SIZE,
    (
        "spread/models/_ctic_kernels.py",
        "break | w = heap[child] | if child + 1 < size and key[heap[child + 1]] < key[w]:",
        "< -> <= @22",
    ): _SIFT_PAST_SIZE,
    (
        "spread/models/_ctic_kernels.py",
        "break | w = heap[child] | if child + 1 < size and key[heap[child + 1]] < key[w]:",
        "< -> <= @54",
    ): _CTIC_TIES,
    (
        "spread/models/_ctic_kernels.py",
        "child += 1 | w = heap[child] | if kv <= key[w]:",
        "<= -> <",
    ): _CTIC_TIES,
    (
        "spread/models/_ctic_kernels.py",
        "if horizon < np.inf:  # t <= horizon: rounding put it one bin too far | "
        "return max_bins | return max_bins + 1",
        "1 -> 2",
    ): "a bin past the last is only compared: rows hold at most max_bins + 1 bins (k < cap"
    " fails for both) and the depth clips at max_bins",
    (
        "spread/models/_ctic_kernels.py",
        "adopted = 0 | weight = 0.0 | last_bin = 0",
        "0 -> (-1)",
    ): "the seeds pop first, at time 0 (bin 0 > -1), and set last_bin = 0",
    (
        "spread/models/_ctic_kernels.py",
        "t = arrival[u] | size -= 1 | if size > 0:",
        "> -> >=",
    ): _EMPTIED_HEAP,
    (
        "spread/models/_ctic_kernels.py",
        "t = arrival[u] | size -= 1 | if size > 0:",
        "0 -> (-1)",
    ): _EMPTIED_HEAP,
    (
        "spread/models/_ctic_kernels.py",
        "if k < cap: | steps_row[k] += 1 | if k > last_bin:",
        "> -> >=",
    ): "k == last_bin <= max_bins: min(k, max_bins) is last_bin again",
    (
        "spread/models/_ctic_kernels.py",
        "if k < cap: | rec_row[k] += 1 | if k > last_bin:",
        "> -> >=",
    ): "k == last_bin <= max_bins: min(k, max_bins) is last_bin again",
    (
        "spread/models/_ctic_kernels.py",
        "size += 1 | _sift_up(heap, pos, arrival, size - 1) | elif at < arrival[v]:",
        "< -> <=",
    ): "as rr_sets_ctic's: an equal offer rewrites the same time and the sift-up stops at once",
    (
        "spread/models/_ctic_kernels.py",
        'infected. | """ | n = indptr.shape[0] - 1',
        "- -> +",
    ): _BATCH_SCRATCH,
    (
        "spread/models/_ctic_kernels.py",
        'infected. | """ | n = indptr.shape[0] - 1',
        "1 -> 0",
    ): _BATCH_SCRATCH,
    (
        "spread/models/_ctic_kernels.py",
        "max_steps, | state, | np.int32(i - lo + 1),",
        "- -> +",
    ): _RUN_TAGS,
    (
        "spread/models/_ctic_kernels.py",
        "max_steps, | state, | np.int32(i - lo + 1),",
        "1 -> 2",
    ): _RUN_TAGS,
    (
        "spread/models/_ctic_kernels.py",
        '""" | s = _mix(delay_state + (np.uint64(j) + np.uint64(1)) * _GOLDEN) | '
        "aj = a[j] if a.shape[0] > 1 else a[0]",
        "0 -> (-1)",
    ): "the else branch runs only for one shared parameter (length 1): a[-1] is a[0]",
    (
        "spread/models/_ctic_kernels.py",
        "break | w = heap[child] | if child + 1 < size and key[heap[child + 1]] < key[w]:",
        "1 -> 0 @20",
    ): "the sift-downs run only after a pop, which leaves the moved node v in heap[size]"
    " (writes stay below size): at child + 1 == size the right 'child' is v itself, and"
    " taking it stops the sift where the left child's key > kv stops it too",
    (
        "spread/models/_ctic_kernels.py",
        "state = _run_state(root, run0 + i) | row = times[i] if keep_"
        "times else times[0] | rec_row = recoveries[i] if recover else recoveries[0]",
        "0 -> 1",
    ): "without recover the row is never read or written (a view past the (1, 1) placeholder, never touched)",
    (
        "spread/models/_ctic_kernels.py",
        "state = _run_state(root, run0 + i) | row = times[i] if keep_"
        "times else times[0] | rec_row = recoveries[i] if recover else recoveries[0]",
        "0 -> (-1)",
    ): "without recover the placeholder has one row: recoveries[-1] is recoveries[0]",
    (
        "spread/models/_ctic_kernels.py",
        "state = _run_state(root, run0 + i) | row = times[i] if keep_times else times[0] | "
        "rec = recoveries[i] if recover else recoveries[0]",
        "0 -> 1",
    ): "without recover the row is never read or written (temporal_batch, as ctic_batch)",
    (
        "spread/models/_ctic_kernels.py",
        "state = _run_state(root, run0 + i) | row = times[i] if keep_times else times[0] | "
        "rec = recoveries[i] if recover else recoveries[0]",
        "0 -> (-1)",
    ): "without recover the placeholder has one row: recoveries[-1] is recoveries[0]",
    (
        "spread/models/_ctic_kernels.py",
        "for i in range(lo, hi): | state = _run_state(root, run0 + i) | "
        "row = times[i] if keep_times else times[0]",
        "0 -> 1",
    ): "without keep_times the row is never read or written (a view past the (1, 1) placeholder; ctic_batch and temporal_batch)",
    (
        "spread/models/_ctic_kernels.py",
        "for i in range(lo, hi): | state = _run_state(root, run0 + i) | "
        "row = times[i] if keep_times else times[0]",
        "0 -> (-1)",
    ): "without keep_times the placeholder has one row: times[-1] is times[0]",
    # TemporalIC's kernel (`_temporal_run`, `temporal_batch`), as CTIC's above.
    (
        "spread/models/_ctic_kernels.py",
        "size += 1  # all keys equal: already a heap | adopted = 0 | last_bin = 0",
        "0 -> (-1)",
    ): "the seeds pop first, at a bin k >= 0 > -1 (times before the origin are bin 0),"
    " and set last_bin = min(k, max_bins) as they would from 0",
    (
        "spread/models/_ctic_kernels.py",
        "if every: | while c < hi and contact_times[c] <= until: | "
        "if _indexed_uniform(cstate, c) < p[j]:",
        "< -> <=",
    ): "a contact's coin at equality, u == p[j]: probability about 2**-53 per draw",
    (
        "spread/models/_ctic_kernels.py",
        "if c == hi or contact_times[c] > until: | continue | "
        "elif _indexed_uniform(state, j) >= p[j]:",
        ">= -> >",
    ): "an arc's one coin at equality, u == p[j]: probability about 2**-53 per draw",
    (
        "spread/models/_ctic_kernels.py",
        '"""Runs ``run0 .. run0 + len(final_sizes) - 1`` over timestamped contacts | '
        '(`spread.TemporalIC`), with `ctic_batch`\'s layout (see `_temporal_run`).""" | '
        "n = indptr.shape[0] - 1",
        "- -> +",
    ): _BATCH_SCRATCH,
    (
        "spread/models/_ctic_kernels.py",
        '"""Runs ``run0 .. run0 + len(final_sizes) - 1`` over timestamped contacts | '
        '(`spread.TemporalIC`), with `ctic_batch`\'s layout (see `_temporal_run`).""" | '
        "n = indptr.shape[0] - 1",
        "1 -> 0",
    ): _BATCH_SCRATCH,
    (
        "spread/models/_ctic_kernels.py",
        "rec = recoveries[i] if recover else recoveries[0] | seed_set = (run0 + i) % n_sets | "
        "tag = np.int32(i - lo + 1)",
        "- -> +",
    ): _RUN_TAGS,
    (
        "spread/models/_ctic_kernels.py",
        "rec = recoveries[i] if recover else recoveries[0] | seed_set = (run0 + i) % n_sets | "
        "tag = np.int32(i - lo + 1)",
        "1 -> 2",
    ): _RUN_TAGS,
    (
        "spread/models/heat.py",
        "k0 = max(0, int(np.floor(lam - 40.0 * sd - 60.0)))  # mass outside [k0, k1] < 1e-300 | "
        "k1 = int(np.ceil(lam + 40.0 * sd + 60.0)) | "
        "up = np.cumsum(np.log(lam / np.arange(mode + 1, k1 + 1)))  # log p(k)/p(mode), k > mode",
        "+ -> - @56",
    ): _POISSON_GRID_END,
    (
        "spread/models/heat.py",
        "k0 = max(0, int(np.floor(lam - 40.0 * sd - 60.0)))  # mass outside [k0, k1] < 1e-300 | "
        "k1 = int(np.ceil(lam + 40.0 * sd + 60.0)) | "
        "up = np.cumsum(np.log(lam / np.arange(mode + 1, k1 + 1)))  # log p(k)/p(mode), k > mode",
        "1 -> 2 @58",
    ): _POISSON_GRID_END,
    (
        "spread/models/heat.py",
        "k0 = max(0, int(np.floor(lam - 40.0 * sd - 60.0)))  # mass outside [k0, k1] < 1e-300 | "
        "k1 = int(np.ceil(lam + 40.0 * sd + 60.0)) | "
        "up = np.cumsum(np.log(lam / np.arange(mode + 1, k1 + 1)))  # log p(k)/p(mode), k > mode",
        "1 -> 0 @58",
    ): _POISSON_GRID_END,
    (
        "spread/models/heat.py",
        "down = np.cumsum(np.log(np.arange(mode, k0, -1) / lam))  # log p(k)/p(mode), k < mode | "
        "logp = np.concatenate((down[::-1], [0.0], up)) | k = np.arange(k0, k1 + 1)",
        "+ -> -",
    ): _POISSON_GRID_END,
    (
        "spread/models/heat.py",
        "down = np.cumsum(np.log(np.arange(mode, k0, -1) / lam))  # log p(k)/p(mode), k < mode | "
        "logp = np.concatenate((down[::-1], [0.0], up)) | k = np.arange(k0, k1 + 1)",
        "1 -> 2",
    ): _POISSON_GRID_END,
    (
        "spread/models/heat.py",
        "down = np.cumsum(np.log(np.arange(mode, k0, -1) / lam))  # log p(k)/p(mode), k < mode | "
        "logp = np.concatenate((down[::-1], [0.0], up)) | k = np.arange(k0, k1 + 1)",
        "1 -> 0",
    ): _POISSON_GRID_END,
    (
        "spread/models/heat.py",
        'lo = int(np.searchsorted(below, eps / 2, side="right")) - 1 | lo = max(lo, 0) | '
        "hi = lo + int(np.argmax(above[lo:] <= eps / 2))",
        "<= -> <",
    ): "an upper tail sum equal to eps / 2 to the last bit: the window one index longer"
    " there, its mass left out still <= eps (a float tie, no seed or lam to be found"
    " for it)",
    (
        "spread/models/heat.py",
        ' | _KINDS = ("undirected", "directed", "normalized") | _PARALLEL_MIN_ARCS = 1_000_000',
        "1_000_000 -> 1000001",
    ): _HEAT_THREADS,
    (
        "spread/models/heat.py",
        ' | _KINDS = ("undirected", "directed", "normalized") | _PARALLEL_MIN_ARCS = 1_000_000',
        "1_000_000 -> 999999",
    ): _HEAT_THREADS,
    (
        "spread/models/heat.py",
        "cond, col, row, delta, q = parts | starts, ptr, flat, _ = windows | "
        "k_max = max(s + w.size - 1 for s, w in zip(starts, flat, strict=True))",
        "- -> +",
    ): _HEAT_PASSES,
    (
        "spread/models/heat.py",
        "cond, col, row, delta, q = parts | starts, ptr, flat, _ = windows | "
        "k_max = max(s + w.size - 1 for s, w in zip(starts, flat, strict=True))",
        "1 -> 0",
    ): _HEAT_PASSES,
    (
        "spread/models/heat.py",
        "above = np.concatenate((np.cumsum(pmf[::-1])[::-1][1:], [0.0]))  # P(X > k) | "
        'lo = int(np.searchsorted(below, eps / 2, side="right")) - 1 | lo = max(lo, 0)',
        "0 -> (-1)",
    ): 'below[0] = 0 <= eps / 2, so searchsorted(side="right") is >= 1 and lo >= 0: the max'
    " never binds",
    (
        "spread/models/heat.py",
        'col, row, delta = ones, ones, out_w | elif kind == "directed": | '
        "col, row, delta = np.where(has_out, 1.0 / safe, 0.0), ones, has_out * 1.0",
        "* -> /",
    ): "a boolean times or over 1.0: the same 0.0 or 1.0",
    (
        "spread/models/heat.py",
        "else: | inv_sqrt = np.where(has_out, 1.0 / np.sqrt(safe), 0.0) | "
        "col, row, delta = inv_sqrt, inv_sqrt, has_out * 1.0",
        "* -> /",
    ): "a boolean times or over 1.0: the same 0.0 or 1.0",
    (
        "spread/models/heat.py",
        "sources = np.asarray(sources, dtype=np.int64) | result = np.empty((sources.size, n)) | "
        "block = 16",
        "16 -> 17",
    ): "sources per sweep: each source's column is swept alone, in blocks of any size",
    (
        "spread/models/heat.py",
        "sources = np.asarray(sources, dtype=np.int64) | result = np.empty((sources.size, n)) | "
        "block = 16",
        "16 -> 15",
    ): "sources per sweep: each source's column is swept alone, in blocks of any size",
    (
        "spread/models/heat.py",
        "result = np.empty((sources.size, n)) | block = 16 | "
        "n_jobs = None if graph.n_edges >= _PARALLEL_MIN_ARCS else 1",
        ">= -> >",
    ): _HEAT_THREADS,
    (
        "spread/models/heat.py",
        "result = np.empty((sources.size, n)) | block = 16 | "
        "n_jobs = None if graph.n_edges >= _PARALLEL_MIN_ARCS else 1",
        "1 -> 2",
    ): _HEAT_THREADS,
    (
        "spread/models/heat.py",
        "f0 = np.zeros((n, chunk.size)) | "
        "f0[chunk, np.arange(chunk.size)] = float(self.source_heat) | "
        "out = np.zeros((1, n, chunk.size))",
        "1 -> 2",
    ): "a second time slice that no window writes and nothing reads (out[0] is read)",
    (
        "spread/models/heat.py",
        "out = np.zeros((1, n, chunk.size)) | "
        "_sweep(_heat_kernels.heat_sweep_block, graph, parts, windows, f0, out) | "
        "result[lo : lo + chunk.size] = out[0].T",
        "0 -> (-1)",
    ): "out has one time slice: out[-1] is out[0]",
    (
        "spread/models/heat.py",
        "k_max = max(s + w.size - 1 for s, w in zip(starts, flat, strict=True)) | "
        "out = np.zeros((times.size, n), dtype=np.float64) | "
        "if n_jobs is None and graph.n_edges < _PARALLEL_MIN_ARCS:",
        "is -> is not",
    ): _HEAT_THREADS,
    (
        "spread/models/heat.py",
        "k_max = max(s + w.size - 1 for s, w in zip(starts, flat, strict=True)) | "
        "out = np.zeros((times.size, n), dtype=np.float64) | "
        "if n_jobs is None and graph.n_edges < _PARALLEL_MIN_ARCS:",
        "and -> or",
    ): _HEAT_THREADS,
    (
        "spread/models/heat.py",
        "k_max = max(s + w.size - 1 for s, w in zip(starts, flat, strict=True)) | "
        "out = np.zeros((times.size, n), dtype=np.float64) | "
        "if n_jobs is None and graph.n_edges < _PARALLEL_MIN_ARCS:",
        "< -> <=",
    ): _HEAT_THREADS,
    (
        "spread/models/heat.py",
        "out = np.zeros((times.size, n), dtype=np.float64) | "
        "if n_jobs is None and graph.n_edges < _PARALLEL_MIN_ARCS: | "
        "n_jobs = 1  # one barrier per term: threads only pay off on big graphs",
        "1 -> 2",
    ): _HEAT_THREADS,
    (
        "spread/models/heat.py",
        "adopted[order] = adopted_sorted | "
        "first = np.where(reached.any(axis=0), reached.argmax(axis=0), -1) | "
        "adoption_time = np.where(first >= 0, times[order][np.maximum(first, 0)], np.nan)",
        "0 -> (-1) @81",
    ): "first = -1 (never adopted) indexes times[-1] instead of times[0], and np.where puts"
    " NaN there either way",
    (
        "spread/models/_sis_kernels.py",
        "n_steps = min(np.int64(np.floor(horizon)), max_bins) | for k in range(1, n_steps + 1): | "
        "if n_inf == 0:",
        "0 -> (-1)",
    ): "a discrete step with nobody infectious draws nothing, infects nobody, writes a level of"
    " 0 into a zeroed row and leaves `last`: the early break only saves the steps",
    (
        "spread/models/_sis_kernels.py",
        "for k in range(1, n_steps + 1): | if n_inf == 0: | break",
        "break -> continue",
    ): "a discrete step with nobody infectious draws nothing, infects nobody, writes a level of"
    " 0 into a zeroed row and leaves `last`: the early break only saves the steps",
    (
        "spread/models/_sis_kernels.py",
        "continue | state, x = _next_uniform(state) | if x < beta:",
        "< -> <=",
    ): _SIS_TIE,
    (
        "spread/models/_sis_kernels.py",
        'time ``k time_step``, `times[i, v]` the first infection time of v (NaN: never). | """ | '
        "n = indptr.shape[0] - 1",
        "- -> +",
    ): "n only sizes the per-chunk scratch arrays: longer, never read past the nodes",
    (
        "spread/models/_sis_kernels.py",
        'time ``k time_step``, `times[i, v]` the first infection time of v (NaN: never). | """ | '
        "n = indptr.shape[0] - 1",
        "1 -> 0",
    ): "n only sizes the per-chunk scratch arrays: longer, never read past the nodes",
    (
        "spread/models/_sis_kernels.py",
        "for i in range(lo, hi): | state = _run_state(root, run0 + i) | "
        "row = times[i] if keep_times else times[0]",
        "0 -> 1",
    ): "without keep_times the row is never read or written (a view past the (1, 1) placeholder)",
    (
        "spread/models/_sis_kernels.py",
        "for i in range(lo, hi): | state = _run_state(root, run0 + i) | "
        "row = times[i] if keep_times else times[0]",
        "0 -> (-1)",
    ): "without keep_times the placeholder has one row: times[-1] is times[0]",
    (
        "spread/models/_sis_kernels.py",
        "row = times[i] if keep_times else times[0] | seed_set = (run0 + i) % n_sets | "
        "tag = np.int32(i - lo + 1)",
        "- -> +",
    ): "a run tag need only be >= 1 (the fresh stamp is 0) and differ from the earlier"
    " runs' of its chunk: i + lo + 1 and i - lo + 2 grow with i as i - lo + 1 does",
    (
        "spread/models/_sis_kernels.py",
        "row = times[i] if keep_times else times[0] | seed_set = (run0 + i) % n_sets | "
        "tag = np.int32(i - lo + 1)",
        "1 -> 2",
    ): "a run tag need only be >= 1 (the fresh stamp is 0) and differ from the earlier"
    " runs' of its chunk: i + lo + 1 and i - lo + 2 grow with i as i - lo + 1 does",
    (
        "spread/models/_sis_kernels.py",
        "level_row[0] = n_inf | last = 0 | k = 1  # the next bin end to record",
        "1 -> 0",
    ): "bin 0 recorded again at the first event, before it: the same level (the seeds),"
    " and `last` = 0 again",
    (
        "spread/models/_sis_kernels.py",
        "state, u = _next_uniform(state) | t += -np.log1p(-u) / rate | "
        "while k <= max_bins and k * time_step < t and k * time_step <= horizon:",
        "<= -> < @17",
    ): "max_bins = ceil(horizon / time_step): its bin end is past the horizon (never"
    " written in the loop), at it (written only before the break, by the final loop"
    " alike), or, by rounding, within an ulp below it, where only an event in that ulp"
    " tells them apart (tests/MUTATION.md)",
    (
        "spread/models/_sis_kernels.py",
        "state, u = _next_uniform(state) | t += -np.log1p(-u) / rate | "
        "while k <= max_bins and k * time_step < t and k * time_step <= horizon:",
        "< -> <=",
    ): _SIS_TIE,
    (
        "spread/models/_sis_kernels.py",
        "state, u = _next_uniform(state) | t += -np.log1p(-u) / rate | "
        "while k <= max_bins and k * time_step < t and k * time_step <= horizon:",
        "<= -> < @69",
    ): "a bin end exactly at the horizon is written in the loop only by the event past the"
    " horizon (k time_step < t <= horizon is impossible there), before the break; the"
    " final loop writes the same level and `last`",
    (
        "spread/models/_sis_kernels.py",
        "if k < cap: | level_row[k] = n_inf | if n_inf > 0:",
        "0 -> (-1) @24",
    ): "inside the event loop n_inf >= 1: a positive rate needs an infectious node",
    (
        "spread/models/_sis_kernels.py",
        "last = k | k += 1 | if t > horizon:",
        "> -> >=",
    ): _SIS_TIE,
    (
        "spread/models/_sis_kernels.py",
        "break | state, u = _next_uniform(state) | if u * rate < gamma * n_inf:  # a recovery",
        "< -> <=",
    ): _SIS_TIE,
    (
        "spread/models/_sis_kernels.py",
        "if u * rate < gamma * n_inf:  # a recovery | state, u = _next_uniform(state) | "
        "idx = min(np.int64(u * n_inf), n_inf - 1)",
        "1 -> 0",
    ): _CLAMP,
    (
        "spread/models/_sis_kernels.py",
        "members[idx] = moved | where[moved] = idx | infected[v] = 0",
        "0 -> (-1)",
    ): "a recovered node needs only infected[v] != tag, and tags are >= 1",
    (
        "spread/models/_sis_kernels.py",
        "while True:  # a transmission: an infectious node by out-degree, then its arc | "
        "state, u = _next_uniform(state) | v = members[min(np.int64(u * n_inf), n_inf - 1)]",
        "- -> +",
    ): _CLAMP,
    (
        "spread/models/_sis_kernels.py",
        "while True:  # a transmission: an infectious node by out-degree, then its arc | "
        "state, u = _next_uniform(state) | v = members[min(np.int64(u * n_inf), n_inf - 1)]",
        "1 -> 0",
    ): _CLAMP,
    (
        "spread/models/_sis_kernels.py",
        "d = indptr[v + 1] - indptr[v] | state, u = _next_uniform(state) | if u * max_degree < d:",
        "< -> <=",
    ): _SIS_TIE,
    (
        "spread/models/_sis_kernels.py",
        "break | state, u = _next_uniform(state) | "
        "w = indices[indptr[v] + min(np.int64(u * d), d - 1)]",
        "- -> +",
    ): _CLAMP,
    (
        "spread/models/_sis_kernels.py",
        "break | state, u = _next_uniform(state) | "
        "w = indices[indptr[v] + min(np.int64(u * d), d - 1)]",
        "1 -> 0",
    ): _CLAMP,
    (
        "spread/models/_sis_kernels.py",
        "if keep_times: | times_row[w] = t | b = max(np.int64(np.ceil(t / time_step)), 1)",
        "1 -> 0",
    ): "an event at t = 0 needs a first draw u = 0 exactly (t = -log1p(-u) / rate):"
    " probability 2**-53; any later t is > 0, so ceil(t / time_step) >= 1",
    (
        "spread/models/_sis_kernels.py",
        "if u * rate < gamma * n_inf:  # a recovery | state, u = _next_uniform(state) | "
        "idx = min(np.int64(u * n_inf), n_inf - 1)",
        "- -> +",
    ): "u <= 1 - 2**-53, so u * n_inf rounds below n_inf for every n_inf < 2**53: the clamp"
    " at n_inf - 1 never binds, nor one at n_inf + 1",
    (
        "spread/models/_sis_kernels.py",
        "state, x = _next_uniform(state) | if x < beta: | infected[w] = -tag",
        "-tag -> (tag)",
    ): "infected[] is only tested as == tag or == -tag together in the step's tries, a pending"
    " node is in no member slot the recoveries read, and the step's end sets it to tag",
    (
        "spread/models/_sis_kernels.py",
        "if k < cap: | level_row[k] = n_inf | if n_inf > 0:",
        "> -> >= @22",
    ): "inside the event loop n_inf >= 1: a positive rate needs an infectious node",
    (
        "spread/im/_rrset_kernels.py",
        "t = dist[w] | size -= 1 | if size > 0:",
        "0 -> (-1)",
    ): "with the heap emptied, heap[0] = heap[0] and the sift-down breaks at once; it only"
    " sets pos of the popped, settled node to 0, never read again in the set",
    (
        "spread/im/_rrset_kernels.py",
        "deadline = -key[w] | size -= 1 | if size > 0:",
        "0 -> (-1)",
    ): "as in rr_sets_ctic: heap[0] = heap[0], and only the settled node's pos is written",
    (
        "spread/im/_rrset_kernels.py",
        "at = 0 | for r in range(r0, r1): | tag = np.int32(r - r0 + 1)",
        "- -> +",
    ): "rr_sets_ctic and rr_sets_temporal: a tag need only be >= 1 and differ between the"
    " sets of one call; r + r0 + 1 is (below 2**30 sets)",
    (
        "spread/im/_rrset_kernels.py",
        "state, x = _next_uniform(state) | skip = np.log(1.0 - x) * inv_in[j] | if skip >= b - j:",
        ">= -> >",
    ): "subset sampling's jump: skip is log(1 - x) / log(1 - q), x a multiple of 2**-53; it"
    " equals the whole number b - j only for isolated x (a chance of the order of 2**-40 per"
    " draw), so no test can see the one jump the mutant would take onto slot b",
    (
        "spread/im/_rrset_kernels.py",
        "if pj < q: | state, x = _next_uniform(state) | if x * q >= pj:",
        ">= -> >",
    ): "the thinning coin: x * q == pj exactly has probability at most 2**-53 per draw (x a"
    " multiple of 2**-53), as for `x < p[j]` -> `x <= p[j]` in _ic_lt_kernels",
    (
        "spread/im/_rrset_kernels.py",
        "for j in range(start, b): | state, x = _next_uniform(state) | if x < p_in[j]:",
        "< -> <=",
    ): "a coin per arc: x == p_in[j] has probability at most 2**-53 per draw, as for"
    " `x < p[j]` -> `x <= p[j]` in _ic_lt_kernels",
    (
        "spread/im/_rrset_kernels.py",
        "for j in range(in_indptr[cur], in_indptr[cur + 1]): | acc += w_in[j] | if x < acc:",
        "< -> <=",
    ): "the LT walk's pick: x == acc (a partial sum of in-weights) has probability at most"
    " 2**-53 per draw, x a multiple of 2**-53",
    (
        "spread/im/_rrset_kernels.py",
        "@njit(cache=True, nogil=True) | def _grow(buf): | "
        "out = np.empty(max(2 * buf.shape[0], 16), dtype=buf.dtype)  # doubled, when full",
        "2 -> 3",
    ): "_grow is called when the buffer is full; tripling instead of doubling leaves more"
    " room, and only members[:pos] is returned",
    (
        "spread/im/_rrset_kernels.py",
        "@njit(cache=True, nogil=True) | def _grow(buf): | "
        "out = np.empty(max(2 * buf.shape[0], 16), dtype=buf.dtype)  # doubled, when full",
        "16 -> 17",
    ): "every buffer starts at max(capacity, 16) >= 16 slots, so 2 * len >= 32 > 17: the"
    " floor never binds",
    (
        "spread/im/_rrset_kernels.py",
        "@njit(cache=True, nogil=True) | def _grow(buf): | "
        "out = np.empty(max(2 * buf.shape[0], 16), dtype=buf.dtype)  # doubled, when full",
        "16 -> 15",
    ): "as for 16 -> 17: 2 * len >= 32, the floor never binds",
    (
        "spread/im/_rrset_kernels.py",
        "s, z = _normal(s) | v = 1.0 + c * z | if v <= 0.0:",
        "<= -> <",
    ): "v == 0 needs c z == -1 exactly, c = 1 / sqrt(9 d), z a Box-Muller normal of two"
    " 53-bit uniforms: no known draw gives it (probability about 2**-53 at most per"
    " attempt). The mutant would then draw one uniform more and reject (log 0 = -inf)",
    (
        "spread/im/_rrset_kernels.py",
        "v = v * v * v | s, u = _next_uniform(s) | "
        "if np.log1p(-u) < 0.5 * z * z + d - d * v + d * np.log(v):",
        "< -> <=",
    ): "Marsaglia and Tsang's acceptance test at equality: log1p(-u) of a multiple of 2**-53"
    " equal to the right side exactly, probability about 2**-53 per attempt, as for the"
    " coins' x < p -> x <= p",
    (
        "spread/im/_rrset_kernels.py",
        "if law == _GEOMETRIC: | s, u = _next_uniform(s) | if aj >= 1.0:",
        ">= -> >",
    ): "at aj == 1 the general formula gives the same delay: log1p(-u) / log1p(-1) is"
    " log1p(-u) / -inf = +0.0 (or -0.0 at u = 0), so 1 + floor(+-0) = 1.0; the uniform is"
    " drawn before the test either way",
    (
        "spread/im/_rrset_kernels.py",
        "while True: | child = 2 * i + 1 | if child >= size:",
        ">= -> >",
    ): "_sift_down runs only on a pop, after heap[0] = heap[size], and writes below size:"
    " heap[size] is the node v being sifted. At child == size the mutant reads it, finds"
    " kv <= key[v] and breaks, as the original does one test earlier",
    (
        "spread/im/_rrset_kernels.py",
        "break | w = heap[child] | if child + 1 < size and key[heap[child + 1]] < key[w]:",
        "+ -> - @18",
    ): "child - 1 < size always holds (child < size): the right sibling is then read at"
    " child + 1 == size, which is heap[size], the sifted node v itself (see >= -> > on"
    " the line above). Picking it means key[v] < key[left], where the original breaks"
    " too; otherwise the left child is kept, as in the original",
    (
        "spread/im/_rrset_kernels.py",
        "break | w = heap[child] | if child + 1 < size and key[heap[child + 1]] < key[w]:",
        "1 -> 0 @20",
    ): "child < size always holds: as + -> - @18, the extra read is heap[size], the sifted"
    " node itself",
    (
        "spread/im/_rrset_kernels.py",
        "break | w = heap[child] | if child + 1 < size and key[heap[child + 1]] < key[w]:",
        "< -> <= @22",
    ): "the extra case child + 1 == size reads heap[size], the sifted node itself: as + -> - @18",
    (
        "spread/im/_rrset_kernels.py",
        "heap = np.empty(n, dtype=np.int32) | pos = np.empty(n, dtype=np.int32) | "
        "members = np.empty(max(capacity, 16), dtype=np.int32)",
        "max -> min",
    ): "the members buffer's first size: _grow doubles it when full and only members[:at]"
    " is returned (rr_sets_ctic and rr_sets_temporal), as _grow's own 2 -> 3",
    (
        "spread/im/_rrset_kernels.py",
        "heap = np.empty(n, dtype=np.int32) | pos = np.empty(n, dtype=np.int32) | "
        "members = np.empty(max(capacity, 16), dtype=np.int32)",
        "16 -> 17",
    ): "as max -> min: a first size, grown on demand",
    (
        "spread/im/_rrset_kernels.py",
        "heap = np.empty(n, dtype=np.int32) | pos = np.empty(n, dtype=np.int32) | "
        "members = np.empty(max(capacity, 16), dtype=np.int32)",
        "16 -> 15",
    ): "as max -> min: a first size, grown on demand",
    (
        "spread/im/_rrset_kernels.py",
        "at = 0 | for r in range(r0, r1): | tag = np.int32(r - r0 + 1)",
        "1 -> 2",
    ): "tags 2, 3, ...: still >= 1 (stamp and done start at 0) and distinct within a call",
    (
        "spread/im/_rrset_kernels.py",
        "dist[v] = 0.0 | heap[0] = v | pos[v] = 0",
        "0 -> 1",
    ): "the target's heap position is never read: it is popped first and settled, so no"
    " later offer updates it (done[u] == tag skips it), and a sift-down writes the pos of"
    " what it moves",
    (
        "spread/im/_rrset_kernels.py",
        "dist[v] = 0.0 | heap[0] = v | pos[v] = 0",
        "0 -> (-1)",
    ): "as 0 -> 1: the target's pos is never read",
    (
        "spread/im/_rrset_kernels.py",
        "t = dist[w] | size -= 1 | if size > 0:",
        "> -> >=",
    ): "at size 0: heap[0] = heap[0], and a sift-down of an empty heap breaks at once and"
    " writes pos[w] = 0 for the node just settled, never read again in the set (as the"
    " listed 0 -> (-1) on this line)",
    (
        "spread/im/_rrset_kernels.py",
        "for j in range(in_indptr[w], in_indptr[w + 1]): | "
        "state, x = _next_uniform(state) | if x >= p_in[j]:",
        ">= -> >",
    ): "the coin at equality, x == p_in[j]: probability about 2**-53 per draw, as x < p ->"
    " x <= p in _ic_lt_kernels",
    (
        "spread/im/_rrset_kernels.py",
        "if done[u] == tag: | continue | aj = a_in[j] if a_in.shape[0] > 1 else a_in[0]",
        "0 -> (-1) @61",
    ): "the branch reads a shared parameter, an array of length 1: a_in[-1] is a_in[0]",
    (
        "spread/im/_rrset_kernels.py",
        "continue | aj = a_in[j] if a_in.shape[0] > 1 else a_in[0] | "
        "bj = b_in[j] if b_in.shape[0] > 1 else b_in[0]",
        "0 -> (-1) @61",
    ): "as for a_in: a shared parameter has length 1, b_in[-1] is b_in[0]",
    (
        "spread/im/_rrset_kernels.py",
        "size += 1 | _sift_up(heap, pos, dist, size - 1) | elif du < dist[u]:",
        "< -> <=",
    ): "an equal offer writes the same distance and sifts up a key that did not change"
    " (the sift-up stops at once: key[parent] <= kv held before)",
    (
        "spread/im/_rrset_kernels.py",
        "key[v] = -latest | heap[0] = v | pos[v] = 0",
        "0 -> 1",
    ): "rr_sets_temporal's target, as rr_sets_ctic's: popped first, its pos never read",
    (
        "spread/im/_rrset_kernels.py",
        "key[v] = -latest | heap[0] = v | pos[v] = 0",
        "0 -> (-1)",
    ): "as 0 -> 1: the target's pos is never read",
    (
        "spread/im/_rrset_kernels.py",
        "deadline = -key[w] | size -= 1 | if size > 0:",
        "> -> >=",
    ): "as rr_sets_ctic's: at size 0 the move and sift-down only write pos[w] = 0 for the"
    " node just settled",
    (
        "spread/im/_rrset_kernels.py",
        "while c >= lo and contact_times[c] > t0: | state, x = _next_uniform(state) | "
        "if x < p_in[j]:",
        "< -> <=",
    ): "a contact's coin at equality, x == p_in[j]: probability about 2**-53 per draw",
    (
        "spread/im/_rrset_kernels.py",
        "else: | state, x = _next_uniform(state) | if x >= p_in[j]:",
        ">= -> >",
    ): "an arc's one coin at equality, x == p_in[j]: probability about 2**-53 per draw",
    (
        "spread/im/_rrset_kernels.py",
        "size += 1 | _sift_up(heap, pos, key, size - 1) | elif ku < key[u]:",
        "< -> <=",
    ): "as rr_sets_ctic's: an equal offer rewrites the same key and the sift-up stops at once",
    (
        "spread/im/_rrset_kernels.py",
        "#: per in-arc, or subset sampling over in-slots sorted by decreasing probability. | "
        "PER_ARC = -1.0 | SUBSET = -2.0",
        "-2.0 -> (2.0)",
    ): "any code no shared probability takes works: rr_sets_ic tests pw == SUBSET before"
    " its probability branches, and the sampler writes and compares the same name",
    (
        "spread/im/_rrset_kernels.py",
        "def _room(members, pos, more): | "
        '"""`members`, grown (doubled) until `more` entries fit after `pos`.""" | '
        "while pos + more > members.shape[0]:",
        "> -> >=",
    ): "a buffer grown when exactly full: a larger buffer, the same sets in it",
    (
        "spread/im/_rrset_kernels.py",
        "b = in_indptr[w + 1] | pw = node_p[w * per_node] | "
        "if pos + (b - a) > members.shape[0]:  # w adds at most one node per in-arc",
        "- -> +",
    ): "_room is asked more often; it grows only when pos + (b - a) does not fit: the same sets",
    (
        "spread/im/_rrset_kernels.py",
        "b = in_indptr[w + 1] | pw = node_p[w * per_node] | "
        "if pos + (b - a) > members.shape[0]:  # w adds at most one node per in-arc",
        "> -> >=",
    ): "_room is asked when exactly full too, and grows only when the room is short",
    (
        "spread/im/_rrset_kernels.py",
        "pw = node_p[w * per_node] | "
        "if pos + (b - a) > members.shape[0]:  # w adds at most one node per in-arc | "
        "members = _room(members, pos, b - a)  # (a call only then: 1-3% faster)",
        "- -> +",
    ): "room for b + a >= b - a entries: a larger buffer, the same sets in it",
}


def _moved_key(m):
    """A mutant's identity that survives edits elsewhere in its file: file, the two lines
    before and the mutated line, column, operator and replacement (a dict of its fields)."""
    return (m["file"], m["context"], m["col"], m["operator"], m["replacement"])


def listed_equivalent(mutant):
    """Whether `EQUIVALENT` lists `mutant`: by its change, or, where one line holds two
    mutants with the same change and only one is equivalent, by its change and its column
    as the report prints it (``"< -> <= @47"``)."""
    changes = (mutant.change, f"{mutant.change} @{mutant.col + 1}")
    return any((mutant.file, mutant.context, c) in EQUIVALENT for c in changes)


def focused_tests(relpath, repo):
    """The focused test files of `relpath` that exist in `repo`, and the missing ones."""
    for pattern, tests in TEST_MAP:
        if fnmatch.fnmatch(relpath, pattern):
            names = tests.split()
            break
    else:
        names = [f"tests/test_{Path(relpath).stem.lstrip('_')}.py"]
    present = [t for t in names if (repo / t.split("::")[0]).is_file()]  # a file or a test id
    missing = [t for t in names if not (repo / t.split("::")[0]).is_file()]
    return present, missing


# --------------------------------------------------------------------------- the mutants


@dataclasses.dataclass
class Mutant:
    file: str  # relative to the repo root
    line: int
    col: int  # 0-based, in characters of the line
    start: int  # byte offsets of the replaced segment in the file
    end: int
    original: str  # the replaced segment
    replacement: str
    operator: str
    source_line: str = ""
    context: str = ""  # the two lines before and the mutated line, stripped, joined by " | "

    @property
    def key(self):
        return f"{self.file}:{self.line}:{self.col}:{self.operator}:{self.replacement}"

    @property
    def change(self):
        return f"{_short(self.original)} -> {_short(self.replacement)}"

    @property
    def label(self):
        return f"{self.file}:{self.line}:{self.col + 1}  {self.change}"


def _short(text, width=60):
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."


_COMPARE_SWAP = {
    ast.Lt: ("<", "<="),
    ast.LtE: ("<=", "<"),
    ast.Gt: (">", ">="),
    ast.GtE: (">=", ">"),
    ast.Eq: ("==", "!="),
    ast.NotEq: ("!=", "=="),
    ast.Is: ("is", "is not"),
    ast.IsNot: ("is not", "is"),
    ast.In: ("in", "not in"),
    ast.NotIn: ("not in", "in"),
}
# Arithmetic: + <-> -, * <-> /, // -> * (// -> / would only turn ints into floats, which
# Numba rejects as an index: an incompetent mutant), % -> //, ** -> *, bit operators.
_BINOP_SWAP = {
    ast.Add: ("+", "-"),
    ast.Sub: ("-", "+"),
    ast.Mult: ("*", "/"),
    ast.Div: ("/", "*"),
    ast.FloorDiv: ("//", "*"),
    ast.Mod: ("%", "//"),
    ast.Pow: ("**", "*"),
    ast.BitAnd: ("&", "|"),
    ast.BitOr: ("|", "&"),
    ast.BitXor: ("^", "|"),
    ast.LShift: ("<<", ">>"),
    ast.RShift: (">>", "<<"),
}
_AUG_SWAP = {
    ast.Add: ("+=", "-="),
    ast.Sub: ("-=", "+="),
    ast.Mult: ("*=", "/="),
    ast.Div: ("/=", "*="),
    ast.FloorDiv: ("//=", "*="),
    ast.BitOr: ("|=", "&="),
    ast.BitAnd: ("&=", "|="),
}
_MINMAX = {"max": "min", "min": "max", "maximum": "minimum", "minimum": "maximum"}
_VALIDATION_CALL = re.compile(r"^_?(check|validate|require)")


class _Source:
    """A file's bytes with (line, col) <-> byte-offset conversions (ast cols are bytes)."""

    def __init__(self, text):
        self.data = text.encode()
        self.starts = [0] + [i + 1 for i, b in enumerate(self.data) if b == 10]

    def offset(self, line, col):
        return self.starts[line - 1] + col

    def node_span(self, node):
        return (
            self.offset(node.lineno, node.col_offset),
            self.offset(node.end_lineno, node.end_col_offset),
        )

    def text(self, start, end):
        return self.data[start:end].decode()

    def line_col(self, offset):
        line = bisect.bisect_right(self.starts, offset)
        return line, len(self.data[self.starts[line - 1] : offset].decode())

    def line_text(self, line):
        end = self.starts[line] if line < len(self.starts) else len(self.data)
        return self.data[self.starts[line - 1] : end].decode().rstrip("\n")


def _int_const(node):
    """The value of an integer literal (not True/False, which are ints too), else None."""
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    return None


def _is_docstring(node, parent):
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
        and isinstance(parent, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    )


def _is_validation_if(node):
    """``if <bad input>: [msg = ...] raise ...``: an argument check."""
    return (
        isinstance(node, ast.If)
        and not node.orelse
        and any(isinstance(s, ast.Raise) for s in node.body)
        and all(isinstance(s, ast.Raise | ast.Assign | ast.Expr) for s in node.body)
    )


def _call_name(call):
    f = call.func
    if isinstance(f, ast.Name):
        return f.id
    if isinstance(f, ast.Attribute):
        return f.attr
    return ""


def _skipped(node, parent):
    """Subtrees that are not mutated (documented in tests/MUTATION.md)."""
    if _is_docstring(node, parent) or _is_validation_if(node):
        return True
    if isinstance(node, ast.Raise | ast.Assert | ast.Import | ast.ImportFrom | ast.JoinedStr):
        return True
    if isinstance(node, ast.Assign) and any(
        isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
    ):
        return True
    if isinstance(node, ast.Call):
        name = _call_name(node)
        if _VALIDATION_CALL.match(name) or name == "warn":
            return True
    if isinstance(node, ast.keyword) and node.arg in ("stacklevel", "figsize"):
        return True
    # x.shape[0] -> x.shape[1]: a typing error on 1-d arrays, noise on 2-d ones.
    if (
        isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "shape"
    ):
        return True
    if _int_const(node) is not None:
        if isinstance(parent, ast.AugAssign):  # `x += 1`: aug-delete and aug-op cover it
            return True
        if isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.USub):
            return True  # `-1` (mostly a sentinel): neg-delete covers it
    return False


def _gap_token(src, start, end, token):
    """Byte span of operator `token` in the bytes [start, end) between two operands
    (which hold nothing else but parentheses, spaces and line breaks)."""
    gap = src.text(start, end)
    pattern = r"\s+".join(re.escape(w) for w in token.split())
    if token[0].isalpha():
        pattern = rf"\b{pattern}\b"
    else:
        pattern = rf"(?<![<>=!*/+\-&|^%]){pattern}(?![<>=*/])"
    m = re.search(pattern, gap)
    if m is None:
        return None
    return start + len(gap[: m.start()].encode()), start + len(gap[: m.end()].encode())


def generate(repo, relpath, lines=None):
    """All mutants of `relpath` (optionally only those starting on a line in `lines`)."""
    text = (repo / relpath).read_text()
    src = _Source(text)
    out = []

    def add(span, replacement, operator):
        start, end = span
        original = src.text(start, end)
        if original != replacement:
            line, col = src.line_col(start)
            out.append(
                Mutant(
                    relpath,
                    line,
                    col,
                    start,
                    end,
                    original,
                    replacement,
                    operator,
                    src.line_text(line).strip(),
                    " | ".join(
                        src.line_text(i).strip() for i in range(max(1, line - 2), line + 1)
                    ),
                )
            )

    def between(left, right, token):
        return _gap_token(src, src.node_span(left)[1], src.node_span(right)[0], token)

    def mutate(node):
        if isinstance(node, ast.Compare):
            left = node.left
            for op, right in zip(node.ops, node.comparators, strict=True):
                before, after = _COMPARE_SWAP[type(op)]
                if span := between(left, right, before):
                    add(span, after, "compare")
                left = right
        elif isinstance(node, ast.BinOp) and type(node.op) in _BINOP_SWAP:
            before, after = _BINOP_SWAP[type(node.op)]
            if isinstance(node.op, ast.Pow) and _int_const(node.right) == 2:
                add(src.node_span(node.right), "1", "pow")  # x**2 -> x**1
            elif span := between(node.left, node.right, before):
                add(span, after, "arith")
        elif isinstance(node, ast.AugAssign):
            add(src.node_span(node), "pass", "aug-delete")
            if type(node.op) in _AUG_SWAP:
                before, after = _AUG_SWAP[type(node.op)]
                if span := between(node.target, node.value, before):
                    add(span, after, "aug-op")
        elif isinstance(node, ast.BoolOp):
            before, after = ("and", "or") if isinstance(node.op, ast.And) else ("or", "and")
            for left, right in zip(node.values, node.values[1:], strict=False):
                if span := between(left, right, before):  # one mutant per operator
                    add(span, after, "boolop")
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not | ast.USub):
            inner = src.text(*src.node_span(node.operand))
            op = "not-delete" if isinstance(node.op, ast.Not) else "neg-delete"
            add(src.node_span(node), f"({inner})", op)
        elif _int_const(node) is not None:
            c, span = node.value, src.node_span(node)
            literal = src.text(*span)
            for value, op in ((c + 1, "const+1"), (c - 1, "const-1")):
                if literal.lower().startswith("0x") and value >= 0:  # keep hex constants hex
                    text = f"0x{value:X}"
                else:
                    text = str(value) if value >= 0 else f"({value})"
                add(span, text, op)
        elif isinstance(node, ast.Return) and node.value is not None:
            v = node.value
            if isinstance(v, ast.Constant) and isinstance(v.value, bool):
                add(src.node_span(v), str(not v.value), "return-bool")
            elif isinstance(v, ast.Compare | ast.BoolOp) or (
                isinstance(v, ast.UnaryOp) and isinstance(v.op, ast.Not)
            ):
                add(src.node_span(v), f"not ({src.text(*src.node_span(v))})", "return-bool")
        elif isinstance(node, ast.Break):
            add(src.node_span(node), "continue", "break")
        elif isinstance(node, ast.Call) and _call_name(node) in _MINMAX:
            name = _call_name(node)
            end = src.node_span(node.func)[1]
            add((end - len(name), end), _MINMAX[name], "minmax")

    def visit(node, parent):
        if _skipped(node, parent):
            return
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            # decorators (``@njit(cache=True)``) and annotations are not mutated
            children = list(node.body)
            if not isinstance(node, ast.ClassDef):
                a = node.args
                children += [*a.defaults, *(d for d in a.kw_defaults if d is not None)]
        elif isinstance(node, ast.AnnAssign):
            children = [node.value] if node.value is not None else []
        else:
            mutate(node)
            children = list(ast.iter_child_nodes(node))
        for child in children:
            visit(child, node)

    tree = ast.parse(text)
    for child in ast.iter_child_nodes(tree):
        visit(child, tree)
    out.sort(key=lambda m: (m.start, m.end, m.operator, m.replacement))
    if lines:
        out = [m for m in out if any(lo <= m.line <= hi for lo, hi in lines)]
    return out


def mutated_bytes(original, mutant):
    return original[: mutant.start] + mutant.replacement.encode() + original[mutant.end :]


def sample(mutants, limit):
    """`limit` mutants spread evenly over the file (all when limit is None)."""
    if limit is None or limit >= len(mutants):
        return mutants
    step = len(mutants) / limit
    return [mutants[int(i * step)] for i in range(limit)]


# ------------------------------------------------------------------------------- running

_clock_lock = threading.Lock()
_last_mtime = [0]


def touch_fresh(path):
    """Give `path` a modification time that no earlier stamp of it can equal.

    Whole seconds apart, because a .pyc stamp keeps only the seconds; Numba's cache index
    keeps (st_mtime, st_size), and a same-size mutant needs a new time too.
    """
    with _clock_lock:
        t = max(int(time.time()) + 1, _last_mtime[0] + 1, int(path.stat().st_mtime) + 1)
        _last_mtime[0] = t
    os.utime(path, ns=(t * 10**9, t * 10**9))


def copy_cache(warm, dest, stem):
    """Copy the warm Numba cache to `dest`, leaving out every entry of source file `stem`."""
    if warm.is_dir():
        shutil.copytree(
            warm, dest, ignore=lambda d, names: [n for n in names if n.startswith(stem + ".")]
        )
    else:
        dest.mkdir(parents=True)


def pytest_command(tests, timeout, threads, extra):
    cmd = [sys.executable, "-m", "pytest", *tests, "-x", "-q", "-p", "no:cacheprovider"]
    cmd += ["--timeout", str(timeout), "-o", "timeout_method=thread", "-m", "not slow"]
    if threads < 2:
        for nodeid in NEEDS_TWO_THREADS:
            if nodeid.split("::")[0] in tests:
                cmd += ["--deselect", nodeid]
    return cmd + list(extra)


def environment(repo, cache_dir, pyc_dir, threads):
    env = dict(os.environ)
    env.update(
        NUMBA_CACHE_DIR=str(cache_dir),
        PYTHONPYCACHEPREFIX=str(pyc_dir),
        NUMBA_NUM_THREADS=str(threads),
        OMP_NUM_THREADS="1",
        OPENBLAS_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
        MPLBACKEND="Agg",
        PYTHONPATH=str(repo) + os.pathsep + env.get("PYTHONPATH", ""),
    )
    return env


def run_tests(cmd, cwd, env, backstop):
    """Run `cmd` niced in its own process group; return (exit code or None, output)."""
    proc = subprocess.Popen(
        ["nice", "-n", "10", *cmd],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        out, _ = proc.communicate(timeout=backstop)
        return proc.returncode, out
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        return None, out
    except BaseException:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        raise


def classify(rc, out):
    """killed | timeout | survived | error (incompetent: does not import or compile)."""
    if rc is None or "+ Timeout +" in out or "\nTimeout (" in out:  # pytest-timeout, faulthandler
        return "timeout"
    if rc == 0:
        return "survived"
    if rc in (2, 3, 4, 5) or "TypingError" in out or "SyntaxError" in out:
        return "error"
    return "killed"


def _tail(out, n=12):
    lines = [ln for ln in out.splitlines() if ln.strip()]
    return "\n".join(lines[-n:])


class Runner:
    def __init__(self, args, repo, workdir):
        self.args = args
        self.repo = repo
        self.workdir = workdir
        self.warm = {}  # tests tuple -> warm Numba cache dir
        self.baseline = {}  # tests tuple -> (cold seconds, warm seconds)
        self.counter = 0
        self.lock = threading.Lock()
        self.free = [repo]
        for i in range(1, args.jobs):  # one copy of the tree per extra job
            copy = workdir / f"worker{i}"
            skip = [".git", ".venv", "__pycache__", "notebooks", "benchmarks", "data"]
            shutil.copytree(repo, copy, ignore=shutil.ignore_patterns(*skip, "*.nb[ic]"))
            (copy / "data").symlink_to(repo / "data")
            self.free.append(copy)

    def run_baseline(self, tests):
        key = tuple(tests)
        warm = self.workdir / f"warm{len(self.warm)}"
        env = environment(self.repo, warm, self.workdir / "pyc-base", self.args.threads)
        check = subprocess.run(
            [sys.executable, "-c", "import spread; print(spread.__file__)"],
            cwd=self.repo,
            env=env,
            capture_output=True,
            text=True,
        )
        where = check.stdout.strip()
        if not where.startswith(str(self.repo) + os.sep):
            print(f"abort: `import spread` gives {where or check.stderr}, not {self.repo}")
            return False
        cmd = pytest_command(tests, self.args.timeout, self.args.threads, self.args.pytest_args)
        print(f"baseline: {' '.join(cmd[1:])}", flush=True)
        t0 = time.monotonic()
        rc, out = run_tests(cmd, self.repo, env, backstop=None)
        cold = time.monotonic() - t0
        if rc != 0:
            print(_tail(out, 40))
            print(f"abort: the baseline fails (exit {rc}); mutants need green tests")
            return False
        t0 = time.monotonic()  # warm: what a mutant of a pure-Python file costs
        run_tests(cmd, self.repo, env, backstop=None)
        warm_seconds = time.monotonic() - t0
        print(f"baseline green: {cold:.1f} s (cold Numba cache), {warm_seconds:.1f} s (warm)")
        self.warm[key] = warm
        self.baseline[key] = (round(cold, 1), round(warm_seconds, 1))
        return True

    def run_mutant(self, mutant, tests, total):
        with self.lock:
            checkout = self.free.pop()
            self.counter += 1
            n = self.counter
        try:
            return self._run_in(checkout, mutant, tests, n, total)
        finally:
            with self.lock:
                self.free.append(checkout)

    def _run_in(self, checkout, mutant, tests, n, total):
        path = checkout / mutant.file
        original = path.read_bytes()
        box = self.workdir / f"m{n}"
        box.mkdir()
        if self.args.cold_cache:
            (box / "numba").mkdir()
        else:
            copy_cache(self.warm[tuple(tests)], box / "numba", Path(mutant.file).stem)
        env = environment(checkout, box / "numba", box / "pyc", self.args.threads)
        cmd = pytest_command(tests, self.args.timeout, self.args.threads, self.args.pytest_args)
        backstop = self.args.timeout + 3 * self.baseline[tuple(tests)][0] + 60
        t0 = time.monotonic()
        try:
            path.write_bytes(mutated_bytes(original, mutant))
            touch_fresh(path)
            rc, out = run_tests(cmd, checkout, env, backstop)
        finally:
            path.write_bytes(original)
            touch_fresh(path)
            shutil.rmtree(box, ignore_errors=True)
        seconds = time.monotonic() - t0
        status = classify(rc, out)
        note = ""
        if listed_equivalent(mutant):
            if status == "survived":
                status = "equivalent"
            else:
                note = "  (listed as equivalent, but the tests kill it: update EQUIVALENT)"
        print(f"[{n}/{total}] {status:<10} {seconds:6.1f}s  {mutant.label}{note}", flush=True)
        return dict(
            dataclasses.asdict(mutant),
            key=mutant.key,
            change=mutant.change,
            status=status,
            seconds=round(seconds, 1),
            tests=tests,
            output=_tail(out) if status != "survived" else "",
        )


# ------------------------------------------------------------------------------ reporting

STATUSES = ("killed", "timeout", "error", "survived", "equivalent")


def summarize(results):
    by_file = {}
    for r in results:
        row = by_file.setdefault(r["file"], dict.fromkeys(("mutants", *STATUSES), 0))
        row["mutants"] += 1
        row[r["status"]] += 1
    for row in by_file.values():
        dead = row["killed"] + row["timeout"] + row["error"]
        scored = row["mutants"] - row["equivalent"]
        row["score"] = round(dead / scored, 3) if scored else None
    return by_file


def print_table(summary):
    print(
        f"{'file':<36} {'mutants':>7} {'killed':>6} {'timeout':>7} {'error':>5} "
        f"{'survived':>8} {'equiv':>5} {'score':>6}"
    )
    for f, r in sorted(summary.items()):
        score = "-" if r["score"] is None else f"{r['score']:.0%}"
        print(
            f"{f:<36} {r['mutants']:>7} {r['killed']:>6} {r['timeout']:>7} {r['error']:>5} "
            f"{r['survived']:>8} {r['equivalent']:>5} {score:>6}"
        )
    print("score = (killed + timeout + error) / (mutants - equivalent)")


def print_survivors(results, repo, context):
    survivors = [r for r in results if r["status"] == "survived"]
    for r in sorted(survivors, key=lambda r: (r["file"], r["line"], r["col"])):
        print(f"{r['file']}:{r['line']}:{r['col'] + 1}  {r['change']}   [{r['operator']}]")
        path = repo / r["file"]
        if path.is_file():
            lines = path.read_text().splitlines()
            lo, hi = max(1, r["line"] - context), min(len(lines), r["line"] + context)
            for i in range(lo, hi + 1):
                print(f"  {'>' if i == r['line'] else ' '}{i:5d} | {lines[i - 1]}")
        print()
    print(f"{len(survivors)} survivor(s)")


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def load(path):
    return json.loads(path.read_text()) if path.is_file() else {"mutants": []}


def _git_status(repo):
    out = subprocess.run(
        ["git", "status", "--porcelain", "--", "spread"], cwd=repo, capture_output=True, text=True
    )
    return out.stdout if out.returncode == 0 else None


def _parse_lines(spec):
    ranges = []
    for part in spec.split(","):
        lo, _, hi = part.partition("-")
        ranges.append((int(lo), int(hi or lo)))
    return ranges


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Mutation testing of spread modules (see tests/MUTATION.md). "
        "Arguments after -- go to pytest."
    )
    ap.add_argument("files", nargs="*", help="modules to mutate, relative to the repo root")
    ap.add_argument("--tests", help="test files to run (space separated); default: TEST_MAP")
    ap.add_argument("--jobs", type=int, default=1, help="mutants run at once (default 1)")
    ap.add_argument("--threads", type=int, default=1, help="NUMBA_NUM_THREADS (default 1)")
    ap.add_argument("--timeout", type=int, default=300, help="pytest-timeout per test (s)")
    ap.add_argument("--limit", type=int, help="at most N mutants per file, spread evenly")
    ap.add_argument("--lines", help="only mutants on these lines: a-b[,c-d...]")
    ap.add_argument("--operator", help="only these operators (comma separated; see --list)")
    ap.add_argument("--repo", default=".", help="the checkout to mutate (default: .)")
    ap.add_argument("--out", default="tests/mutation-results.json", help="results (JSON)")
    ap.add_argument("--fresh", action="store_true", help="forget earlier results in --out")
    ap.add_argument("--cold-cache", action="store_true", help="empty Numba cache per mutant")
    ap.add_argument("--list", action="store_true", help="only list the mutants")
    ap.add_argument("--survivors", action="store_true", help="print the survivors in --out")
    ap.add_argument("--context", type=int, default=2, help="lines shown around a survivor")
    ap.add_argument(
        "--survivors-of",
        metavar="JSON",
        help="run only the mutants that survived in this results file (e.g. with more --tests)",
    )
    argv = sys.argv[1:] if argv is None else list(argv)
    extra = argv[argv.index("--") + 1 :] if "--" in argv else []
    args = ap.parse_args(argv[: argv.index("--")] if "--" in argv else argv)
    args.pytest_args = extra
    repo = Path(args.repo).resolve()
    out_path = Path(args.out) if Path(args.out).is_absolute() else repo / args.out

    if args.survivors:
        data = load(out_path)
        print_table(summarize(data["mutants"]))
        print()
        print_survivors(data["mutants"], repo, args.context)
        return 0
    if not args.files:
        ap.error("name at least one file to mutate")

    previous = {} if args.fresh else {r["key"]: r for r in load(out_path)["mutants"]}
    survived_before = set()
    if args.survivors_of:
        old = load(Path(args.survivors_of))["mutants"]
        # by position, or, where edits above moved it, by its lines and change
        survived_before = {r["key"] for r in old if r["status"] == "survived"}
        survived_before |= {_moved_key(r) for r in old if r["status"] == "survived"}
    plan = []
    for f in args.files:
        rel = (repo / f).resolve().relative_to(repo).as_posix()
        mutants = generate(repo, rel, _parse_lines(args.lines) if args.lines else None)
        if args.operator:
            mutants = [m for m in mutants if m.operator in args.operator.split(",")]
        if args.survivors_of:
            mutants = [
                m
                for m in mutants
                if m.key in survived_before or _moved_key(vars(m)) in survived_before
            ]
        mutants = sample(mutants, args.limit)
        tests, missing = (args.tests.split(), []) if args.tests else focused_tests(rel, repo)
        if missing:
            print(f"{rel}: test files not present, skipped: {' '.join(missing)}")
        if not tests:
            print(f"{rel}: no test files; pass --tests")
            return 2
        print(f"{rel}: {len(mutants)} mutants; tests: {' '.join(tests)}", flush=True)
        plan.extend((m, tests) for m in mutants)
    if args.list:
        for m, _ in plan:
            print(f"{m.label}   [{m.operator}]")
        return 0

    before = _git_status(repo)
    hashes = {m.file: hashlib.sha256((repo / m.file).read_bytes()).hexdigest() for m, _ in plan}
    workdir = Path(tempfile.mkdtemp(prefix="spread-mutation-"))
    results = []
    signal.signal(signal.SIGTERM, _interrupt)  # like Ctrl-C: the originals go back
    t_start = time.monotonic()
    runner = None

    def save():
        """Write every result so far (after each mutant: a killed run keeps its results)."""
        for r in results:
            previous[r["key"]] = r
        baseline = {" ".join(k): v for k, v in (runner.baseline if runner else {}).items()}
        everything = sorted(previous.values(), key=lambda r: (r["file"], r["start"], r["key"]))
        data = {"baseline_seconds": baseline, "summary": summarize(everything)}
        data["mutants"] = everything
        out_path.write_text(json.dumps(data, indent=1) + "\n")

    try:
        runner = Runner(args, repo, workdir)
        for tests in dict.fromkeys(tuple(t) for _, t in plan):
            if not runner.run_baseline(list(tests)):
                return 1
        pool = ThreadPoolExecutor(max_workers=args.jobs)
        try:
            futures = [pool.submit(runner.run_mutant, m, t, len(plan)) for m, t in plan]
            for fut in futures:
                results.append(fut.result())
                save()
        finally:  # on Ctrl-C: the mutants running finish (and restore), the rest never start
            pool.shutdown(wait=True, cancel_futures=True)
    except KeyboardInterrupt:
        print("interrupted: the original files are back in place; partial results saved")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        save()
    elapsed = time.monotonic() - t_start
    print()
    print_table(summarize(results))
    if results:
        per = sum(r["seconds"] for r in results) / len(results)
        print(f"{len(results)} mutants in {elapsed:.0f} s ({per:.1f} s per mutant); {out_path}")
    for r in results:
        if r["status"] == "survived":
            print(f"survived: {r['file']}:{r['line']}:{r['col'] + 1}  {r['change']}")
    after = _git_status(repo)
    same = all(hashlib.sha256((repo / f).read_bytes()).hexdigest() == h for f, h in hashes.items())
    if after != before or not same:
        print(f"WARNING: the checkout changed: git status was\n{before}\nand is now\n{after}")
        return 3
    print("checkout verified: every mutated file is byte-identical to its original")
    return 0


if __name__ == "__main__":
    sys.exit(main())
