#!/usr/bin/env python3
"""Chart of a bench_peers.py run: one panel per algorithm and operation,
one group of bars per library, one bar per payload size.

    python benchmarks/chart.py results.json peers.png                 # speed relative to PyJWT, key objects
    python benchmarks/chart.py results.json peers-pem.png --form pem  # PEM text / raw secret on every call
    python benchmarks/chart.py results.json peers-us.png --metric us  # µs per operation

Needs matplotlib (benchmarks/requirements-peers.txt). Reads only the JSON
that `bench_peers.py --json` writes; a missing bar is a row the library
cannot do (n/a) or whose correctness gate it failed (marked under the axis).
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any, List, Optional

PAYLOADS = ("small", "medium", "large")
SHADES = {"small": 1.0, "medium": 0.72, "large": 0.45}


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("results", help="JSON written by bench_peers.py --json")
    ap.add_argument("out", help="PNG to write")
    ap.add_argument("--form", choices=("obj", "pem"), default="obj",
                    help="key form: obj = pre-parsed key objects (default), pem = PEM text / raw secret per call")
    ap.add_argument("--metric", choices=("ratio", "us"), default="ratio",
                    help="ratio = PyJWT median / library median (default), us = median µs per op")
    ap.add_argument("--payloads", default=",".join(PAYLOADS), help="comma-separated, default all three")
    ap.add_argument("--dpi", type=int, default=110)
    args = ap.parse_args(argv)

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    with open(args.results) as f:
        res = json.load(f)
    payloads = [p for p in args.payloads.split(",") if p in PAYLOADS]
    rows = {(r["alg"], r["kind"], r["payload"], r["form"]): r["slug"] for r in res["rows"]}
    algs = list(dict.fromkeys(r["alg"] for r in res["rows"]))
    kinds = [k for k in ("encode", "decode") if any(r["kind"] == k for r in res["rows"])]
    libs = res["libs"]
    cmap = plt.get_cmap("tab20")
    colors = {lib["slug"]: cmap(i % 20) for i, lib in enumerate(libs)}

    def value(slug: str, lib: str) -> Any:
        s = res["times"].get(slug, {}).get(lib)
        if s is None:
            if f"{lib} {slug}" in res["failed"]:
                return "fail"
            return None
        return s.get("vs_pyjwt") if args.metric == "ratio" else s["median"] * 1e6

    fig, axes = plt.subplots(len(algs), len(kinds), figsize=(7.2 * len(kinds), 2.9 * len(algs)), squeeze=False)
    width = 0.8 / max(1, len(payloads))
    for i, alg in enumerate(algs):
        for j, kind in enumerate(kinds):
            ax = axes[i][j]
            # Libraries with at least one bar in this panel, in the run's order.
            shown = [lib for lib in libs
                     if any(isinstance(value(rows.get((alg, kind, p, args.form), ""), lib["slug"]), float)
                            for p in payloads)]
            for x, lib in enumerate(shown):
                for n, p in enumerate(payloads):
                    slug = rows.get((alg, kind, p, args.form))
                    v = value(slug, lib["slug"]) if slug else None
                    pos = x - 0.4 + width * (n + 0.5)
                    if isinstance(v, float):
                        r, g, b, _ = colors[lib["slug"]]
                        shade = SHADES[p]
                        ax.bar(pos, v, width, color=(r * shade, g * shade, b * shade),
                               edgecolor="black", linewidth=0.3)
                        label = (f"{v:.2g}" if v < 10 else f"{v:.0f}") if args.metric == "ratio" else f"{v:.3g}"
                        ax.annotate(label, (pos, v), xytext=(0, 1), textcoords="offset points",
                                    ha="center", va="bottom", fontsize=5.5, rotation=90)
                    elif v == "fail":
                        ax.annotate("fail", (pos, 0), xycoords=("data", "axes fraction"), xytext=(0, 2),
                                    textcoords="offset points", ha="center", fontsize=5.5, color="red",
                                    rotation=90)
            ax.set_yscale("log")
            # Plain numbers at 1, 2, 5 x 10^k: a panel spanning less than a
            # decade still gets labels, and none in scientific notation.
            ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
            ax.yaxis.set_minor_formatter(NullFormatter())
            if args.metric == "ratio":
                ax.axhline(1.0, color="grey", linewidth=0.8, linestyle="--")
            ax.set_xticks(range(len(shown)))
            ax.set_xticklabels([lib["label"] for lib in shown], rotation=35, ha="right", fontsize=7.5)
            for tick, lib in zip(ax.get_xticklabels(), shown):
                if lib["slug"] == "pyjwt_fast":
                    tick.set_fontweight("bold")
            ax.set_xlim(-0.6, len(shown) - 0.4)
            ax.margins(y=0.25)
            form = "key object" if args.form == "obj" else ("raw secret" if alg.startswith("HS") else "PEM")
            ax.set_title(f"{alg} {kind} ({form})", fontsize=9.5)
            ax.tick_params(axis="y", labelsize=7)
            ax.grid(axis="y", which="major", linewidth=0.3, alpha=0.5)
            if j == 0:
                ax.set_ylabel("× PyJWT's speed" if args.metric == "ratio" else "µs per op", fontsize=8)

    m = res["machine"]
    what = ("speed relative to PyJWT (PyJWT median / library median, same run; higher is faster, log scale)"
            if args.metric == "ratio" else "median µs per operation (lower is faster, log scale)")
    clock = "process CPU time" if res["settings"].get("clock") == "cpu" else "wall time"
    title = (f"JWT libraries: {what}\n{m.get('date', '')}, {m.get('cpu', '')}, {m.get('python', '')}, "
             f"{res['settings']['repeats']} interleaved repeats, {clock}")
    if res["settings"].get("quick"):
        title += " - QUICK RUN, NOT A MEASUREMENT"
    fig.suptitle(title, fontsize=10.5, y=0.995)
    handles = [Patch(facecolor=(0.55 * SHADES[p],) * 3, edgecolor="black", linewidth=0.3,
                     label=f"{p} payload ({res['payload_bytes'][p]} B)") for p in payloads]
    fig.legend(handles=handles, loc="upper right", fontsize=8, ncol=len(handles), frameon=False,
               bbox_to_anchor=(0.99, 0.975))
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    fig.savefig(args.out, dpi=args.dpi)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
