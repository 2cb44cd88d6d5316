"""Screenshots of the built site in headless Chromium, to look at before a release.

Run by hand after building the site (see README, "Documentation")::

    python docs/screenshots.py            # writes docs/_build/screenshots/*.png

It needs a Chromium from the distribution's packages (``apt-get install chromium``) and
shoots the front page, the `spread.simulate` API page, the first notebook's page, the
models guide and the gallery.
"""

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
PAGES = {
    "front": "index.html",
    "api-simulate": "api/generated/spread.simulate.html",
    "notebook-hashtag": "notebooks/01_hashtag_spread.html",
    "guide-models": "guides/models.html",
    "gallery": "auto_gallery/index.html",
}
BROWSERS = ["chromium", "chromium-browser", "google-chrome", "chrome"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=DOCS / "_build" / "html")
    parser.add_argument("--out", type=Path, default=DOCS / "_build" / "screenshots")
    parser.add_argument("--size", default="1280,2000", help="window width,height in pixels")
    args = parser.parse_args(argv)

    browser = next((b for b in map(shutil.which, BROWSERS) if b), None)
    if browser is None:
        sys.exit("screenshots: no Chromium found (apt-get install chromium)")
    args.out.mkdir(parents=True, exist_ok=True)
    for name, page in PAGES.items():
        path = args.html / page
        if not path.exists():
            sys.exit(f"screenshots: {path} is missing: build the site first")
        png = args.out / f"{name}.png"
        cmd = [
            browser,
            "--headless",
            "--no-sandbox",  # allowed to run as root in a container
            "--disable-gpu",
            "--hide-scrollbars",
            f"--window-size={args.size}",
            "--virtual-time-budget=5000",  # let the theme's scripts run
            f"--screenshot={png}",
            path.as_uri(),
        ]
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)
        print(f"{png} ({png.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
