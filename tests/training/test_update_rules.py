"""Each update rule once: closed forms, every backend, in place and compiled to the same bits."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import nndl
from nndl.arrays import elementwise
from nndl.arrays.backend import to_numpy
from nndl.errors import NNDLTypeError
from nndl.model.update_rules import OptimizerState, descend
from nndl.training import optimizers as optim

LR = 0.01
RULES = [
    optim.GradientDescent(),
    optim.Momentum(0.8),
    optim.RMSprop(0.95, 1e-7),
    optim.Adam(0.85, 0.995, 1e-6),
    optim.Adam(0.9, 0.999, 1e-8, eps_hat=True),
    optim.HeavyBall(0.7, nesterov=True),
    optim.HeavyBall(0.9, nesterov=False),
]


def _steps(opt: optim.Optimizer, g: np.ndarray, n: int) -> tuple[np.ndarray, list[np.ndarray]]:
    """``n`` steps of ``apply`` from θ = 0 with the same gradient each step: θ and each update."""
    params = {"W1": np.zeros_like(g)}
    state = opt.init(params)
    updates = []
    for _ in range(n):
        step, _ = opt.update({"dW1": g}, state, params, learning_rate=LR)
        params, state = opt.apply(params, {"dW1": g}, state, LR)
        updates.append(step["W1"])
    return params["W1"], updates


# ------------------------------------------------------------------ closed forms


def test_update_is_the_step_and_apply_adds_it(rng: np.random.Generator) -> None:
    params = {"W1": rng.normal(size=(3, 2)), "b1": rng.normal(size=(3, 1))}
    grads = {"dW1": rng.normal(size=(3, 2)), "db1": rng.normal(size=(3, 1))}
    for opt in RULES:
        state = opt.init(params)
        updates, after = opt.update(grads, state, params, learning_rate=LR)
        new, again = opt.apply(params, grads, state, LR)
        assert list(updates) == ["W1", "b1"] and after.t == again.t == 1
        for k in params:
            assert updates[k].shape == params[k].shape
            np.testing.assert_array_equal(new[k], params[k] + updates[k])
        # without params the updates are named after the gradients, less their d
        alone, _ = opt.update(grads, state, learning_rate=LR)
        assert list(alone) == ["W1", "b1"]
        np.testing.assert_array_equal(alone["W1"], updates["W1"])


def test_first_adam_step_is_alpha_against_the_sign_of_g(rng: np.random.Generator) -> None:
    g = (0.5 + rng.random(size=(50, 1))) * rng.choice([-1e-3, 1.0, 1e3], size=(50, 1))
    _, (u,) = _steps(optim.Adam(), g, 1)
    np.testing.assert_allclose(u, -LR * np.sign(g), rtol=1e-4)
    np.testing.assert_allclose(u, -LR * g / (np.abs(g) + 1e-8), rtol=1e-12)


def test_momentum_and_rmsprop_average_a_constant_gradient(rng: np.random.Generator) -> None:
    g, beta, n = rng.normal(size=(4, 3)), 0.8, 6
    theta, updates = _steps(optim.Momentum(beta), g, n)
    for t, u in enumerate(updates, start=1):  # v_t = (1 − βᵗ) g, the biased average
        np.testing.assert_allclose(u, -LR * (1 - beta**t) * g, rtol=1e-12)
    np.testing.assert_allclose(theta, sum(updates), rtol=1e-12)
    _, updates = _steps(optim.RMSprop(beta, 1e-8), g, n)
    for t, u in enumerate(updates, start=1):  # s_t = (1 − βᵗ) g²
        np.testing.assert_allclose(
            u, -LR * g / (np.abs(g) * np.sqrt(1 - beta**t) + 1e-8), rtol=1e-12
        )


def test_adam_is_unbiased_for_a_constant_gradient(rng: np.random.Generator) -> None:
    g = rng.normal(size=(4, 3))
    for eps_hat in (False, True):
        _, updates = _steps(optim.Adam(0.9, 0.999, 1e-4, eps_hat=eps_hat), g, 5)
        for t, u in enumerate(updates, start=1):  # m̂ = g and v̂ = g² at every step
            eps = 1e-4 / np.sqrt(1 - 0.999**t) if eps_hat else 1e-4  # ε̂ is added to √v
            np.testing.assert_allclose(u, -LR * g / (np.abs(g) + eps), rtol=1e-9)


def test_heavy_ball_and_nesterov_closed_form(rng: np.random.Generator) -> None:
    g1, g2, mu = rng.normal(size=(3, 3)), rng.normal(size=(3, 3)), 0.7
    for nesterov in (False, True):
        opt = optim.HeavyBall(mu, nesterov=nesterov)
        params = {"W1": np.zeros((3, 3))}
        p1, state = opt.apply(params, {"dW1": g1}, opt.init(params), LR)
        p2, state = opt.apply(p1, {"dW1": g2}, state, LR)
        v1 = -LR * g1
        v2 = mu * v1 - LR * g2
        step1, step2 = (mu * v1 - LR * g1, mu * v2 - LR * g2) if nesterov else (v1, v2)
        np.testing.assert_allclose(p1["W1"], step1, rtol=1e-12)
        np.testing.assert_allclose(p2["W1"], step1 + step2, rtol=1e-12)
        np.testing.assert_allclose(state.slots["velocity"]["W1"], v2, rtol=1e-12)


def test_gradient_descent_is_one_rule_for_network_and_optimizer(rng: np.random.Generator) -> None:
    net = nndl.Network([3, 4, 1], seed=0, dtype="float64")
    grads = {"d" + k: rng.normal(size=v.shape) for k, v in net.params.items()}
    before = dict(net.params)
    expected, _ = optim.get("gd").apply(before, grads, OptimizerState(), 0.5)
    net.update(grads, 0.5)
    for k in before:
        assert net.params[k].tobytes() == expected[k].tobytes()
        assert expected[k].tobytes() == (before[k] - 0.5 * grads["d" + k]).tobytes()
        assert descend(before, grads, 0.5)[k].tobytes() == expected[k].tobytes()


def test_update_takes_optax_order_and_says_so() -> None:
    params = {"W1": np.zeros((2, 2))}
    state = optim.Adam().init(params)
    with pytest.raises(NNDLTypeError, match=r"update takes \(grads, state, params"):
        optim.Adam().update(params, {"dW1": np.ones((2, 2))}, learning_rate=LR)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        optim.Adam().update({"dW1": np.ones((2, 2))}, state, params, LR)  # type: ignore[misc]


# ------------------------------------------------------------------ every backend


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("opt", RULES, ids=repr)
def test_update_on_array_api_strict_equals_numpy(opt: optim.Optimizer, dtype: str) -> None:
    xp = pytest.importorskip("array_api_strict")
    rng = np.random.default_rng(1)
    params = {"W1": rng.normal(size=(4, 3)).astype(dtype), "b1": np.zeros((4, 1), dtype)}
    p_np, p_xp = dict(params), {k: xp.asarray(v) for k, v in params.items()}
    s_np, s_xp = opt.init(p_np), opt.init(p_xp)
    for _ in range(3):
        grads = {"d" + k: rng.normal(size=v.shape).astype(dtype) for k, v in params.items()}
        u_np, _ = opt.update(grads, s_np, p_np, learning_rate=LR)
        u_xp, _ = opt.update({k: xp.asarray(v) for k, v in grads.items()}, s_xp, p_xp,
                             learning_rate=LR)  # fmt: skip
        p_np, s_np = opt.apply(p_np, grads, s_np, LR)
        p_xp, s_xp = opt.apply(p_xp, {k: xp.asarray(v) for k, v in grads.items()}, s_xp, LR)
        for k in params:
            assert type(u_xp[k]) is type(p_xp[k]) and u_xp[k].dtype == xp.asarray(u_np[k]).dtype
            np.testing.assert_array_equal(to_numpy(u_xp[k]), u_np[k])
            np.testing.assert_array_equal(to_numpy(p_xp[k]), p_np[k])
    for s in opt.slot_names:
        np.testing.assert_array_equal(to_numpy(s_xp.slots[s]["W1"]), s_np.slots[s]["W1"])


# ------------------------------------------------------------------ in place, to the bit


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("opt", RULES, ids=repr)
def test_flat_step_gives_the_bits_of_apply(opt: optim.Optimizer, dtype: str) -> None:
    rng = np.random.default_rng(2)
    params = {
        "W": rng.normal(size=(5, 7)).astype(dtype),
        "b": rng.normal(size=(5, 1)).astype(dtype),
    }
    state = opt.init(params)
    theta = np.concatenate([v.ravel() for v in params.values()])
    slots = {s: np.zeros_like(theta) for s in opt.slot_names}
    for t in range(1, 8):
        scale = 10.0 ** rng.integers(-6, 3)  # tiny and large gradients
        grads = {
            "d" + k: (scale * rng.normal(size=v.shape)).astype(dtype) for k, v in params.items()
        }
        params, state = opt.apply(params, grads, state, LR)
        opt.apply_flat(theta, np.concatenate([v.ravel() for v in grads.values()]), slots, t, LR)
        assert theta.dtype == np.dtype(dtype)
        assert theta.tobytes() == np.concatenate([v.ravel() for v in params.values()]).tobytes()
        for s in opt.slot_names:
            flat = np.concatenate([v.ravel() for v in state.slots[s].values()])
            assert slots[s].tobytes() == flat.tobytes(), s


def _bits(x: np.ndarray) -> bytes:
    """The bytes of ``x``, every NaN made the same NaN (its sign and payload carry nothing)."""
    return np.where(np.isnan(x), np.nan, x).astype(x.dtype).tobytes()


@pytest.mark.parametrize("opt", RULES, ids=repr)
def test_compiled_loop_gives_the_bits_of_the_numpy_passes(opt: optim.Optimizer) -> None:
    pytest.importorskip("numba")
    from nndl.arrays import fused

    kernels = fused.kernels()
    if kernels is None:
        pytest.skip("NNDL_FUSED=0 is set")
    rng = np.random.default_rng(3)
    for dtype in (np.float32, np.float64):
        edge = np.array([0.0, -0.0, 1e-30, -1e30, 3.5, np.inf, -np.inf, np.nan], dtype=dtype)
        theta = np.concatenate([rng.normal(size=93).astype(dtype), edge])
        g = np.concatenate([rng.normal(scale=5.0, size=93).astype(dtype), edge[::-1]])
        slots = {s: np.abs(rng.normal(size=theta.size)).astype(dtype) for s in opt.slot_names}
        copies = theta.copy(), g.copy(), {s: a.copy() for s, a in slots.items()}
        for t in (1, 2, 40):
            with np.errstate(all="ignore"):
                opt.apply_flat(theta, g, slots, t, 0.3, kernels)
                opt.apply_flat(copies[0], copies[1], copies[2], t, 0.3)
            assert _bits(theta) == _bits(copies[0])
            for s in slots:
                assert _bits(slots[s]) == _bits(copies[2][s])
            g[:] = copies[1][:] = rng.normal(size=g.size).astype(dtype)


@pytest.mark.parametrize("compiled", [False, True], ids=["numpy", "compiled"])
@pytest.mark.parametrize("opt", RULES, ids=repr)
def test_a_flat_step_made_once_gives_the_bits_of_apply_flat_at_every_step(
    opt: optim.Optimizer, compiled: bool
) -> None:
    """``flat_step`` looks the loop up once; its steps at t = 1, 2, … and changing rates are
    :meth:`apply_flat`'s, slots included (the engines' per-step call)."""
    kernels = None
    if compiled:
        pytest.importorskip("numba")
        from nndl.arrays import fused

        kernels = fused.kernels()
        if kernels is None:
            pytest.skip("NNDL_FUSED=0 is set")
    rng = np.random.default_rng(5)
    theta = rng.normal(size=57)
    g = rng.normal(size=57)
    slots = {s: np.zeros(57) for s in opt.slot_names}
    copies = theta.copy(), g.copy(), {s: a.copy() for s, a in slots.items()}
    start = theta.copy()
    step = opt.flat_step(theta, g, slots, kernels, (np.empty(57), np.empty(57)))
    for t, rate in enumerate([0.3, 0.3, 0.05, 1.0], start=1):
        step(t, rate)
        opt.apply_flat(copies[0], copies[1], copies[2], t, rate, kernels)
        assert theta.tobytes() == copies[0].tobytes()
        assert all(slots[s].tobytes() == copies[2][s].tobytes() for s in slots)
        g[:] = copies[1][:] = rng.normal(size=57)
    assert not np.array_equal(theta, start)  # it moved


# ------------------------------------------------------------------ the program


def test_a_rule_traces_to_its_operations() -> None:
    program = optim.Adam().program
    assert program.arrays == ("g", "m", "v")
    assert program.scalars == (
        "beta1",
        "one_minus_beta1",
        "beta2",
        "one_minus_beta2",
        "eps",
        "minus_scale",
    )
    assert [op.kind for op in program.ops].count("sqrt") == 1
    assert optim.HeavyBall(nesterov=True).program != optim.HeavyBall(nesterov=False).program
    source = elementwise.loop_source(program)
    assert "m[i] = " in source and "theta[i] = theta[i] + " in source
    ins, outs, body = elementwise.cuda_source(program)
    assert ins.startswith("T g, T beta1") and outs == "T theta, T m, T v"
    assert "sqrt(" in body and body.endswith(";")


def test_a_rule_may_not_use_constants_or_combine_scalars() -> None:
    def with_constant(xp: Any, g: Any, beta: Any) -> tuple[Any]:
        return ((1.0 - beta) * g,)

    def two_scalars(xp: Any, g: Any, a: Any, b: Any) -> tuple[Any]:
        return (a * b * g,)

    with pytest.raises(TypeError, match="compute constants such as 1 − β"):
        elementwise.trace(with_constant, 1)
    with pytest.raises(TypeError, match="never combines two scalars"):
        elementwise.trace(two_scalars, 1)


def _cpp_harness(programs: list[elementwise.Program]) -> str:
    """C++ that runs each program's CUDA body over arrays, as CuPy's elementwise loop does:
    ``T`` is ``float`` or ``double``, the inputs are values, θ and the slots references."""
    lines = ["#include <cmath>", "#include <cstddef>", "using std::sqrt;"]
    for k, program in enumerate(programs):
        _, _, body = elementwise.cuda_source(program)
        outputs = ("theta", *program.arrays[1:])
        for T in ("float", "double"):
            scalars = "".join(f", {T} {s}" for s in program.scalars)
            pointers = "".join(f", {T}* {a}_" for a in outputs)
            lines.append(
                f'extern "C" void rule{k}_{T}(size_t n, const {T}* g_{scalars}{pointers}) {{'
            )
            lines.append(f"  for (size_t i = 0; i < n; ++i) {{ const {T} g = g_[i];")
            lines += [f"    {T}& {a} = {a}_[i];" for a in outputs]
            lines += [f"    {line.replace('T ', T + ' ', 1)}" for line in body.splitlines()]
            lines += ["  }", "}"]
    return "\n".join(lines) + "\n"


def _compiled(programs: list[elementwise.Program], folder: Path) -> Any:
    """The programs' CUDA bodies compiled as C++ without contraction (as ``--fmad=false``
    compiles them for the GPU): ``rule{k}_float`` and ``rule{k}_double`` in a loaded library."""
    import ctypes
    import shutil
    import subprocess

    compiler = shutil.which("g++") or shutil.which("c++")
    if compiler is None:
        pytest.skip("needs a C++ compiler")
    source, library = folder / "rules.cpp", folder / "rules.so"
    source.write_text(_cpp_harness(programs), encoding="utf-8")
    flags = ["-O2", "-ffp-contract=off", "-fno-fast-math", "-shared", "-fPIC"]
    subprocess.run([compiler, *flags, str(source), "-o", str(library)], check=True)
    return ctypes.CDLL(str(library))


def _run_compiled(run: Any, c_scalar: Any, g: np.ndarray, scalars: Any, outs: Any) -> None:
    import ctypes

    pointer = ctypes.c_void_p
    run(
        ctypes.c_size_t(g.size),
        g.ctypes.data_as(pointer),
        *(c_scalar(c) for c in scalars),
        *(a.ctypes.data_as(pointer) for a in outs),
    )


def test_the_cuda_body_gives_the_bits_of_the_numpy_passes(tmp_path: Path) -> None:
    """The CUDA source generated from each rule, run as C++, against the in-place NumPy step."""
    import ctypes

    lib = _compiled([opt.program for opt in RULES], tmp_path)
    rng = np.random.default_rng(4)
    for k, opt in enumerate(RULES):
        for dtype, c_scalar in ((np.float32, ctypes.c_float), (np.float64, ctypes.c_double)):
            run = getattr(lib, f"rule{k}_{'float' if dtype is np.float32 else 'double'}")
            theta = rng.normal(size=257).astype(dtype)
            slots = {s: np.abs(rng.normal(size=257)).astype(dtype) for s in opt.slot_names}
            mine = [theta.copy(), *(slots[s].copy() for s in opt.slot_names)]
            for t in (1, 2, 17):
                g = rng.normal(scale=3.0, size=257).astype(dtype)
                scalars = [dtype(c) for c in opt.coefficients(t, 0.05)]
                _run_compiled(run, c_scalar, g, scalars, mine)
                opt.apply_flat(theta, g, slots, t, 0.05)
                assert mine[0].tobytes() == theta.tobytes(), (opt, dtype, t)
                for s, got in zip(opt.slot_names, mine[1:], strict=True):
                    assert got.tobytes() == slots[s].tobytes(), (opt, dtype, t, s)


def _swap(xp: Any, g: Any, a: Any, b: Any, c: Any) -> tuple[Any, Any, Any]:
    return -(g * c), b * c, a  # new a needs old b, new b old a: one waits for a copy


def test_every_path_equals_the_rule_when_slots_trade_values(tmp_path: Path) -> None:
    import ctypes

    program = elementwise.trace(_swap, 3)
    rng = np.random.default_rng(5)
    g, a, b, theta = (rng.normal(size=11) for _ in range(4))
    c = np.float64(0.5)
    update, new_a, new_b = (x.copy() for x in _swap(np, g, a, b, c))
    expected = theta + update
    outs = [theta.copy(), a.copy(), b.copy()]
    _run_compiled(_compiled([program], tmp_path).rule0_double, ctypes.c_double, g, [c], outs)
    elementwise.run_in_place(program, theta, [g.copy(), a, b], [c])
    for got, want in ((theta, expected), (a, new_a), (b, new_b)):
        assert got.tobytes() == want.tobytes()
    assert [x.tobytes() for x in outs] == [x.tobytes() for x in (expected, new_a, new_b)]


def test_in_place_plan_reuses_the_inputs() -> None:
    from nndl.arrays.elementwise import _plan

    assert _plan(optim.Adam().program).n_work == 1  # g, m and v hold the rest
    assert _plan(optim.GradientDescent().program).n_work == 0


# ------------------------------------------------------------------ written once

SRC = Path(nndl.__file__).parent
DECAY = {"beta", "beta1", "beta2", "b1", "b2", "beta_1", "beta_2", "mu", "momentum", "rho"}
RATE = {"learning_rate", "lr", "alpha"}
MINUS_RATE = {"minus_learning_rate", "minus_scale"}  # −α, multiplied in as a step
RULE_PLACES = {
    "model/update_rules.py:GradientDescent.rule",
    "model/update_rules.py:Momentum.rule",
    "model/update_rules.py:RMSprop.rule",
    "model/update_rules.py:Adam.rule",
    "model/update_rules.py:HeavyBall.rule",
}
# the course's own loop, transcribed on purpose as the yardstick nndl is compared with
YARDSTICK = {"course/reference.py:update_parameters"}


def _name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _mentions(node: ast.AST, names: set[str]) -> bool:
    return (
        isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.Mult)
        and (_name(node.left) in names or _name(node.right) in names)
    )


def _formula_places() -> tuple[set[str], list[str]]:
    """Where a moving average (a decay times a value) or a descent step (θ − α·…) is written,
    as ``file:Class.function``; and code strings (not docstrings) that write one."""
    places: set[str] = set()
    strings: list[str] = []
    code = re.compile(r"\b(beta[12]?|b[12]|mu|momentum|lr|\w*learning_rate|\w*scale)\s*\*\s*\w")
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(n.body[0].value)
            for n in ast.walk(tree)
            if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and n.body
            and isinstance(n.body[0], ast.Expr)
        }

        def visit(
            node: ast.AST, where: str, path: Path = path, docstrings: set[int] = docstrings
        ) -> None:
            for child in ast.iter_child_nodes(node):
                inner = where
                if isinstance(child, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                    inner = f"{where}.{child.name}" if where else child.name
                decay = _mentions(child, DECAY) or (
                    isinstance(child, ast.AugAssign)
                    and isinstance(child.op, ast.Mult)
                    and _name(child.value) in DECAY
                )
                descent = (
                    isinstance(child, ast.BinOp)
                    and isinstance(child.op, ast.Sub)
                    and _mentions(child.right, RATE)
                ) or (isinstance(child, ast.UnaryOp) and _mentions(child.operand, RATE))
                descent |= isinstance(child, ast.AugAssign) and _mentions(child.value, RATE)
                descent |= _mentions(child, MINUS_RATE)
                if decay or descent:
                    places.add(f"{path.relative_to(SRC).as_posix()}:{where}")
                if (
                    isinstance(child, ast.Constant)
                    and isinstance(child.value, str)
                    and id(child) not in docstrings
                    and code.search(child.value)
                ):
                    strings.append(f"{path.relative_to(SRC)}: {child.value[:60]!r}")
                visit(child, inner)

        visit(tree, "")
    return places, strings


def test_each_rule_is_written_once() -> None:
    places, strings = _formula_places()
    assert places - YARDSTICK == RULE_PLACES, sorted(places - YARDSTICK - RULE_PLACES)
    assert strings == []  # no second copy as source for a compiler (CUDA, Numba)
