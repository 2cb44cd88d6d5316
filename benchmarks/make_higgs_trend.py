"""Derive ``data/higgs-hourly.csv`` and ``data/higgs-adopters.txt.gz`` from SNAP's Higgs log.

Input: ``higgs-activity_time.txt.gz`` (SNAP ``higgs-twitter``; rows ``userA userB
timestamp type``, timestamp in Unix seconds UTC, type ``RT``, ``MT`` or ``RE``).

Output: one row per UTC hour from 2012-07-01 00:00 to 2012-07-07 23:00 (168 rows):

- ``hour``: start of the hour, ISO 8601 in UTC (``2012-07-04T03:00:00Z``);
- ``retweets``: ``RT`` rows whose timestamp falls in the hour;
- ``new_retweeters``: users whose first ``RT`` row in the log (as user A, the one who
  retweets) falls in the hour (each of the 228,556 retweeting users counted once);
- ``all_activity``: rows of any type in the hour.

An hour is ``floor(timestamp / 3600) * 3600``. The file is written with LF line ends
and no index; rerunning gives identical bytes.

Second output (optional third argument): the adoption time of every retweeting user,
``user first_rt`` per line (space-separated; ``first_rt`` = Unix seconds of the user's
first ``RT`` row), ordered by time then by the order of first appearance in the log,
gzip-compressed with a zero timestamp and no file name (so rerunning gives identical
bytes). 228,556 lines: the users counted by ``new_retweeters``.

How to run
----------
From the repository root::

    python benchmarks/make_higgs_trend.py ../shared/data/higgs-twitter/higgs-activity_time.txt.gz \
        data/higgs-hourly.csv data/higgs-adopters.txt.gz
"""

import argparse
import datetime
import gzip
from collections import Counter

FIRST_HOUR = 1341100800  # 2012-07-01 00:00:00 UTC
N_HOURS = 168


def derive(source, target, adopters=None):
    retweets = Counter()
    activity = Counter()
    first_rt = {}
    first_stamp = {}
    with gzip.open(source, "rt") as fh:
        for line in fh:
            user_a, _user_b, stamp, kind = line.split()
            hour = int(stamp) // 3600 * 3600
            activity[hour] += 1
            if kind == "RT":
                retweets[hour] += 1
                if user_a not in first_rt or hour < first_rt[user_a]:
                    first_rt[user_a] = hour
                if user_a not in first_stamp or int(stamp) < first_stamp[user_a]:
                    first_stamp[user_a] = int(stamp)
    new = Counter(first_rt.values())
    if adopters is not None:
        order = sorted(first_stamp.items(), key=lambda item: item[1])  # stable: log order
        text = "".join(f"{user} {stamp}\n" for user, stamp in order).encode()
        with (
            open(adopters, "wb") as raw,
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as out,
        ):
            out.write(text)
    with open(target, "w", newline="\n") as out:
        out.write("hour,retweets,new_retweeters,all_activity\n")
        for i in range(N_HOURS):
            hour = FIRST_HOUR + 3600 * i
            stamp = datetime.datetime.fromtimestamp(hour, datetime.UTC).strftime(
                "%Y-%m-%dT%H:%M:%SZ"
            )
            out.write(f"{stamp},{retweets[hour]},{new[hour]},{activity[hour]}\n")
    covered = sum(activity[FIRST_HOUR + 3600 * i] for i in range(N_HOURS))
    if covered != sum(activity.values()):
        msg = "some rows fall outside 2012-07-01 .. 2012-07-07 (UTC)"
        raise SystemExit(msg)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", help="higgs-activity_time.txt.gz")
    parser.add_argument("target", help="CSV to write (data/higgs-hourly.csv)")
    parser.add_argument(
        "adopters", nargs="?", help="adoption times to write (data/higgs-adopters.txt.gz)"
    )
    args = parser.parse_args()
    derive(args.source, args.target, args.adopters)


if __name__ == "__main__":
    main()
