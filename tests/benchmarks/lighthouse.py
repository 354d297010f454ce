"""Lighthouse scores of gallery pages, mobile profile, as in the docs.

    node_modules of ``npm i -E lighthouse@12.2.3`` in a folder outside git, then
    .venv/bin/python tests/benchmarks/lighthouse.py LIGHTHOUSE_BIN URL... [--cookie C]

Runs Lighthouse with Debian's Chromium on each URL (a running site, such as
``example/demo.py``) and prints performance, accessibility, best practices,
cumulative layout shift and largest contentful paint. ``--cookie`` passes a
``sessionid=...`` cookie to measure the pages of a signed-in visitor.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

CATEGORIES = ("performance", "accessibility", "best-practices")


def run(lighthouse, url, cookie=None):
    """The report of Lighthouse on ``url``, as a dict."""
    with tempfile.TemporaryDirectory() as folder:
        output = os.path.join(folder, "report.json")
        command = [
            lighthouse,
            url,
            "--quiet",
            "--chrome-flags=--headless=new --no-sandbox",
            "--output=json",
            f"--output-path={output}",
        ]
        if cookie:
            command.append(f"--extra-headers={json.dumps({'Cookie': cookie})}")
        env = {**os.environ, "CHROME_PATH": shutil.which("chromium") or ""}
        subprocess.run(command, env=env, check=True, timeout=300)
        with open(output) as report:
            return json.load(report)


def summary(report):
    """Scores out of 100, CLS and LCP (ms) of a report."""
    scores = [round(report["categories"][name]["score"] * 100) for name in CATEGORIES]
    audits = report["audits"]
    cls = audits["cumulative-layout-shift"]["numericValue"]
    lcp = audits["largest-contentful-paint"]["numericValue"]
    return (*scores, cls, lcp)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lighthouse")
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--cookie")
    args = parser.parse_args(argv)
    print(f"{'page':50} perf a11y  bp    CLS    LCP")
    for url in args.urls:
        perf, a11y, bp, cls, lcp = summary(run(args.lighthouse, url, args.cookie))
        print(f"{url:50} {perf:4} {a11y:4} {bp:3} {cls:6.3f} {lcp:5.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
