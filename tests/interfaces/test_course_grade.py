"""The grader of the learner's own code: each usual mistake is named, from the numbers.

The learner files are the correct solutions in ``grader/`` (written out as the course's
notebooks write them), each with one mistake put in by a text substitution; they are
graded in this process (``nndl.course.grade``, the same checks as ``nndl course grade``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from nndl.course import grade
from nndl.course.grading import Report, Result
from nndl.course.grading.compare import differs
from nndl.course.grading.runner import is_stub

FIXTURES = Path(__file__).parent / "grader"


def learner(
    tmp_path: Path, fixture: str, *edits: tuple[str, str], extra: str = ""
) -> dict[str, Any]:
    """The namespace of ``fixture`` with ``edits`` made (each must apply), run from a file."""
    text = (FIXTURES / fixture).read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / f"learner_{len(list(tmp_path.iterdir()))}.py"
    path.write_text(text + extra, encoding="utf-8")
    namespace: dict[str, Any] = {"__name__": "learner"}
    exec(compile(text + extra, str(path), "exec"), namespace)
    return namespace


def graded(namespace: dict[str, Any], assignment: str | None = None) -> dict[str, Result]:
    report = grade(assignment, namespace, time_limit=5)
    return {r.name: r for r in report.results}


def only_failure(results: dict[str, Result], name: str) -> str:
    assert not results[name].ok
    return results[name].message


@pytest.mark.parametrize(
    ("fixture", "assignment", "count"),
    [
        ("logistic_solution.py", "logistic-regression", 6),
        ("planar_solution.py", "planar", 8),
        ("deep_solution.py", "step-by-step", 14),
        ("application_solution.py", "deep-application", 3),
    ],
)
def test_the_courses_solutions_pass(
    tmp_path: Path, fixture: str, assignment: str, count: int, capsys: pytest.CaptureFixture[str]
) -> None:
    namespace = learner(tmp_path, fixture)
    before = dict(namespace)
    report = grade(None, namespace)
    assert report.assignment == assignment  # guessed from the names
    assert report.passed and len(report.results) == count, str(report)
    assert namespace == before  # nndl's helpers patched in while grading, then taken out
    assert (
        f"{count} of {count} functions pass" in capsys.readouterr().out
    )  # printed outside IPython


def test_nndls_own_functions_pass_too(tmp_path: Path) -> None:
    text = "from nndl.course import deep\n" + "".join(
        f"def {n}(*a):\n    return deep.{n}(*a)\n\n"
        for n in ("linear_forward", "L_model_forward", "linear_backward", "L_model_backward")
    )
    (tmp_path / "mine.py").write_text(text, encoding="utf-8")
    namespace: dict[str, Any] = {}
    exec(compile(text, str(tmp_path / "mine.py"), "exec"), namespace)
    results = graded(namespace)
    assert len(results) == 4 and all(r.ok for r in results.values())


# ------------------------------------------------------------------ the usual mistakes


def test_a_rank_1_array(tmp_path: Path) -> None:
    ns = learner(
        tmp_path,
        "logistic_solution.py",
        ("dw = np.dot(X, (A - Y).T) / m", "dw = np.sum(X * (A - Y), axis=1) / m"),
    )
    results = graded(ns)
    message = only_failure(results, "propagate")
    assert "grads['dw'] has shape (2,), a rank-1 array, where (2, 1) is expected" in message
    assert "keepdims=True" in message
    assert results["sigmoid"].ok and results["predict"].ok


def test_a_missing_1_over_m_is_blamed_through_the_layers(tmp_path: Path) -> None:
    ns = learner(
        tmp_path, "deep_solution.py", ("dW = np.dot(dZ, A_prev.T) / m", "dW = np.dot(dZ, A_prev.T)")
    )
    results = graded(ns)
    message = only_failure(results, "linear_backward")
    assert "a missing 1/m: off by a factor m = 4" in message and "dW[0, 0]: yours" in message
    assert only_failure(results, "linear_activation_backward") == (
        "passes with nndl's linear_backward: the difference comes from your linear_backward"
    )
    assert only_failure(results, "L_model_backward") == (
        "passes with nndl's linear_activation_backward: the difference comes from your "
        "linear_activation_backward (and its own from your linear_backward)"
    )
    assert results["linear_forward"].ok and results["update_parameters"].ok


def test_star_where_np_dot_was_meant(tmp_path: Path) -> None:
    ns = learner(tmp_path, "deep_solution.py", ("Z = np.dot(W, A) + b", "Z = W * A + b"))
    message = only_failure(graded(ns), "linear_forward")
    assert "a `*` where np.dot was meant" in message


def test_star_where_np_dot_was_meant_is_read_from_the_numbers(tmp_path: Path) -> None:
    ns = learner(tmp_path, "deep_solution.py", ("dA_prev = np.dot(W.T, dZ)", "dA_prev = W.T * dZ"))
    message = only_failure(graded(ns), "linear_backward")
    assert message.startswith(
        "on random, square: 3 × 3, m = 3: a `*` where np.dot was meant: dA_prev"
    )
    assert "dA_prev[" in message


def test_tanh_derivative_written_with_Z(tmp_path: Path) -> None:
    ns = learner(
        tmp_path,
        "planar_solution.py",
        ('A1, A2 = cache["A1"], cache["A2"]', 'A1, A2, Z1 = cache["A1"], cache["A2"], cache["Z1"]'),
        ("(1 - np.power(A1, 2))", "(1 - np.power(Z1, 2))"),
    )
    results = graded(ns)
    assert "tanh's derivative written with Z1" in only_failure(results, "backward_propagation")
    assert "passes with nndl's backward_propagation" in only_failure(results, "nn_model")


@pytest.mark.parametrize(
    ("wrong", "words"),
    [
        ("dA * Z * (1 - Z)", "σ' written with Z"),
        ("dA * s", "(1 − s) is missing"),
        ("dA + 0", "sigmoid's derivative is missing"),
    ],
)
def test_sigmoids_derivative_wrong_or_missing(tmp_path: Path, wrong: str, words: str) -> None:
    ns = learner(tmp_path, "deep_solution.py", ("return dA * s * (1 - s)", f"return {wrong}"))
    results = graded(ns)
    assert words in only_failure(results, "sigmoid_backward")
    assert "the difference comes from your sigmoid_backward" in only_failure(
        results, "linear_activation_backward"
    )


def test_the_wrong_sign_of_the_gradient(tmp_path: Path) -> None:
    ns = learner(tmp_path, "planar_solution.py", ("dZ2 = A2 - Y", "dZ2 = Y - A2"))
    message = only_failure(graded(ns), "backward_propagation")
    assert message.startswith("on the course's test case: the wrong sign (dW1[0, 0]: yours")


def test_the_wrong_sign_of_the_update(tmp_path: Path) -> None:
    ns = learner(
        tmp_path,
        "deep_solution.py",
        ('-= learning_rate * grads["dW"', '+= learning_rate * grads["dW"'),
    )
    message = only_failure(graded(ns), "update_parameters")
    assert "W1[0, 0]: yours" in message  # only W is wrong: not one of the named variants


def test_a_transposed_W(tmp_path: Path) -> None:
    ns = learner(
        tmp_path,
        "deep_solution.py",
        (
            "np.random.randn(layer_dims[l], layer_dims[l - 1])",
            "np.random.randn(layer_dims[l - 1], layer_dims[l])",
        ),
    )
    message = only_failure(graded(ns), "initialize_parameters_deep")
    assert message == "on [5, 4, 3]: W1 has shape (5, 4) where (4, 5) is expected: transposed"


def test_a_parameter_dict_changed_in_place(tmp_path: Path) -> None:
    ns = learner(
        tmp_path,
        "deep_solution.py",
        ("parameters = {k: v.copy() for k, v in params.items()}", "parameters = params"),
    )
    message = only_failure(graded(ns), "update_parameters")
    assert message.startswith(
        "on the course's test case: changes its argument params in place ('W1')"
    )
    assert "copy.deepcopy(params)" in message


def test_caches_in_the_wrong_order(tmp_path: Path) -> None:
    ns = learner(tmp_path, "deep_solution.py", ("cache = (A, W, b)", "cache = (W, A, b)"))
    results = graded(ns)
    assert only_failure(results, "linear_forward") == (
        "on the course's test case: cache holds the right values in the wrong order: yours is "
        "(W, A_prev, b), the course's (A_prev, W, b)"
    )
    assert "the difference comes from your linear_forward" in only_failure(
        results, "linear_activation_forward"
    )
    ns = learner(
        tmp_path,
        "deep_solution.py",
        ("cache = (linear_cache, activation_cache)", "cache = (activation_cache, linear_cache)"),
    )
    assert "yours is (activation_cache, linear_cache)" in only_failure(
        graded(ns), "linear_activation_forward"
    )


def test_a_global_used_instead_of_the_argument(tmp_path: Path) -> None:
    ns = learner(
        tmp_path,
        "planar_solution.py",
        (
            "A2, cache = forward_propagation(X, parameters)\n    return A2 > 0.5",
            "A2, cache = forward_propagation(X_assess, parameters)\n    return A2 > 0.5",
        ),
        extra="\nX_assess = np.random.RandomState(0).randn(2, 3)\n",
    )
    message = only_failure(graded(ns), "predict")
    assert "uses the global X_assess instead of its argument X" in message


def test_a_global_of_another_shape(tmp_path: Path) -> None:
    cost = "cost = -np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m"
    ns = learner(
        tmp_path,
        "deep_solution.py",
        (cost, cost.replace("AL", "AL_assess")),
        extra="\nAL_assess = np.array([0.8, 0.9, 0.4])\n",
    )
    message = only_failure(graded(ns), "compute_cost")
    assert (
        "the result does not change when AL does: a global used instead of the argument AL?"
        in message
    )
    ns = learner(
        tmp_path,
        "deep_solution.py",
        (cost, cost.replace("AL", "AL_assess")),
        extra="\nAL_assess = np.array([[0.5, 0.6, 0.7]])\n",
    )
    message = only_failure(graded(ns), "compute_cost")
    assert "uses the global AL_assess instead of its argument AL" in message


def test_a_missing_return(tmp_path: Path) -> None:
    ns = learner(
        tmp_path, "deep_solution.py", ("    return np.squeeze(cost)", "    np.squeeze(cost)")
    )
    message = only_failure(graded(ns), "compute_cost")
    assert message == "returns None on the course's test case: is the `return` missing?"


def test_a_cost_left_as_an_array(tmp_path: Path) -> None:
    ns = learner(
        tmp_path,
        "deep_solution.py",
        ("/ m\n    return np.squeeze(cost)", "/ m\n    return cost"),
        ("np.log(1 - AL)) / m", "np.log(1 - AL), axis=1, keepdims=True) / m"),
    )
    assert "cost has shape (1, 1) where a number is expected: np.squeeze() it" in only_failure(
        graded(ns), "compute_cost"
    )


def test_an_exception_is_one_line_with_its_place(tmp_path: Path) -> None:
    ns = learner(
        tmp_path,
        "deep_solution.py",
        (
            "L = len(parameters) // 2\n    for l in range(1, L):",
            "L = len(parameters)\n    for l in range(1, L):",
        ),
    )
    message = only_failure(graded(ns), "L_model_forward")
    assert message.startswith(
        "on the course's test case: raises KeyError in L_model_forward (line "
    )
    assert "Traceback" not in message and "\n" not in message


def test_a_function_that_prints_a_lot(tmp_path: Path) -> None:
    ns = learner(
        tmp_path,
        "deep_solution.py",
        (
            "    Z = np.dot(W, A) + b\n",
            "    Z = np.dot(W, A) + b\n    for i in range(30000):\n        print(i)\n",
        ),
    )
    results = graded(ns)
    message = only_failure(results, "linear_forward")
    assert message.startswith("printed 1") and "more than 100,000" in message
    assert results["linear_backward"].ok  # the others are still graded


def test_stubs_are_not_implemented_yet(tmp_path: Path) -> None:
    text = '''
import numpy as np

def linear_forward(A, W, b):
    """Z = W A + b"""
    # YOUR CODE HERE
    raise NotImplementedError

def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    ### START CODE HERE ###
    dW = None
    db = None
    dA_prev = None
    ### END CODE HERE ###
    return dA_prev, dW, db

def L_model_forward(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A, cache = linear_forward(A, parameters["W" + str(l)], parameters["b" + str(l)])
    return A, caches
'''
    path = tmp_path / "stub.py"
    path.write_text(text, encoding="utf-8")
    ns: dict[str, Any] = {}
    exec(compile(text, str(path), "exec"), ns)
    results = graded(ns, "step-by-step")
    assert only_failure(results, "linear_forward") == "not implemented yet"
    assert only_failure(results, "linear_backward") == "not implemented yet"
    assert "linear_forward" in only_failure(results, "L_model_forward")  # not "not implemented"


# ------------------------------------------------------------------ the pieces


def test_differs_shows_the_first_entry_with_its_index() -> None:
    expected = {"dW1": np.array([[1.0, 2.0], [3.0, 4.0], [0.0026, 6.0]])}
    yours = {"dW1": expected["dW1"].copy()}
    yours["dW1"][2, 0] = 0.0031
    assert differs(yours, expected, "", 3) == "dW1[2, 0]: yours 0.0031, expected 0.0026"
    assert differs(expected, expected, "", 3) is None
    assert differs({"dW1": expected["dW1"] * 3}, expected, "", 3).startswith(
        "a missing 1/m: off by a factor m = 3"
    )
    assert differs([np.zeros((2, 1))], [np.zeros((1, 2))], "", None).endswith("transposed")


def test_stubs_are_told_from_code() -> None:
    import ast

    def parse(code: str) -> ast.FunctionDef:
        node = ast.parse(code).body[0]
        assert isinstance(node, ast.FunctionDef)
        return node

    assert is_stub(parse("def f(x):\n    '''doc'''\n    pass"))
    assert is_stub(parse("def f(x):\n    s = None\n    return s"))
    assert is_stub(parse("def f(x):\n    raise NotImplementedError"))
    assert not is_stub(parse("def f(x):\n    return x + 1"))


def test_the_report_shows_as_a_table_in_jupyter() -> None:
    report = Report(
        "planar", (Result("layer_sizes", True), Result("nn_model", False, "W1 <differs>"))
    )
    html = report._repr_html_()
    assert "<table>" in html and "W1 &lt;differs&gt;" in html and "1 of 2 functions pass" in html
    assert str(report).splitlines()[1:3] == ["✓ layer_sizes", "✗ nn_model: W1 <differs>"]
    assert not report.passed and Report.from_json(report.to_json()) == report


def test_the_assignment_is_guessed_from_the_names() -> None:
    from nndl.course.grading.registry import guess
    from nndl.errors import NNDLValueError

    assert guess({"propagate", "sigmoid", "np"}) == "logistic-regression"
    assert guess({"forward_propagation", "update_parameters"}) == "planar"
    assert guess({"linear_forward", "update_parameters", "compute_cost"}) == "step-by-step"
    assert guess({"relu_backward"}) == "step-by-step"
    assert guess({"two_layer_model", "linear_forward"}) == "deep-application"
    with pytest.raises(NNDLValueError, match="could be planar or step-by-step"):
        guess({"initialize_parameters", "update_parameters"})
    with pytest.raises(NNDLValueError, match="no graded function found"):
        guess({"main", "helper"})
