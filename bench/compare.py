#!/usr/bin/env python3
"""Benchmark of issue 5: gradcheck against its peers, in one run, on the same
functions, sizes and machine; one table, then the issue's targets.

Usage: python3 bench/compare.py [--build build] [--time-limit 300] [--threads 2] [--seed 1]
                                [--loss naive_softmax,neg_sampling] [--quick] [--no-peers]
                                [--samples K] [--json results.json]

Measurements, each in its own process, one after the other:
  gradcheck  <build>/bench/gradcheck_bench --loss L --V N --d N --mode M --threads T --seed S
             ([--samples K]); modes full, directional and sampled at (100, 20) and
             (1000, 50); directional at (100000, 300). It prints one JSON line
             (seconds, evaluations, bare_seconds, floor_ratio, bare_points_seconds,
             floor_ratio_points, accuracy, accuracy_normwise, passed, peak_rss_bytes,
             param_bytes, status). If the binary is missing, its
             rows say "gradcheck_bench not built" and the targets "n/a".
  peers      bench/peers.py (see its docstring): numpy_loop (CS224N helper, f returns
             loss and gradient), numpy_loop_lossonly (same loop, f returns the loss
             only), torch_full (torch.autograd.gradcheck) and torch_fast (fast_mode=True)
             at every size. A peer whose predicted time (from its measured per-evaluation
             cost) exceeds the time limit is not run ("not run: predicted X s > time
             limit"); at (100000, 300) that is every peer but torch_fast.

Columns: tool, mode, loss, V, d, n = d + V*d; seconds = wall time of the check alone
("> L" when it was stopped at the time limit L, "~X pred." when not run: X is the
prediction); x full / x dir = this row's seconds / gradcheck full's (resp.
directional's) seconds at the same loss and size, i.e. the speed-up of gradcheck
over this row ("<1" means this row is faster); evals = calls of the loss (+ calls of
the gradient after "+"); floor = seconds / the time of the bare loss and gradient
evaluations the check made, at the points it made them (gradcheck full and directional:
floor_ratio_points, the points formed in the bare loop too; sampled and the peers:
floor_ratio, the calls alone; gradcheck: the median of the ratios of rounds in which the
check and its bare loop are timed in turn); accuracy = normwise error
max |a - n| / max |a| of the tool's own numerical derivative against the analytic
gradient over the entries it differenced (torch fast: of its one number vT J u; the
elementwise max |a - n| / max(|a|, |n|) is in the JSON as "accuracy");
peak MB = peak resident memory of the measuring process during the check minus its
resident memory just before it; x param = that / (8 n bytes); ok = the tool's verdict
on the (correct) gradient.
"""
import argparse
import json
import os
import platform
import shlex
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no bench/__pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peers  # noqa: E402  (stdlib only on the parent side)

SMALL = [(100, 20), (1000, 50)]
LARGE = [(100000, 300)]
OUR_MODES_SMALL = ["full", "directional", "sampled"]
OUR_MODES_LARGE = ["directional"]
GRACE = 60.0  # seconds beyond the time limit before gradcheck_bench is killed


def run_ours(exe, loss, V, d, mode, args):
    n = d + V * d
    base = {"tool": "gradcheck", "mode": mode, "loss": loss, "V": V, "d": d, "n": n, "seconds": None,
            "evaluations": None, "accuracy": None, "passed": None, "peak_rss_bytes": None, "param_bytes": 8 * n}
    if not os.path.isfile(exe) or not os.access(exe, os.X_OK):
        return dict(base, status="gradcheck_bench not built")
    cmd = [exe, "--loss", loss, "--V", str(V), "--d", str(d), "--mode", mode, "--threads", str(args.threads),
           "--seed", str(args.seed)]
    if mode == "sampled" and args.samples is not None:
        cmd += ["--samples", str(args.samples)]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=args.time_limit + GRACE)
    except subprocess.TimeoutExpired:
        return dict(base, status=f"timeout: killed after {args.time_limit + GRACE:g} s", time_limit=args.time_limit)
    lines = [ln for ln in p.stdout.splitlines() if ln.lstrip().startswith("{")]
    if p.returncode == 0 and lines:
        try:
            rec = json.loads(lines[-1])
            return dict(base, **rec)
        except json.JSONDecodeError as e:
            return dict(base, status=f"error: unreadable JSON ({e})")
    err = (p.stderr.strip().splitlines() or [f"exit status {p.returncode}"])[-1]
    return dict(base, status=f"error: {err}")


def plan(args):
    """The measurements, in running order: (kind, loss, V, d, mode-or-peer)."""
    small = SMALL if not args.quick else SMALL[:1]
    large = LARGE if not args.quick else []
    jobs = []
    for loss in args.loss.split(","):
        for V, d in small + large:
            for mode in (OUR_MODES_SMALL if (V, d) in small else OUR_MODES_LARGE):
                jobs.append(("ours", loss, V, d, mode))
            if not args.no_peers:
                for peer in peers.PEERS:
                    jobs.append(("peer", loss, V, d, peer))
    return jobs


# ---------------------------------------------------------------- formatting

def g3(x):
    return "-" if x is None else f"{x:.3g}"


def is_ok(r):
    return r.get("status") == "ok" and r.get("seconds") is not None


def bound(r):
    """(seconds, kind): kind '=' measured, '>' stopped at the limit, '~' predicted, None unknown."""
    status = r.get("status") or ""
    if is_ok(r):
        return r["seconds"], "="
    if status.startswith("timeout"):
        return (r.get("seconds") or r.get("time_limit")), ">"
    if status.startswith("not run") and r.get("predicted_seconds") is not None:
        return r["predicted_seconds"], "~"
    return None, None


def fmt_seconds(r):
    s, kind = bound(r)
    if s is None:
        return "-"
    return {"=": g3(s), ">": f"> {s:.3g}", "~": f"~{s:.2g} pred."}[kind]


def fmt_ratio(r, ref):
    s, kind = bound(r)
    if s is None or ref is None or not is_ok(ref) or not ref["seconds"]:
        return "-"
    q = s / ref["seconds"]
    return {"=": f"{q:.3g}", ">": f"> {q:.3g}", "~": f"~{q:.2g}"}[kind]


def fmt_evals(r):
    if r.get("evaluations") is None:
        return "-"
    g = r.get("gradient_evaluations")
    return f"{r['evaluations']}" + (f"+{g}" if g else "")


def fmt_mem(r):
    p = r.get("peak_rss_bytes")
    if p is None:
        return "-", "-"
    return f"{p / 2**20:.3g}", f"{p / r['param_bytes']:.2g}" if r.get("param_bytes") else "-"


def status_text(r):
    s = r.get("status") or "?"
    return s if len(s) <= 70 else s[:67] + "..."


def table(records):
    header = ["tool", "mode", "loss", "V", "d", "n", "seconds", "x full", "x dir", "evals", "floor", "accuracy",
              "peak MB", "x param", "ok", "status"]
    rows, groups = [], []
    for r in records:
        key = (r["loss"], r["V"], r["d"])
        full = next((q for q in records if q["tool"] == "gradcheck" and q["mode"] == "full"
                     and (q["loss"], q["V"], q["d"]) == key), None)
        dirn = next((q for q in records if q["tool"] == "gradcheck" and q["mode"] == "directional"
                     and (q["loss"], q["V"], q["d"]) == key), None)
        mb, xp = fmt_mem(r)
        acc = r.get("accuracy_normwise", r.get("accuracy"))
        rows.append([r["tool"], r["mode"], r["loss"], str(r["V"]), str(r["d"]), str(r["n"]), fmt_seconds(r),
                     fmt_ratio(r, full), fmt_ratio(r, dirn), fmt_evals(r),
                     g3(r.get("floor_ratio_points") or r.get("floor_ratio")),
                     "-" if acc is None else f"{acc:.1e}", mb, xp,
                     "-" if r.get("passed") is None else ("yes" if r["passed"] else "NO"), status_text(r)])
        groups.append(key)
    widths = [max(len(row[i]) for row in rows + [header]) for i in range(len(header))]
    left = {0, 1, 2, 15}

    def line(row):
        return "  ".join(c.ljust(w) if i in left else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))).rstrip()

    out = [line(header), line(["-" * w for w in widths])]
    for i, row in enumerate(rows):
        if i and groups[i] != groups[i - 1]:
            out.append("")
        out.append(line(row))
    return "\n".join(out)


# ---------------------------------------------------------------- targets

def find(records, tool, mode, loss, V, d):
    return next((r for r in records if r["tool"] == tool and r["mode"] == mode and r["loss"] == loss
                 and (r["V"], r["d"]) == (V, d)), None)


def why_missing(r, name):
    if r is None:
        return f"{name} not measured"
    return f"{name}: {r.get('status')}"


def target_speedup(ours, peer, need, peer_name, ours_name):
    """'>= need x faster than peer': MET / NOT MET / n/a, with the figure."""
    if ours is None or not is_ok(ours):
        return "n/a", why_missing(ours, ours_name)
    s, kind = bound(peer) if peer else (None, None)
    if s is None:
        return "n/a", why_missing(peer, peer_name)
    q = s / ours["seconds"]
    fig = f"{q:.3g}x ({peer_name} {s:.3g} s / {ours_name} {ours['seconds']:.3g} s)"
    if kind == "=":
        return ("MET" if q >= need else "NOT MET"), fig
    if kind == ">":  # the peer was stopped: q is a lower bound
        return ("MET" if q >= need else "UNDETERMINED"), "> " + fig + ", peer stopped at the time limit"
    return ("MET (predicted)" if q >= need else "NOT MET (predicted)"), "~" + fig + ", peer not run: predicted time"


def targets(records, losses):
    lines = []

    def add(verdict, text, fig):
        lines.append(f"  {verdict:<19} {text}: {fig}")

    for loss in losses:
        lines.append(f"[{loss}]")
        gf = find(records, "gradcheck", "full", loss, 1000, 50)
        nl = find(records, "numpy_loop", "full", loss, 1000, 50)
        nlo = find(records, "numpy_loop_lossonly", "full", loss, 1000, 50)
        tf = find(records, "torch_full", "full", loss, 1000, 50)
        add(*target_speedup(gf, nl, 50, "numpy loop", "gradcheck full")[:1],
            "full (1000, 50) >= 50x faster than the numpy loop", target_speedup(gf, nl, 50, "numpy loop", "gradcheck full")[1])
        v, fig = target_speedup(gf, nlo, 50, "loss-only loop", "gradcheck full")
        add(f"({v})", "  same, against the loss-only numpy loop (info)", fig)
        v, fig = target_speedup(gf, tf, 10, "torch full", "gradcheck full")
        add(v, "full (1000, 50) >= 10x faster than torch's full gradcheck", fig)

        # accuracy: ours strictly smaller error than both peers' numerical derivatives. Judged
        # normwise (max |a - n| / max |a|: the error relative to the gradient's scale, the scale
        # the pass condition resolves entries to); elementwise (max |a - n| / max(|a|, |n|),
        # set by the rounding of f on entries ~1e-7 of the largest) is printed as information.
        for key, label in (("accuracy_normwise", "normwise"), ("accuracy", "elementwise")):
            what = f"full (1000, 50) better accuracy than the numpy loop and torch full ({label})"
            if label == "elementwise":
                what = "  same, elementwise (info)"
            if gf is None or not is_ok(gf) or gf.get(key) is None:
                add("n/a", what, why_missing(gf, "gradcheck full"))
                continue
            peer_acc = [(name, r.get(key) if r else None) for name, r in (("numpy loop", nl), ("torch full", tf))]
            known = [(name, a) for name, a in peer_acc if a is not None]
            fig = f"gradcheck {gf[key]:.1e} vs " + ", ".join(
                f"{name} {'-' if a is None else f'{a:.1e}'}" for name, a in peer_acc)
            if len(known) < 2:
                v = "MET (partial)" if known and all(gf[key] < a for _, a in known) else "n/a"
            else:
                v = "MET" if all(gf[key] < a for _, a in known) else "NOT MET"
            add(v if label == "normwise" else f"({v})", what, fig)

        def floor_target(r, name, limit, points, tool):
            """The floor ratio target of gradcheck's row r, its variant without the points and its cold first run.

            The target is judged against the bare loop that evaluates f at the points the check needs,
            forming them (`points` says how): f cannot be called at x + t*v without x + t*v. The loop
            without them (the same number of calls at x itself) is printed as information."""
            what = f"{name} floor ratio <= {limit:g}"
            if r is None or not is_ok(r) or r.get("floor_ratio") is None:
                add("n/a", what, why_missing(r, tool))
                return
            headline = r.get("floor_ratio_points") or r["floor_ratio"]
            bare = (r.get("bare_points_seconds") if r.get("floor_ratio_points") else r.get("bare_seconds")) or float("nan")
            add("MET" if headline <= limit else "NOT MET", what + (f", the bare loop with {points}" if
                                                                  r.get("floor_ratio_points") else ""),
                f"{headline:.3g} ({r['seconds']:.3g} s / bare {bare:.3g} s)")
            if r.get("floor_ratio_points"):
                add("(MET)" if r["floor_ratio"] <= limit else "(NOT MET)",
                    "  same, the bare calls alone at x, no points formed (info)",
                    f"{r['floor_ratio']:.3g} ({r['seconds']:.3g} s / bare {r.get('bare_seconds', float('nan')):.3g} s)")
            if r.get("first_run_seconds") and r.get("bare_seconds"):
                add("(info)", "  the first, cold check in its process, against the rounds' median bare loop",
                    f"{r['first_run_seconds']:.3g} s, {r['first_run_seconds'] / r['bare_seconds']:.3g}x the bare loop")

        floor_target(gf, "full (1000, 50)", 1.25, "each x +- h*e_j set and put back", "gradcheck full")
        gd = find(records, "gradcheck", "directional", loss, 100000, 300)
        tfa = find(records, "torch_fast", "fast", loss, 100000, 300)
        floor_target(gd, "directional (100000, 300)", 1.5, "the points x +- t*v formed", "gradcheck directional")
        v, fig = target_speedup(gd, tfa, 1.0, "torch fast", "gradcheck directional")
        add(v, "directional (100000, 300) no slower than torch fast mode", fig)

        for r, name in ((gf, "full (1000, 50)"), (gd, "directional (100000, 300)")):
            if r is None or not is_ok(r) or r.get("peak_rss_bytes") is None:
                add("n/a", f"{name} peak memory <= 3x param bytes", why_missing(r, "gradcheck " + name.split()[0]))
            else:
                q = r["peak_rss_bytes"] / r["param_bytes"]
                add("MET" if q <= 3 else "NOT MET", f"{name} peak memory <= 3x param bytes",
                    f"{q:.2g}x ({r['peak_rss_bytes'] / 2**20:.3g} MB for {r['param_bytes'] / 2**20:.3g} MB)")
        measured = [r for r in records if r["tool"] == "gradcheck" and r["loss"] == loss and is_ok(r)
                    and r.get("peak_rss_bytes") is not None and r.get("param_bytes")]
        if measured:
            worst = max(measured, key=lambda r: r["peak_rss_bytes"] / r["param_bytes"])
            add("(info)", "  largest peak memory / param bytes over every gradcheck row",
                f"{worst['peak_rss_bytes'] / worst['param_bytes']:.2g}x ({worst['mode']} ({worst['V']}, {worst['d']}): "
                f"{worst['peak_rss_bytes'] / 2**20:.3g} MB for {worst['param_bytes'] / 2**20:.3g} MB)")
    for r in records:
        if r.get("zero_gradient_would_pass"):
            lines.append(f"note: torch fast mode at ({r['V']}, {r['d']}) on {r['loss']} would accept a claimed gradient of 0: "
                         f"its allowance atol*sum(u)*sum(v) + rtol*|n| exceeds |vT J u| ({r.get('accuracy_over', '')})")
    rejected = [r for r in records if r.get("passed") is False]
    lines.append("verdicts on the correct gradient: " + (
        "every completed check accepted it" if not rejected else
        "REJECTED by " + ", ".join(f"{r['tool']} {r['mode']} {r['loss']} ({r['V']}, {r['d']})" for r in rejected)))
    return "\n".join(lines)


# ---------------------------------------------------------------- main

def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--build", default="build", help="build tree holding bench/gradcheck_bench (default build)")
    ap.add_argument("--time-limit", type=float, default=300.0,
                    help="seconds per check for every tool (default 300: the homework loop at (1000, 50) "
                         "takes about 220 s here)")
    ap.add_argument("--threads", type=int, default=2, help="gradcheck --threads and torch.set_num_threads (default 2)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--samples", type=int, help="gradcheck --samples for the sampled mode (default: the tool's)")
    ap.add_argument("--loss", default=",".join(peers.LOSSES), help="comma-separated losses (default both)")
    ap.add_argument("--quick", action="store_true", help="(100, 20) only: a smoke test of the harness")
    ap.add_argument("--no-peers", action="store_true", help="gradcheck rows only")
    ap.add_argument("--json", help="also write every record to this file")
    ap.add_argument("--replay", metavar="FILE", help="print the table and targets of a --json file; run nothing")
    args = ap.parse_args()
    if args.replay:
        with open(args.replay) as f:
            saved = json.load(f)
        records = saved["records"]
        print(table(records))
        print()
        print("targets (issue 5):")
        print(targets(records, sorted({r["loss"] for r in records}, key=peers.LOSSES.index)))
        print()
        print("replayed from " + args.replay + "; measured by: " + " ".join(shlex.quote(a) for a in saved["command"]))
        for line in saved.get("footer", []):
            print(line)
        return
    losses = args.loss.split(",")
    for loss in losses:
        if loss not in peers.LOSSES:
            ap.error(f"unknown loss {loss!r}")
    exe = os.path.join(args.build, "bench", "gradcheck_bench")

    start, load0 = time.time(), loadavg()
    jobs = plan(args)
    records = []
    for i, (kind, loss, V, d, what) in enumerate(jobs, 1):
        print(f"[{i}/{len(jobs)}] {'gradcheck ' + what if kind == 'ours' else what} {loss} ({V}, {d}) ...",
              end=" ", file=sys.stderr, flush=True)
        t = time.time()
        if kind == "ours":
            r = run_ours(exe, loss, V, d, what, args)
        else:
            r = peers.measure(loss, V, d, what, args.time_limit, args.seed, args.threads)
        records.append(r)
        print(f"{r.get('status')} ({time.time() - t:.1f} s)", file=sys.stderr, flush=True)

    if args.json:  # first, so that a failure below loses nothing
        with open(args.json, "w") as f:
            json.dump({"command": ["python3"] + sys.argv, "records": records}, f, indent=1)
    print(table(records))
    print()
    print("targets (issue 5):")
    print(targets(records, losses))
    print()
    peer_recs = [r for r in records if r.get("tool") in peers.PEERS]
    versions = next((r["versions"] for r in peer_recs if isinstance(r.get("versions"), dict)), {})
    torch_threads = next((r["threads"] for r in peer_recs if r.get("threads") is not None), "?")
    blas = next((r["numpy_blas"] for r in peer_recs if r.get("numpy_blas")), "?")
    method = next((r["memory_method"] for r in peer_recs if r.get("memory_method")), "n/a")
    footer = [
        "command: " + " ".join(shlex.quote(a) for a in ["python3"] + sys.argv),
        f"machine: {cpu_model()}, {os.cpu_count()} cores; load average {load0} at start, {loadavg()} at end "
        "(other processes' load slows every row)",
        f"gradcheck: {exe} --threads {args.threads}; torch {versions.get('torch', '?')} "
        f"(torch.set_num_threads({args.threads}) -> {torch_threads}), "
        f"numpy {versions.get('numpy', '?')} (BLAS {blas}), "
        f"python {versions.get('python', '?')}",
        f"time limit {args.time_limit:g} s per check; seed {args.seed}; peers' peak memory: {method}",
        f"wall time of the benchmark: {time.time() - start:.0f} s",
    ]
    print("\n".join(footer))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"command": ["python3"] + sys.argv, "footer": footer[1:], "records": records}, f, indent=1)


if __name__ == "__main__":
    main()
