"""Derive ``data/higgs-retweet-times.txt.gz`` (timestamped retweets) from SNAP's Higgs log.

Input: ``higgs-activity_time.txt.gz`` (SNAP ``higgs-twitter``; rows ``userA userB
timestamp type``, timestamp in Unix seconds UTC, type ``RT``, ``MT`` or ``RE``).

Output: the 354,930 ``RT`` rows (A retweeted B at that time) as ``userA userB
timestamp`` lines, in the log's order, space-separated, LF line ends, gzip-compressed
with a zero timestamp and no file name (rerunning gives identical bytes).
``spread.datasets.load("higgs-retweet-times")`` reads it with the columns reversed (arc
B -> A: information flows from the retweeted user to the retweeter) and the time field.

How to run
----------
From the repository root::

    python benchmarks/make_higgs_contacts.py \
        ../shared/data/higgs-twitter/higgs-activity_time.txt.gz data/higgs-retweet-times.txt.gz
"""

import argparse
import gzip
import io


def derive(source, target):
    """Write the ``RT`` rows of `source` to `target`; return how many."""
    out = io.BytesIO()
    n = 0
    with gzip.open(source, "rt", encoding="ascii") as f:
        for line in f:
            a, b, t, kind = line.split()
            if kind == "RT":
                out.write(f"{a} {b} {t}\n".encode("ascii"))
                n += 1
    with (
        open(target, "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz,
    ):
        gz.write(out.getvalue())
    return n


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source")
    parser.add_argument("target")
    args = parser.parse_args()
    print(f"{derive(args.source, args.target):,} retweets written to {args.target}")
