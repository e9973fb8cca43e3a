#!/usr/bin/env python3
"""Time the peers of gradcheck (issue 5) checking the CORRECT closed-form
gradient of a word2vec loss at one seeded point; print one JSON object per
measurement on stdout.

Usage: python3 bench/peers.py [--loss naive_softmax,neg_sampling] [--size 100x20,1000x50]
                              [--peer numpy_loop,numpy_loop_lossonly,torch_full,torch_fast]
                              [--time-limit 300] [--seed 1] [--threads 2] [--force]

Every (loss, size, peer) is measured in its own child process (a fresh
interpreter running this file with --child), so that its peak memory is its own.

Functions (row convention, float64): x = [v_c (d), U (V x d, row-major)],
n = d + V*d, s = U v_c.
  naive_softmax  J = logsumexp(s) - s_o;
                 dJ/dv_c = U^T (yhat - y), dJ/dU = (yhat - y) v_c^T.
  neg_sampling   K = 10 negatives drawn uniformly with repeats (o may be drawn);
                 J = -log sigma(s_o) - sum_k log sigma(-s_k);
                 dJ/dv_c = -(1 - sigma(s_o)) u_o + sum_k (1 - sigma(-s_k)) u_k,
                 dJ/du_o = -(1 - sigma(s_o)) v_c, dJ/du_w += (1 - sigma(-s_k)) v_c
                 per occurrence k of w; the other rows 0. The loss reads only
                 the rows o and the negatives (as the homework code does).
Point: numpy default_rng([seed, crc32(loss), V, d]): v_c ~ N(0, 1), U ~ N(0, 1/d)
(scores O(1)), o and the negatives uniform on 0..V-1.

Peers:
  numpy_loop           the CS224N assignment-2 helper gradcheck_naive, written out:
                       fx, grad = f(x) once, then per coordinate (np.nditer)
                       x[ix] += h; f; x[ix] -= 2h; f; x[ix] += h, h = 1e-4,
                       numgrad = (fxh - fxnh) / 2 / h, random.setstate before each
                       f as the helper does, and it stops at the first coordinate
                       with |a - n| / max(1, |a|, |n|) > 1e-5. f has the homework
                       interface: it returns the loss AND the gradient (the
                       helper discards the gradient inside the loop), numpy.
  numpy_loop_lossonly  the same loop with f returning the loss only (the claimed
                       gradient computed once, separately): the cheapest loop.
  torch_full           torch.autograd.gradcheck(fn, (x,), eps=1e-6, atol=1e-5,
                       rtol=1e-3, raise_exception=False), float64, x one flat
                       tensor of n entries; fn = ClaimedGradient.apply, a
                       torch.autograd.Function whose forward is the loss (torch
                       ops) and whose backward returns grad_output * (the closed
                       form, torch ops), as in bench/peer_sensitivity.py.
  torch_fast           the same with fast_mode=True. When a fast-mode check fails
                       torch recomputes the slow-mode Jacobians only for the
                       error message; that is skipped (the verdict is unchanged).
torch.set_num_threads(--threads) in every child. numpy uses whichever BLAS
libblas.so.3 points to (reported as "blas").

Fields: "seconds" is the wall time of the check call only (point construction,
torch import and the bare timing below excluded). "evaluations" counts the
calls of the loss (a counter in f / in the Function's forward);
"gradient_evaluations" the calls of the closed-form gradient.
"bare_seconds" = evaluations x (time of one bare loss evaluation) +
gradient_evaluations x (time of one bare gradient evaluation), both timed just
before the check at the same point (the smallest mean of 5 batches of about
0.06 s, or of 3 single calls when one call takes over a second);
"floor_ratio" = seconds / bare_seconds.
"accuracy" is the largest |a - n| / max(|a|, |n|, DBL_MIN) over the coordinates
the peer differenced (numpy loop: its numgrad; torch full: the numerical Jacobian
torch computed, captured from _get_numerical_jacobian), a the closed-form
gradient; entries where both are 0 count 0. torch_fast: the same on the one
number it compares, vT J u (captured from _check_analytical_numerical_equal;
u uniform on [0, 1) normalised, v = 1 for a scalar loss), with its allowance
atol*sum(u)*sum(v) + rtol*|n| beside it. "accuracy_median" is the median over
the same entries. "peak_rss_bytes" = VmHWM after the check - VmRSS just before
it, the high-water mark reset just before the check by writing 5 to
/proc/self/clear_refs (Linux >= 4.0; "memory_method" says which method was used,
with a fallback of VmHWM - VmRSS without the reset, an over-estimate).

Time limit: the child first times one bare evaluation and predicts the check's
time (numpy loop: (2n + 1) f calls plus n times the loop's own cost per
coordinate, measured on a constant f over 4000 coordinates; torch full: 2n + 2
forward and 4 gradient calls plus n times torch's own cost per coordinate,
measured with gradcheck on sum(x) over 1000 coordinates; torch fast: 4 forward +
4 gradient calls, which leaves out torch's n-sized temporaries). If the prediction exceeds --time-limit it does not
run the check and reports status "not run: predicted X s > time limit Y s"
(--force runs it anyway). A check that runs past the limit is interrupted by
SIGALRM and reported as "timeout" with the evaluations made so far; the parent
also kills a child that outlives the limit by more than the setup grace.
"""
import os
import sys

if __name__ == "__main__" and "--child" in sys.argv:
    try:
        import numpy as np
        import torch
    except ImportError:
        # python3 may be a pyenv interpreter without Debian's python3-torch / python3-numpy.
        if os.path.exists("/usr/bin/python3") and \
                os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3"):
            os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
        raise

import argparse
import json
import random
import re
import signal
import subprocess
import time
import zlib

LOSSES = ["naive_softmax", "neg_sampling"]
PEERS = ["numpy_loop", "numpy_loop_lossonly", "torch_full", "torch_fast"]
MODE = {"numpy_loop": "full", "numpy_loop_lossonly": "full", "torch_full": "full", "torch_fast": "fast"}
K_NEGATIVES = 10
DBL_MIN = 2.2250738585072014e-308
SETUP_GRACE = 180.0  # seconds a child may spend on imports, the point and the bare timing


def python_with_torch():
    """An interpreter that can import numpy and torch (Debian's, if sys.executable cannot)."""
    import importlib.util
    if importlib.util.find_spec("numpy") and importlib.util.find_spec("torch"):
        return sys.executable
    return "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable


# ---------------------------------------------------------------- memory

def _status_kb(field):
    with open("/proc/self/status") as f:
        m = re.search(rf"^{field}:\s+(\d+) kB", f.read(), re.M)
    return int(m.group(1)) if m else None


def reset_peak():
    """Reset VmHWM to the current RSS; returns the method string."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        if _status_kb("VmHWM") is not None:
            return "VmHWM after the check - VmRSS before it, VmHWM reset via /proc/self/clear_refs"
    except OSError:
        pass
    return "VmHWM after the check - VmRSS before it, VmHWM NOT reset (over-estimate)"


# ---------------------------------------------------------------- the child

class TimeLimit(BaseException):
    """Raised by SIGALRM; a BaseException so that no library swallows it."""


def _alarm(signum, frame):
    raise TimeLimit()


def make_point(loss, V, d, seed):
    rng = np.random.default_rng([seed, zlib.crc32(loss.encode()), V, d])
    x = np.empty(d + V * d)
    x[:d] = rng.standard_normal(d)
    x[d:] = rng.standard_normal(V * d)
    x[d:] *= 1.0 / np.sqrt(d)
    o = int(rng.integers(0, V))
    negatives = rng.integers(0, V, size=K_NEGATIVES)
    return x, o, negatives


class NumpyFunctions:
    """Loss, closed-form gradient and the homework interface (loss, gradient) in numpy."""

    def __init__(self, loss, V, d, o, negatives):
        self.V, self.d, self.o = V, d, o
        self.negatives = np.asarray(negatives)
        self.idx = np.concatenate([[o], self.negatives])
        self.loss = self._softmax_loss if loss == "naive_softmax" else self._neg_loss
        self.loss_and_grad = self._softmax_both if loss == "naive_softmax" else self._neg_both

    def split(self, x):
        return x[:self.d], x[self.d:].reshape(self.V, self.d)

    def _softmax_loss(self, x):
        vc, U = self.split(x)
        s = U @ vc
        m = s.max()
        return m + np.log(np.exp(s - m).sum()) - s[self.o]

    def _softmax_both(self, x):
        # as naiveSoftmaxLossAndGradient: loss, gradCenterVec, gradOutsideVecs; the wrapper concatenates
        vc, U = self.split(x)
        s = U @ vc
        m = s.max()
        e = np.exp(s - m)
        z = e.sum()
        J = m + np.log(z) - s[self.o]
        delta = e / z
        delta[self.o] -= 1.0
        return J, np.concatenate([U.T @ delta, np.outer(delta, vc).ravel()])

    def _neg_loss(self, x):
        vc, U = self.split(x)
        s = U[self.idx] @ vc
        return float(np.logaddexp(0.0, -s[0]) + np.logaddexp(0.0, s[1:]).sum())

    def _neg_both(self, x):
        # as negSamplingLossAndGradient: reads u_o and the sampled rows, accumulates repeats
        vc, U = self.split(x)
        rows = U[self.idx]
        s = rows @ vc
        J = float(np.logaddexp(0.0, -s[0]) + np.logaddexp(0.0, s[1:]).sum())
        w = np.empty(len(self.idx))
        w[0] = -sigmoid(-s[0])  # -(1 - sigma(s_o))
        w[1:] = sigmoid(s[1:])  # 1 - sigma(-s_k)
        grad_center = rows.T @ w
        grad_outside = np.zeros((self.V, self.d))
        np.add.at(grad_outside, self.idx, np.outer(w, vc))
        return J, np.concatenate([grad_center, grad_outside.ravel()])

    def grad(self, x):
        return self.loss_and_grad(x)[1]


def sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


class TorchFunctions:
    """The same loss and closed-form gradient in torch ops, on a flat float64 tensor."""

    def __init__(self, loss, V, d, o, negatives):
        self.V, self.d, self.o = V, d, o
        self.idx = torch.as_tensor(np.concatenate([[o], negatives]), dtype=torch.long)
        self.loss = self._softmax_loss if loss == "naive_softmax" else self._neg_loss
        self.grad = self._softmax_grad if loss == "naive_softmax" else self._neg_grad

    def split(self, x):
        return x[:self.d], x[self.d:].view(self.V, self.d)

    def _softmax_loss(self, x):
        vc, U = self.split(x)
        s = torch.mv(U, vc)
        return torch.logsumexp(s, 0) - s[self.o]

    def _softmax_grad(self, x):
        vc, U = self.split(x)
        delta = torch.softmax(torch.mv(U, vc), 0)
        delta[self.o] -= 1.0
        g = torch.empty_like(x)
        torch.mv(U.t(), delta, out=g[:self.d])
        torch.outer(delta, vc, out=g[self.d:].view(self.V, self.d))
        return g

    def _neg_loss(self, x):
        vc, U = self.split(x)
        s = torch.mv(torch.index_select(U, 0, self.idx), vc)
        zero = s.new_zeros(())
        return torch.logaddexp(zero, -s[0]) + torch.logaddexp(zero, s[1:]).sum()

    def _neg_grad(self, x):
        vc, U = self.split(x)
        rows = torch.index_select(U, 0, self.idx)  # U[idx] costs ~10 ms at V = 1e5 in torch 1.13
        s = torch.mv(rows, vc)
        w = torch.sigmoid(s)  # 1 - sigma(-s_k)
        w[0] = -torch.sigmoid(-s[0])  # -(1 - sigma(s_o))
        g = torch.zeros_like(x)
        torch.mv(rows.t(), w, out=g[:self.d])
        g[self.d:].view(self.V, self.d).index_add_(0, self.idx, torch.outer(w, vc))
        return g


def mean_call_seconds(call, min_seconds=0.3, min_calls=3, batches=5):
    """Time of one call: the smallest batch mean over a few batches (robust to other load)."""
    start = time.perf_counter()
    call()  # warm-up (lazy initialisation, allocator)
    first = time.perf_counter() - start
    per_batch = max(1, int(min_seconds / batches / max(first, 1e-7)))
    if first * max(min_calls, batches) > 5.0:  # slow calls (the largest sizes): a few single calls
        batches, per_batch = min_calls, 1
    best = float("inf")
    for _ in range(batches):
        start = time.perf_counter()
        for _ in range(per_batch):
            call()
        best = min(best, (time.perf_counter() - start) / per_batch)
    return best


def normwise(a, n):
    """max |a - n| / max |a|: the error relative to the gradient's scale."""
    a = np.asarray(a, dtype=float).ravel()
    n = np.asarray(n, dtype=float).ravel()
    scale = np.abs(a).max() if a.size else 0.0
    return float(np.abs(a - n).max() / scale) if scale > 0 else 0.0


def rel_errors(a, n):
    a = np.asarray(a, dtype=np.float64).ravel()
    n = np.asarray(n, dtype=np.float64).ravel()
    return np.abs(a - n) / np.maximum(np.maximum(np.abs(a), np.abs(n)), DBL_MIN)


def blas_library():
    try:
        with open("/proc/self/maps") as f:
            libs = sorted({line.split()[-1] for line in f if re.search(r"blas|lapack|mkl", line.split()[-1])})
        return ", ".join(os.path.realpath(p) for p in libs) or "unknown"
    except OSError:
        return "unknown"


def run_numpy_loop(fns, x, claimed, loss_only, counter):
    """gradcheck_naive: returns (passed, coordinates done, numgrad)."""
    if loss_only:
        def f(z):
            counter["f"] += 1
            return fns.loss(z), None
    else:
        def f(z):
            counter["f"] += 1
            return fns.loss_and_grad(z)
    rndstate = random.getstate()
    random.setstate(rndstate)
    fx, grad = f(x)
    if loss_only:
        counter["g"] += 1
        grad = claimed()  # the claimed gradient, given beside the loss
    h = 1e-4
    numgrad = np.zeros_like(x)
    done = [0]
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    try:
        while not it.finished:
            ix = it.multi_index
            x[ix] += h
            random.setstate(rndstate)
            fxh, _ = f(x)
            x[ix] -= 2 * h
            random.setstate(rndstate)
            fxnh, _ = f(x)
            x[ix] += h
            numgrad[ix] = (fxh - fxnh) / 2 / h
            done[0] += 1
            reldiff = abs(numgrad[ix] - grad[ix]) / max(1, abs(numgrad[ix]), abs(grad[ix]))
            if reldiff > 1e-5:
                return False, done[0], numgrad
            it.iternext()
    except TimeLimit:
        raise PartialLoop(done[0], numgrad)
    return True, done[0], numgrad


class PartialLoop(TimeLimit):
    def __init__(self, done, numgrad):
        super().__init__()
        self.done, self.numgrad = done, numgrad


class _Trivial:
    """A constant function of n0 coordinates: the loops' own cost per coordinate."""

    def __init__(self, n0):
        self.g = np.zeros(n0)

    def loss(self, x):
        return 0.0

    def loss_and_grad(self, x):
        return 0.0, self.g

    def grad(self, x):
        return self.g


def numpy_loop_overhead(loss_only, n0=4000):
    """Seconds per coordinate that the loop spends outside f (nditer, setstate, comparison)."""
    best = float("inf")
    for _ in range(3):
        triv, x = _Trivial(n0), np.zeros(n0)
        start = time.perf_counter()
        run_numpy_loop(triv, x, lambda: triv.g, loss_only, {"f": 0, "g": 0})
        best = min(best, time.perf_counter() - start)
    return best / n0


def torch_full_overhead(n0=1000):
    """Seconds per coordinate that torch's slow gradcheck spends outside the forward's own work,
    measured on f(t) = sum(t) (whose own cost is subtracted)."""
    import warnings

    class Sum(torch.autograd.Function):
        @staticmethod
        def forward(ctx, t):
            return t.sum()

        @staticmethod
        def backward(ctx, grad_output):
            return grad_output * torch.ones(n0, dtype=torch.float64)

    x = torch.zeros(n0, dtype=torch.float64, requires_grad=True)
    t_sum = mean_call_seconds(lambda: x.detach().sum(), min_seconds=0.05)
    best = float("inf")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(3):
            start = time.perf_counter()
            torch.autograd.gradcheck(Sum.apply, (x,), eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=False)
            best = min(best, time.perf_counter() - start)
    return max(0.0, best / n0 - 2 * t_sum)


def child(args):
    torch.set_num_threads(args.threads)
    loss, V, d, peer = args.loss, args.V, args.d, args.peer
    n = d + V * d
    rec = {"tool": peer, "mode": MODE[peer], "loss": loss, "V": V, "d": d, "n": n,
           "seconds": None, "evaluations": None, "gradient_evaluations": None,
           "bare_seconds": None, "floor_ratio": None, "accuracy": None, "accuracy_median": None,
           "passed": None, "peak_rss_bytes": None, "param_bytes": 8 * n, "status": "ok",
           "time_limit": args.time_limit, "predicted_seconds": None, "seed": args.seed,
           "threads": torch.get_num_threads(), "numpy_blas": blas_library(),
           "versions": {"python": sys.version.split()[0], "numpy": np.__version__, "torch": torch.__version__}}
    x, o, negatives = make_point(loss, V, d, args.seed)
    counter = {"f": 0, "g": 0}

    if peer.startswith("numpy"):
        loss_only = peer == "numpy_loop_lossonly"
        fns = NumpyFunctions(loss, V, d, o, negatives)
        claimed = fns.grad(x)
        t_f = mean_call_seconds(lambda: fns.loss(x) if loss_only else fns.loss_and_grad(x))
        t_g = mean_call_seconds(lambda: fns.grad(x)) if loss_only else 0.0
        over = numpy_loop_overhead(loss_only)
        predicted = (2 * n + 1) * t_f + t_g + n * over
        rec["predicted_basis"] = (f"(2n + 1) x {t_f:.3g} s per f call" + (f" + {t_g:.3g} s gradient" if loss_only else "")
                                  + f" + n x {over:.3g} s loop overhead per coordinate")
        rec["f_interface"] = "loss only" if loss_only else "loss and gradient (homework interface)"
    else:
        fast = peer == "torch_fast"
        fns = TorchFunctions(loss, V, d, o, negatives)
        _gc = sys.modules["torch.autograd.gradcheck"]  # torch.autograd.gradcheck is the function
        captured = {}
        if hasattr(_gc, "_run_slow_mode_and_get_error"):
            _gc._run_slow_mode_and_get_error = lambda *a, **k: ""
        orig_numjac = _gc._get_numerical_jacobian
        orig_equal = _gc._check_analytical_numerical_equal

        def capture_numjac(*a, **k):
            r = orig_numjac(*a, **k)
            captured["numerical"] = r
            return r

        def capture_equal(all_analytical, all_numerical, complex_indices, tupled_inputs, outputs, func,
                          all_v, all_u, rtol, atol, *rest, **kw):
            captured["a"] = float(all_analytical[0][0])
            captured["n"] = float(all_numerical[0][0])
            captured["u"], captured["v"] = all_u[0], (all_v[0] if all_v else None)
            captured["atol0"], captured["rtol"] = atol, rtol
            return orig_equal(all_analytical, all_numerical, complex_indices, tupled_inputs, outputs, func,
                              all_v, all_u, rtol, atol, *rest, **kw)

        _gc._get_numerical_jacobian = capture_numjac
        _gc._check_analytical_numerical_equal = capture_equal

        class ClaimedGradient(torch.autograd.Function):
            @staticmethod
            def forward(ctx, t):
                counter["f"] += 1
                ctx.save_for_backward(t)
                return fns.loss(t)

            @staticmethod
            def backward(ctx, grad_output):
                (t,) = ctx.saved_tensors
                counter["g"] += 1
                return grad_output * fns.grad(t)

        xt = torch.from_numpy(x).requires_grad_(True)
        with torch.no_grad():
            t_f = mean_call_seconds(lambda: fns.loss(xt.detach()))
            t_g = mean_call_seconds(lambda: fns.grad(xt.detach()))
        if fast:
            predicted = 4 * t_f + 4 * t_g
            rec["predicted_basis"] = f"4 x {t_f:.3g} s forward + 4 x {t_g:.3g} s gradient"
        else:
            over = torch_full_overhead()
            predicted = (2 * n + 2) * t_f + 4 * t_g + n * over
            rec["predicted_basis"] = (f"(2n + 2) x {t_f:.3g} s forward + 4 x {t_g:.3g} s gradient + n x {over:.3g} s "
                                      "torch's own overhead per coordinate (measured on sum(x), n = 1000)")
    rec["predicted_seconds"] = predicted
    if predicted > args.time_limit and not args.force:
        rec["status"] = f"not run: predicted {predicted:.3g} s > time limit {args.time_limit:g} s"
        return rec

    import gc
    gc.collect()
    rec["memory_method"] = reset_peak()
    rss0 = _status_kb("VmRSS")
    signal.signal(signal.SIGALRM, _alarm)
    start = time.perf_counter()
    try:
        signal.setitimer(signal.ITIMER_REAL, args.time_limit)
        if peer.startswith("numpy"):
            passed, done, numgrad = run_numpy_loop(fns, x, lambda: fns.grad(x), loss_only, counter)
        else:
            import warnings
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                passed = bool(torch.autograd.gradcheck(ClaimedGradient.apply, (xt,), eps=1e-6, atol=1e-5,
                                                       rtol=1e-3, raise_exception=False, fast_mode=fast))
        signal.setitimer(signal.ITIMER_REAL, 0)
        rec["seconds"] = time.perf_counter() - start
        rec["passed"] = passed
    except TimeLimit as e:
        signal.setitimer(signal.ITIMER_REAL, 0)
        rec["seconds"] = time.perf_counter() - start
        rec["status"] = f"timeout: stopped after {rec['seconds']:.3g} s (time limit {args.time_limit:g} s)"
        if isinstance(e, PartialLoop):
            done, numgrad = e.done, e.numgrad
            rec["coordinates_done"] = done
    rec["peak_rss_bytes"] = (_status_kb("VmHWM") - rss0) * 1024
    rec["evaluations"], rec["gradient_evaluations"] = counter["f"], counter["g"]
    rec["bare_seconds"] = counter["f"] * t_f + counter["g"] * t_g
    rec["bare_seconds_per_evaluation"] = t_f
    if rec["bare_seconds"] > 0:
        rec["floor_ratio"] = rec["seconds"] / rec["bare_seconds"]

    # accuracy (outside the timed region)
    if peer.startswith("numpy"):
        if rec["status"] == "ok" or "coordinates_done" in rec:
            errs = rel_errors(claimed[:done], numgrad[:done])
            if errs.size:
                rec["accuracy"], rec["accuracy_median"] = float(errs.max()), float(np.median(errs))
                rec["accuracy_normwise"] = normwise(claimed[:done], numgrad[:done])
            rec["accuracy_over"] = f"{done} of {n} coordinates, central difference h = 1e-4"
    elif rec["status"] == "ok":
        with torch.no_grad():
            a = fns.grad(xt.detach()).numpy()
        if fast and "a" in captured:
            captured["atol"] = _gc._adjusted_atol(captured["atol0"], captured["u"], captured["v"])
            err = rel_errors([captured["a"]], [captured["n"]])[0]
            rec["accuracy"] = rec["accuracy_median"] = float(err)
            # One number: normwise, |a - n| / |a|, all but equals the elementwise figure.
            if captured["a"] != 0:
                rec["accuracy_normwise"] = abs(captured["a"] - captured["n"]) / abs(captured["a"])
            rec["accuracy_over"] = ("vT J u (one number): analytic %.17g, numerical %.17g, |a - n| %.3g, allowance "
                                    "atol*sum(u)*sum(v) + rtol*|n| = %.3g + %.3g" %
                                    (captured["a"], captured["n"], abs(captured["a"] - captured["n"]),
                                     captured["atol"], captured["rtol"] * abs(captured["n"])))
            allowance = captured["atol"] + captured["rtol"] * abs(captured["n"])
            rec["allowance_used"] = abs(captured["a"] - captured["n"]) / allowance
            # A claimed gradient of 0 gives a = 0: it passes iff |n| <= allowance.
            rec["zero_gradient_would_pass"] = bool(abs(captured["n"]) <= allowance)
        elif not fast and "numerical" in captured:
            num = captured["numerical"][0][0].detach().numpy().ravel()
            errs = rel_errors(a, num)
            rec["accuracy"], rec["accuracy_median"] = float(errs.max()), float(np.median(errs))
            rec["accuracy_normwise"] = normwise(a, num)
            rec["accuracy_over"] = f"all {n} coordinates, central difference eps = 1e-6"
        else:
            rec["accuracy_over"] = "not captured (torch internals differ from 1.13)"
    return rec


# ---------------------------------------------------------------- the parent

def parse_size(s):
    m = re.fullmatch(r"\s*(\d+)\s*[x,]\s*(\d+)\s*", s)
    if not m:
        raise argparse.ArgumentTypeError(f"size {s!r}: expected VxD, e.g. 1000x50")
    return int(m.group(1)), int(m.group(2))


def measure(loss, V, d, peer, time_limit, seed=1, threads=2, force=False):
    """Run one measurement in a child process; returns its record (a dict)."""
    cmd = [python_with_torch(), os.path.abspath(__file__), "--child", "--loss", loss, "--V", str(V), "--d", str(d),
           "--peer", peer, "--time-limit", repr(float(time_limit)), "--seed", str(seed), "--threads", str(threads)]
    if force:
        cmd.append("--force")
    base = {"tool": peer, "mode": MODE[peer], "loss": loss, "V": V, "d": d, "n": d + V * d, "seconds": None,
            "evaluations": None, "accuracy": None, "passed": None, "peak_rss_bytes": None,
            "param_bytes": 8 * (d + V * d), "time_limit": time_limit}
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=time_limit + SETUP_GRACE)
    except subprocess.TimeoutExpired:
        return dict(base, status=f"timeout: child killed after {time_limit + SETUP_GRACE:g} s")
    lines = [ln for ln in p.stdout.splitlines() if ln.startswith("{")]
    if p.returncode == 0 and lines:
        return json.loads(lines[-1])
    err = (p.stderr.strip().splitlines() or [f"exit status {p.returncode}"])[-1]
    if p.returncode < 0:
        err = f"killed by signal {-p.returncode}" + (" (out of memory?)" if p.returncode == -9 else "")
    return dict(base, status=f"error: {err}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--loss", default=",".join(LOSSES), help="comma-separated: " + ", ".join(LOSSES))
    ap.add_argument("--size", default="100x20,1000x50", help="comma-separated VxD (default 100x20,1000x50)")
    ap.add_argument("--peer", default=",".join(PEERS), help="comma-separated: " + ", ".join(PEERS))
    ap.add_argument("--time-limit", type=float, default=300.0, help="seconds per check (default 300)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    ap.add_argument("--force", action="store_true", help="run even when the prediction exceeds the limit")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--V", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--d", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        try:
            rec = child(args)
        except Exception as e:  # report, do not hide
            rec = {"tool": args.peer, "loss": args.loss, "V": args.V, "d": args.d,
                   "status": f"error: {type(e).__name__}: {e}"}
        print(json.dumps(rec), flush=True)
        return
    losses = args.loss.split(",")
    peers = args.peer.split(",")
    for bad in [l for l in losses if l not in LOSSES] + [p for p in peers if p not in PEERS]:
        ap.error(f"unknown loss or peer {bad!r}")
    sizes = [parse_size(s) for s in args.size.split(",")]
    for loss in losses:
        for V, d in sizes:
            for peer in peers:
                print(json.dumps(measure(loss, V, d, peer, args.time_limit, args.seed, args.threads, args.force)),
                      flush=True)


if __name__ == "__main__":
    main()
