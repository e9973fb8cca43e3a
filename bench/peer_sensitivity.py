#!/usr/bin/env python3
"""Measure the sensitivity of two peer gradient checkers on the functions our
calibration (`gradcheck calibrate`) uses, to print beside our own sensitivity.

Usage: python3 bench/peer_sensitivity.py [--trials N] [--seed S] [--scales 0.01,1,30] [--jobs J]
                                         [--gradcheck build/src/gradcheck]

Sensitivity (as in src/runner/calibrate.cpp): a correct gradient g is perturbed
to g·(1 + δ) + δ·‖g‖·e, e a random unit vector drawn afresh per trial. Per trial
the smallest δ of the ladder 1e-10, 2e-10, 5e-10, ..., 5e-2, 1e-1 that the
checker rejects is found by bisection (rejection assumed monotone in δ); the
sensitivity is the largest of these over the trials, i.e. the smallest ladder δ
rejected in EVERY trial. "> 1e-1" means some trial accepted even δ = 1e-1.
A false failure is a trial whose correct gradient (δ = 0) is rejected; such a
trial has no meaningful smallest δ and is left out of the sensitivity (our own
calibration likewise only perturbs points whose correct formula passed). Also
left out, because no checker can reject them: points with one coordinate
(g(1 + δ) + δ|g|e = g when e = -sign(g); calibrate.cpp skips them too) and
points whose gradient is exactly 0 (softmax saturated at scale 30: the
perturbed claim is 0 for every δ). "(sens. trials)" counts the trials kept.

Peers:
  torch          torch.autograd.gradcheck, defaults (eps=1e-6, atol=1e-5,
                 rtol=1e-3, raise_exception=False), float64. The checked
                 function is a torch.autograd.Function whose forward is the loss
                 (numpy closed form) and whose backward returns
                 grad_output * (the claimed, perturbed gradient).
  torch-fast     the same with fast_mode=True (one random projection u, v;
                 torch draws them from its own fixed-seed generator).
  cs224n         the CS224N assignment-2 helper gradcheck_naive: per coordinate
                 a central difference with h = 1e-4 (x[ix] += h; f; x[ix] -= 2h;
                 f; x[ix] += h, so x drifts by rounding exactly as in the helper),
                 relative error |a - n| / max(1, |a|, |n|), reject if any
                 coordinate exceeds 1e-5. The numerical gradient does not depend
                 on the claim, so it is computed once per trial and every claim
                 of the bisection is compared with it: the verdict is the
                 helper's (which stops at the first bad index).

Ours, printed beside them as checker "gradcheck": `gradcheck calibrate` on the
same cases and scales with --trials N --sensitivity_trials N --seed S (its own
points, drawn from the same distributions by checks/*.cpp; its default options).
Its last column is "-": calibrate does not count trials above 1e-1.

Cases (row convention: U is V x d, row w is u_w; scores s = U v_c), drawn as in
checks/*.cpp, every entry multiplied by the scale:
  naive_softmax_grad_center      dJ/dv_c = U^T (yhat - y); V 2..50, d 1..20,
                                 U and v_c standard normal
  naive_softmax_grad_outside     dJ/dU = (yhat - y) v_c^T; same draw
  sigmoid_derivative             sigma'(x) = sigma(x) sigma(-x); n 1..20, x uniform
                                 in [-8, 8) with |x_i| >= 1e-3, x_0 >= 0.
                                 torch checks the vector function sigma(x), i.e. the
                                 whole n x n Jacobian, whose backward is
                                 grad_output * sigma'(x) (the claimed diagonal).
                                 cs224n (scalar functions only) checks
                                 sum(sigma(x)), whose gradient is exactly that
                                 diagonal. Either way the perturbed vector is the
                                 diagonal sigma'(x), as in our elementwise case.
  neg_sampling_grad_center       dJ/dv_c; K 1..15 samples with repeats (o allowed),
                                 v_c ~ N(0, I/d), U standard normal
  neg_sampling_repeated_negatives dJ/dU; K 2..15, a word w != o drawn twice, o among
                                 the samples in trials 0, 3, 6, ...
  skipgram_grad_outside          dJ_sg/dU for the naive-softmax loss summed over a
                                 window of 2m outside words, m 1..4 (our C++ case
                                 alternates with negative sampling; here naive
                                 softmax only); centre vectors N(0, I/d)

Losses are computed stably (max-shifted logsumexp, log sigma via logaddexp).
Each trial's point and e come from numpy default_rng([seed, crc32(case), trial]),
so the same base point is used at every scale and by every checker, and the
output is deterministic given --seed whatever --jobs is.
"""
import os
import sys

try:
    import numpy as np
    import torch
except ImportError:
    # python3 may be a pyenv interpreter without Debian's python3-torch / python3-numpy.
    if os.path.exists("/usr/bin/python3") and os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3"):
        print(f"note: numpy/torch not importable from {sys.executable}; re-running with /usr/bin/python3",
              file=sys.stderr)
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    raise

import argparse
import multiprocessing
import re
import shlex
import subprocess
import tempfile
import time
import warnings
import zlib

LADDER = [m * 10.0 ** k for k in range(-10, -1) for m in (1.0, 2.0, 5.0)] + [1e-1]
CHECKERS = ["torch", "torch-fast", "cs224n"]


# ---------------------------------------------------------------- closed forms

def logsumexp(s):
    m = s.max()
    return m + np.log(np.exp(s - m).sum())


def softmax(s):
    z = np.exp(s - s.max())
    return z / z.sum()


def sigmoid(x):
    # exp only ever sees a non-positive argument.
    x = np.asarray(x, dtype=np.float64)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def neg_log_sigmoid(x):
    return np.logaddexp(0.0, -x)  # -log sigma(x) = log(1 + e^-x)


# Each loss has a loss-only form (what the finite differences evaluate, thousands of
# times per trial) and its closed-form gradients.

def naive_softmax_loss(vc, o, U):
    """J = -log softmax(U v_c)_o."""
    s = U @ vc
    return logsumexp(s) - s[o]


def naive_softmax_grads(vc, o, U):
    """dJ/dv_c = U^T (yhat - y), dJ/dU = (yhat - y) v_c^T."""
    delta = softmax(U @ vc)
    delta[o] -= 1.0
    return U.T @ delta, np.outer(delta, vc)


def neg_sampling_loss(vc, o, U, negatives):
    """J = -log sigma(u_o.v_c) - sum_k log sigma(-u_k.v_c); negatives an int array, repeats allowed."""
    s = U @ vc
    return float(neg_log_sigmoid(s[o]) + neg_log_sigmoid(-s[negatives]).sum())


def neg_sampling_grads(vc, o, U, negatives):
    """dJ/dv_c = -(1 - sigma(s_o)) u_o + sum_k (1 - sigma(-s_k)) u_k;
    dJ/du_w = -(1 - sigma(s_o)) v_c [w = o] + sum_{k: w_k = w} (1 - sigma(-s_k)) v_c."""
    s = U @ vc
    weights = np.zeros(U.shape[0])
    weights[o] -= sigmoid(-s[o])  # 1 - sigma(s_o)
    np.add.at(weights, negatives, sigmoid(s[negatives]))  # accumulate: repeats and o add their own term
    return U.T @ weights, np.outer(weights, vc)


# ---------------------------------------------------------------- the cases

class Problem:
    """x0: the point; loss(x) -> float; grad(x) -> array shaped like x (the correct claim).
    For elementwise cases vec(x) -> array is the vector function torch checks (its Jacobian
    is diag(grad(x))); loss is then sum(vec(x))."""

    def __init__(self, x0, loss, grad, vec=None):
        self.x0, self.loss, self.grad, self.vec = x0, loss, grad, vec


def size(rng, lo, hi):
    return int(rng.integers(lo, hi + 1))


def naive_softmax_grad_center(rng, scale, trial):
    V, d = size(rng, 2, 50), size(rng, 1, 20)
    o = size(rng, 0, V - 1)
    U = rng.standard_normal((V, d)) * scale
    vc = rng.standard_normal(d) * scale
    return Problem(vc, lambda x: naive_softmax_loss(x, o, U), lambda x: naive_softmax_grads(x, o, U)[0])


def naive_softmax_grad_outside(rng, scale, trial):
    V, d = size(rng, 2, 50), size(rng, 1, 20)
    o = size(rng, 0, V - 1)
    vc = rng.standard_normal(d) * scale
    U = rng.standard_normal((V, d)) * scale
    return Problem(U, lambda x: naive_softmax_loss(vc, o, x), lambda x: naive_softmax_grads(vc, o, x)[1])


def sigmoid_derivative(rng, scale, trial):
    n = size(rng, 1, 20)
    x = np.empty(n)
    for i in range(n):
        while True:
            x[i] = rng.uniform(-8.0, 8.0)
            if abs(x[i]) >= 1e-3:
                break
    x *= scale
    x[0] = abs(x[0])
    return Problem(x, lambda z: float(sigmoid(z).sum()), lambda z: sigmoid(z) * sigmoid(-z), vec=sigmoid)


def neg_sampling_grad_center(rng, scale, trial):
    V, d = size(rng, 2, 50), size(rng, 1, 20)
    o = size(rng, 0, V - 1)
    negatives = np.array([size(rng, 0, V - 1) for _ in range(size(rng, 1, 15))])
    vc = rng.standard_normal(d) * scale / np.sqrt(d)
    U = rng.standard_normal((V, d)) * scale
    return Problem(vc, lambda x: neg_sampling_loss(x, o, U, negatives),
                   lambda x: neg_sampling_grads(x, o, U, negatives)[0])


def neg_sampling_repeated_negatives(rng, scale, trial):
    o_sampled = trial % 3 == 0
    V, d = size(rng, 2, 50), size(rng, 1, 20)
    o = size(rng, 0, V - 1)
    K = max(size(rng, 2, 15), 3 if o_sampled else 2)
    negatives = [size(rng, 0, V - 1) for _ in range(K)]
    w = size(rng, 0, V - 2)
    if w >= o:
        w += 1
    negatives[0] = negatives[1] = w
    if o_sampled:
        negatives[2] = o
    negatives = rng.permutation(negatives)
    vc = rng.standard_normal(d) * scale / np.sqrt(d)
    U = rng.standard_normal((V, d)) * scale
    return Problem(U, lambda x: neg_sampling_loss(vc, o, x, negatives),
                   lambda x: neg_sampling_grads(vc, o, x, negatives)[1])


def skipgram_grad_outside(rng, scale, trial):
    V, d = size(rng, 2, 50), size(rng, 1, 20)
    c = size(rng, 0, V - 1)
    m = size(rng, 1, 4)
    outside = [size(rng, 0, V - 1) for _ in range(2 * m)]
    centers = rng.standard_normal((V, d)) * scale / np.sqrt(d)
    U = rng.standard_normal((V, d)) * scale
    vc = centers[c]

    def loss(x):  # sum_j J(v_c, w_j, U), the scores shared by the window's words
        s = x @ vc
        lse = logsumexp(s)
        return sum(lse - s[w] for w in outside)

    def grad(x):  # sum_j dJ(v_c, w_j, U)/dU
        return sum(naive_softmax_grads(vc, w, x)[1] for w in outside)

    return Problem(U, loss, grad)


CASES = {f.__name__: f for f in [naive_softmax_grad_center, naive_softmax_grad_outside, sigmoid_derivative,
                                 neg_sampling_grad_center, neg_sampling_repeated_negatives, skipgram_grad_outside]}


# ---------------------------------------------------------------- the peers

# When a fast-mode check fails, torch recomputes the full slow-mode Jacobians only to
# write the GradcheckError's message (_run_slow_mode_and_get_error); the verdict is
# already decided. With raise_exception=False the message is thrown away, so skip it.
_gradcheck_module = sys.modules["torch.autograd.gradcheck"]  # torch.autograd.gradcheck is the function
if hasattr(_gradcheck_module, "_run_slow_mode_and_get_error"):
    _gradcheck_module._run_slow_mode_and_get_error = lambda *args, **kwargs: ""


class ClaimedGradient(torch.autograd.Function):
    """forward: problem's function of x (float64); backward: grad_output * claim(x)."""

    @staticmethod
    def forward(ctx, x, fn, claim):
        ctx.save_for_backward(x)
        ctx.claim = claim
        return torch.as_tensor(np.asarray(fn(x.detach().numpy()), dtype=np.float64))

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        g = torch.from_numpy(np.ascontiguousarray(ctx.claim(x.detach().numpy()), dtype=np.float64))
        return grad_output * g, None, None


def torch_accepts(problem, claim, fast):
    x = torch.tensor(problem.x0, dtype=torch.float64, requires_grad=True)
    fn = problem.vec if problem.vec is not None else problem.loss
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return bool(torch.autograd.gradcheck(lambda t: ClaimedGradient.apply(t, fn, claim), (x,),
                                             eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=False,
                                             fast_mode=fast))


def cs224n_numerical_gradient(problem):
    """The numerical gradient of gradcheck_naive, coordinate by coordinate, x restored by += h."""
    x = np.array(problem.x0, dtype=np.float64)
    h = 1e-4
    numgrad = np.empty_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        ix = it.multi_index
        x[ix] += h
        fxh = problem.loss(x)
        x[ix] -= 2 * h
        fxnh = problem.loss(x)
        x[ix] += h
        numgrad[ix] = (fxh - fxnh) / 2 / h
        it.iternext()
    return numgrad


def cs224n_accepts(numgrad, grad):
    reldiff = np.abs(numgrad - grad) / np.maximum(1.0, np.maximum(np.abs(numgrad), np.abs(grad)))
    return not bool((reldiff > 1e-5).any())


# ---------------------------------------------------------------- the measurement

def perturbed(grad, delta, e):
    def claim(x):
        g = np.asarray(grad(x), dtype=np.float64)
        flat = g.ravel()
        return (flat * (1.0 + delta) + delta * np.linalg.norm(flat) * e).reshape(g.shape)
    return claim


def smallest_rejected(rejects):
    """Index into LADDER of the smallest rejected δ (bisection), len(LADDER) if even 1e-1 passes."""
    lo, hi = 0, len(LADDER) - 1
    if not rejects(hi):
        return len(LADDER)
    while lo < hi:
        mid = (lo + hi) // 2
        if rejects(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo


def measure(job):
    """One (case, scale): per checker, the false failures and each sensitivity trial's smallest rejected rung."""
    case, scale, trials, seed = job
    torch.set_num_threads(1)
    result = {k: {"false": 0, "rungs": []} for k in CHECKERS}
    for t in range(trials):
        rng = np.random.default_rng([seed, zlib.crc32(case.encode()), t])
        p = CASES[case](rng, scale, t)
        e = rng.standard_normal(p.x0.size)
        e /= np.linalg.norm(e)
        numgrad = cs224n_numerical_gradient(p)
        verdicts = {
            "torch": lambda claim: torch_accepts(p, claim, fast=False),
            "torch-fast": lambda claim: torch_accepts(p, claim, fast=True),
            "cs224n": lambda claim: cs224n_accepts(numgrad, claim(p.x0)),
        }
        for checker, accepts in verdicts.items():
            r = result[checker]
            if not accepts(p.grad):
                r["false"] += 1
                continue
            # With one coordinate, g(1 + δ) + δ|g|e is g itself whenever e = -sign(g), and with g = 0
            # (softmax saturated to ŷ = y in doubles, at scale 30) it is 0 for every δ: no checker can
            # reject such a claim, so these points are left out (src/runner/calibrate.cpp skips the
            # one-coordinate points in the same way).
            if p.x0.size < 2 or not np.any(np.asarray(p.grad(p.x0))):
                continue
            r["rungs"].append(smallest_rejected(lambda i: not accepts(perturbed(p.grad, LADDER[i], e))))
    return case, scale, result


def fmt_delta(rung):
    if rung is None:
        return "n/a"
    if rung == len(LADDER):
        return "> 1e-1"
    return f"{LADDER[rung]:.0e}"


# One row of `gradcheck calibrate`'s table: case, scale, trials, false, inconclusive,
# controls, equal, sensitivity, (sensitivity trials), median.
CALIBRATE_ROW = re.compile(r"^(\w+)\s+(\S+)\s+(\d+)\s+(\d+)\s+\d+\s+\d+/\d+\s+\d+\s+(n/a|> 1e-1|\S+)"
                           r"\s+\(\s*(\d+)\)\s+(\S+)\s*$")


def run_ours(binary, scales_text, trials, seed):
    """Rows of `gradcheck calibrate` keyed by (case, scale text), or a reason it did not run."""
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        return None, f"no gradcheck binary at {binary} (build it, or pass --gradcheck PATH)"
    with tempfile.TemporaryDirectory() as reports:
        command = [binary, "calibrate", *CASES, "--trials", str(trials), "--sensitivity_trials", str(trials),
                   "--scales", scales_text, "--seed", str(seed), "--report_dir", reports]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    # Exit 1 is a verdict (e.g. sigmoid_derivative at scale 30 inconclusive in every trial), not an error.
    if done.returncode not in (0, 1):
        return None, f"{' '.join(command)} exited {done.returncode}: {done.stderr.strip()[:200]}"
    rows = {}
    for text in done.stdout.splitlines():
        m = CALIBRATE_ROW.match(text)
        if m:
            case, scale, ran, false, sens, sens_trials, median = m.groups()
            rows[(case, f"{float(scale):g}")] = [ran, false, sens, f"({sens_trials})", median, "-"]
    return rows, None


# Rough cost order (matrix inputs first), so that the longest jobs do not start last.
COST_ORDER = ["neg_sampling_repeated_negatives", "skipgram_grad_outside", "naive_softmax_grad_outside",
              "neg_sampling_grad_center", "naive_softmax_grad_center", "sigmoid_derivative"]


def main():
    start = time.perf_counter()
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--trials", type=int, default=200, help="trials per case and scale (default 200)")
    ap.add_argument("--seed", type=int, default=1, help="seed of numpy default_rng (default 1)")
    ap.add_argument("--scales", default="0.01,1,30", help="comma-separated scales of the points (default 0.01,1,30)")
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                    help="worker processes, one (case, scale) each at a time (default min(2, cores))")
    ap.add_argument("--gradcheck", default="build/src/gradcheck",
                    help="our CLI, run as `gradcheck calibrate` for the rows beside the peers "
                         "(default build/src/gradcheck)")
    args = ap.parse_args()
    if args.trials < 1 or args.jobs < 1:
        ap.error("--trials and --jobs must be at least 1")
    try:
        scales = [float(s) for s in args.scales.split(",")]
    except ValueError:
        ap.error(f"--scales {args.scales!r}: expected numbers separated by commas")
    if not scales or not all(0 < s < float("inf") for s in scales):
        ap.error(f"--scales {args.scales!r}: expected positive numbers")

    jobs = [(case, scale, args.trials, args.seed) for case in COST_ORDER for scale in scales]
    if args.jobs > 1:
        with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
            done = pool.map(measure, jobs, chunksize=1)
    else:
        done = [measure(j) for j in jobs]
    results = {(case, scale): result for case, scale, result in done}
    ours, ours_missing = run_ours(args.gradcheck, args.scales, args.trials, args.seed)

    header = ["case", "scale", "checker", "trials", "false failures", "sensitivity δ",
              "(sens. trials)", "median δ", "trials > 1e-1"]
    rows = []
    for case in CASES:
        for scale in scales:
            mine = (ours or {}).get((case, f"{scale:g}"))
            if mine:
                rows.append([case, f"{scale:g}", "gradcheck", *mine])
            for checker in CHECKERS:
                r = results[(case, scale)][checker]
                rungs = sorted(r["rungs"])
                rows.append([case, f"{scale:g}", checker, str(args.trials), str(r["false"]),
                             fmt_delta(rungs[-1] if rungs else None), f"({len(rungs)})",
                             fmt_delta(rungs[(len(rungs) - 1) // 2] if rungs else None),
                             str(sum(k == len(LADDER) for k in rungs))])
    widths = [max(len(row[i]) for row in rows + [header]) for i in range(len(header))]
    left = {0, 2}

    def line(row):
        return "  ".join(c.ljust(w) if i in left else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths)))

    print(line(header))
    print(line(["-" * w for w in widths]))
    for i, row in enumerate(rows):
        if i and row[0] != rows[i - 1][0]:
            print()
        print(line(row))
    print()
    print("sensitivity δ: smallest ladder δ whose g(1+δ) + δ|g|e is rejected in every sensitivity trial;")
    print("  sensitivity trials: points with at least 2 coordinates and a non-zero gradient, whose correct")
    print("  gradient the checker accepts;")
    print("  median δ: median over them of the smallest rejected δ; '> 1e-1': some trial accepts δ = 1e-1")
    print("  (the last column counts those trials). torch = torch.autograd.gradcheck defaults, float64;")
    print("  cs224n = central difference h=1e-4, |a-n|/max(1,|a|,|n|) > 1e-5 rejects.")
    print("  gradcheck = `gradcheck calibrate` (its own points from the same distributions, default options)"
          if ours else f"  gradcheck rows: not run: {ours_missing}")
    print("command:", " ".join(shlex.quote(a) for a in ["python3"] + sys.argv))
    print(f"torch {torch.__version__}, numpy {np.__version__}, {args.jobs} worker process(es)")
    print(f"wall time: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
