"""Runs the notebooks under a folder headless with nbclient, each from a clean dmm kernel.

  python notebooks.py check DIR   run each notebook; compare its outputs with the saved ones
  python notebooks.py save DIR    run each notebook and save it with its outputs

Compared: per code cell, the stream text, the text/plain of results and displays, the error
names, and which MIME types each output has (the images themselves are not compared). Lines of
progress (rates, ETAs) are dropped, and numbers are compared to 3 significant digits, numbers
below 1e-6 in size as 0, so a change in the last digits of a float does not fail the check.
"""
import re
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NUMBER = re.compile(r"-?\d+\.?\d*(?:[eE][-+]?\d+)?")


def run(path):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="dmm", allow_errors=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


def number(m):
    x = float(m.group(0))
    if abs(x) < 1e-6:
        return "0"
    return "%.3g" % x


def normal(text):
    lines = [l for l in text.splitlines() if "steps/s" not in l]
    return NUMBER.sub(number, "\n".join(lines))


def summary(nb):
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outs = []
        for o in cell.get("outputs", []):
            if o.output_type == "stream":
                outs.append(("stream", o.name, normal(o.text)))
            elif o.output_type in ("execute_result", "display_data"):
                outs.append((o.output_type, sorted(o.data.keys()), normal(o.data.get("text/plain", ""))))
            elif o.output_type == "error":
                outs.append(("error", o.ename))
        # several stream messages of one cell are one text to a reader
        merged = []
        for o in outs:
            if merged and o[0] == "stream" and merged[-1][0] == "stream" and merged[-1][1] == o[1]:
                merged[-1] = ("stream", o[1], merged[-1][2] + "\n" + o[2])
            else:
                merged.append(o)
        cells.append(merged)
    return cells


def main():
    mode, folder = sys.argv[1], Path(sys.argv[2])
    failed = 0
    for path in sorted(folder.glob("*.ipynb")):
        saved = nbformat.read(path, as_version=4)
        ran = run(path)
        if mode == "save":
            nbformat.write(ran, path)
            print("saved", path)
            continue
        want, got = summary(saved), summary(ran)
        for i, (w, g) in enumerate(zip(want, got)):
            if w != g:
                failed += 1
                print("%s: code cell %d differs:\n  saved: %r\n  now:   %r" % (path, i + 1, w, g))
        if len(want) != len(got):
            failed += 1
            print("%s: %d code cells saved, %d now" % (path, len(want), len(got)))
        if not any(want):
            failed += 1
            print("%s: saved without outputs (run: notebooks.py save)" % path)
        print("checked", path)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
