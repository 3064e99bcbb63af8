"""Every public name has a numpydoc docstring, and every example in one runs as written.

The public API is what the API reference documents: the names in ``nndl.__all__`` and in the
public subpackages (``nndl.course``, ``nndl.layers``, ``nndl.datasets``, ``nndl.plot``,
``nndl.training``, ``nndl.graph``, ``nndl.io``, the activations, initializers, losses,
callbacks, optimizers and the array backend), and the public methods and properties of their
classes.  A method without a docstring of its own is documented by the one it overrides (the
reference shows that one), so it is checked there.  ``MLPClassifier`` and ``MLPRegressor`` are
checked with the scikit-learn drop-in they belong to, not here.

numpydoc's validator (``numpydoc.validate.validate``) checks each docstring.  Two tiers:

* every public name, methods and properties included: ``BASIC`` — a docstring, a one-line
  summary that ends with a period, sections numpydoc knows in its order, no documented
  parameter that does not exist, documented ones in the signature's order, no blank line
  too many, every documented return value described;
* functions, classes (their constructor's parameters) and methods: also ``FULL`` — every
  parameter documented, a Returns section when something is returned — except the methods
  of the classes in ``BRIEF_MODULES`` (properties have no parameters to check).

Examples are required of the entry points in ``NEEDS_EXAMPLES`` (EX01), and every example
anywhere in the public modules runs as a doctest.

Not enforced, and why:

* GL01, GL02 (where the text starts and the closing quotes sit): ruff format's layout,
  ``\"\"\"Summary.`` on the opening line, is the project's;
* SS02 (a capital first letter), SS05 (no third-person verb): the summaries are mostly noun
  phrases in the course's notation (``g(z) = max(0, z)``, ``σ(z) = 1 / (1 + e^(−z))``), which
  may open with a lowercase symbol and which the checks misread;
* ES01 (an extended summary), SA01 (See Also): a one-line summary suffices for many names;
* EX01 beyond ``NEEDS_EXAMPLES``: an example where it teaches something, not everywhere;
* PR04-PR09, RT02, RT04, RT05 (how types and descriptions are written): style, not coverage;
* ``nndl.training.dask`` (fit_dask, predict_dask) is left out: the module sits at the
  500-line limit and its functions are reached through ``net.fit`` on Dask arrays;
* FULL for the methods of the classes in ``BRIEF_MODULES``: those modules sit within a few
  lines of the 500-line limit (tests/test_layout.py), so their methods give their
  parameters and results in the summary; ``test_brief_modules_are_still_long`` drops a
  module from the list once it has room.
"""

from __future__ import annotations

import doctest
import importlib
import inspect
from types import ModuleType
from typing import Any

import numpy as np
import pytest

pytest.importorskip("numpydoc")
from numpydoc.docscrape import NumpyDocString
from numpydoc.validate import Validator, validate

PUBLIC_MODULES = [
    "nndl",
    "nndl.model.activations",
    "nndl.model.init",
    "nndl.model.losses",
    "nndl.training.callbacks",
    "nndl.training.stopping",
    "nndl.training.optimizers",
    "nndl.arrays.backend",
    "nndl.io",
    "nndl.course",
    "nndl.course.application",
    "nndl.course.deep",
    "nndl.course.logistic",
    "nndl.course.planar",
    "nndl.course.convolution",
    "nndl.course.recurrent",
    "nndl.course.dinosaurs",
    "nndl.course.batch_norm",
    "nndl.course.reference",
    "nndl.layers",
    "nndl.datasets",
    "nndl.plot",
    "nndl.training",
    "nndl.graph",
]
NOT_HERE = {"MLPClassifier", "MLPRegressor"}  # the scikit-learn drop-in checks its own

BASIC = {
    "GL03", "GL05", "GL06", "GL07", "GL08", "GL09", "GL10",
    "SS01", "SS03", "SS04", "SS06",
    "PR02", "PR03", "PR10",
    "RT03", "YD01",
}  # fmt: skip
FULL = {"PR01", "RT01"}

# Modules at the 500-line limit: their classes' methods are held to BASIC only.
BRIEF_MODULES = {
    "nndl.model.network",  # Network: forward, backward, cost, gradients, …
    "nndl.model.sequential",
    "nndl.model.update_rules",  # the optimizers' init/update/apply and their rules
    "nndl.training.callbacks",  # the callback hooks
    "nndl.graph.node",  # Node.backward
}
# ... except these, the entry points, held to FULL wherever they are.
ENTRY_METHODS = {
    "nndl.model.fitting.Trainable.fit",
    "nndl.model.fitting.Trainable.save",
    "nndl.model.network.Network.predict",
    "nndl.model.network.Network.forward",
    "nndl.model.network.Network.backward",
}

NEEDS_EXAMPLES = {
    # the model
    "nndl.model.network.Network",
    "nndl.model.fitting.Trainable.fit",
    "nndl.model.network.Network.predict",
    "nndl.model.sequential.Sequential",
    "nndl.model.layers.dense.Dense",
    "nndl.model.layers.layer_from_config",
    "nndl.model.activations.Activation",
    "nndl.model.activations.get",
    "nndl.model.init.initialize",
    "nndl.model.losses.one_hot",
    "nndl.training.loop.fit",
    "nndl.training.optimizers.get",
    "nndl.training.schedules.get_schedule",
    "nndl.gradcheck.gradient_check",
    "nndl.io.save",
    "nndl.graph.node.Node",
    # the data sets' loaders
    "nndl.datasets.planar.load_planar",
    "nndl.datasets.builtin.load",
    "nndl.datasets.loaders.load_data",
    "nndl.datasets.cat.load_cat",
    "nndl.datasets.sklearn_sets.load_sklearn",
    "nndl.datasets.files.load_npz",
    "nndl.datasets.csv_files.load_csv",
    "nndl.datasets.images.load_h5",
    "nndl.datasets.pictures.load_image_folder",
    "nndl.datasets.synthetic.make_moons",
    "nndl.datasets.split.train_test_split",
    "nndl.datasets.preprocessing.Standardizer",
    # the course
    "nndl.course.deep.L_model_forward",
    "nndl.course.logistic.propagate",
    "nndl.course.planar.nn_model",
}


def _own_names(module: ModuleType) -> list[str]:
    names = getattr(module, "__all__", None)
    if names is None:  # a module without __all__: its own functions and classes
        names = [
            n
            for n, o in vars(module).items()
            if not n.startswith("_")
            and (inspect.isfunction(o) or inspect.isclass(o))
            and o.__module__ == module.__name__
        ]
    return [n for n in names if n not in NOT_HERE and not n.startswith("__")]


def _where_documented(cls: type, name: str) -> type | None:
    """The class whose ``name`` the reference shows: the first in the MRO with a docstring."""
    owners = [k for k in cls.__mro__ if name in vars(k)]
    for k in owners:
        member = vars(k)[name]
        member = getattr(member, "__func__", member)
        doc = member.fget.__doc__ if isinstance(member, property) else member.__doc__
        if doc:
            return k
    return owners[0] if owners else None


def _public_api() -> dict[str, tuple[str, str]]:
    """``{qualified name: (kind, module)}`` for every public function, class, method, property."""
    found: dict[str, tuple[str, str]] = {}
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in _own_names(module):
            try:
                obj = getattr(module, name)
            except ImportError:  # nndl's estimators without scikit-learn (the sklearn extra)
                continue
            if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue  # a module, a registry or a constant
            if not obj.__module__.startswith("nndl"):
                continue
            key = f"{obj.__module__}.{obj.__qualname__}"
            found[key] = ("class" if inspect.isclass(obj) else "function", obj.__module__)
            if not inspect.isclass(obj):
                continue
            for attr in dir(obj):
                if attr.startswith("_"):
                    continue
                owner = _where_documented(obj, attr)
                if owner is None or not owner.__module__.startswith("nndl"):
                    continue
                member = vars(owner)[attr]
                member = getattr(member, "__func__", member)
                if inspect.isfunction(member) or isinstance(member, property):
                    kind = "property" if isinstance(member, property) else "method"
                    qualified = f"{owner.__module__}.{owner.__qualname__}.{attr}"
                    found.setdefault(qualified, (kind, owner.__module__))
    return dict(sorted(found.items()))


API = _public_api()


def test_the_public_api_is_found() -> None:
    # the walk would pass vacuously if it found nothing; these are the names the README uses
    for name in (
        "nndl.model.network.Network",
        "nndl.model.fitting.Trainable.fit",
        "nndl.datasets.planar.load_planar",
        "nndl.course.deep.L_model_forward",
        "nndl.model.layers.dense.Dense",
    ):
        assert name in API, name
    assert len(API) > 300
    assert set(NEEDS_EXAMPLES) <= set(API) and set(API) >= ENTRY_METHODS


def _required(name: str, kind: str, module: str) -> set[str]:
    if kind == "property":
        return BASIC
    if kind == "method" and module in BRIEF_MODULES and name not in ENTRY_METHODS:
        return BASIC
    return BASIC | FULL


def _options_of_kwargs(name: str) -> bool:
    """Whether the only unknown parameters are ``**kwargs``'s, under Other Parameters.

    numpydoc's PR02 counts those as unknown; numpydoc's guide puts them there.
    """
    obj = Validator._load_obj(name)
    signature = inspect.signature(obj)
    if not any(p.kind is p.VAR_KEYWORD for p in signature.parameters.values()):
        return False
    doc = NumpyDocString(inspect.getdoc(obj) or "")
    documented = {p.name for p in doc["Parameters"]}
    others = {n.strip() for p in doc["Other Parameters"] for n in p.name.split(",")}
    unknown = documented - set(signature.parameters) - {"**" + n for n in signature.parameters}
    return not unknown and bool(others)


@pytest.mark.parametrize("name", sorted(API))
def test_docstring(name: str) -> None:
    required = _required(name, *API[name])
    if name in NEEDS_EXAMPLES:
        required = required | {"EX01"}
    errors = [
        f"{code}: {message}"
        for code, message in validate(name)["errors"]
        if code in required and not (code == "PR02" and _options_of_kwargs(name))
    ]
    assert not errors, f"{name}:\n  " + "\n  ".join(errors)


def test_brief_modules_are_still_long() -> None:
    for module_name in BRIEF_MODULES:
        path = inspect.getsourcefile(importlib.import_module(module_name))
        assert path is not None
        with open(path, encoding="utf-8") as f:
            lines = len(f.read().splitlines())
        assert lines > 450, f"{module_name} has room now ({lines} lines): hold it to FULL"


def test_the_validator_catches_an_undocumented_parameter() -> None:
    def step(W: Any, dW: Any, learning_rate: float) -> Any:
        """One step of gradient descent.

        Parameters
        ----------
        W : ndarray
            The weights.
        dW : ndarray
            Their gradient.

        Returns
        -------
        ndarray
            The new weights.
        """
        return W - learning_rate * dW

    step.__module__ = __name__
    globals()["_step_for_the_test"] = step
    step.__qualname__ = step.__name__ = "_step_for_the_test"
    codes = [code for code, _ in validate(f"{__name__}._step_for_the_test")["errors"]]
    assert "PR01" in codes and "RT01" not in codes


# ------------------------------------------------------------------ the examples run


# The optional extra the examples of a module need (the test extra installs them all).
EXAMPLES_NEED = {
    "nndl.datasets.cat": "sklearn",  # the cat stand-in is drawn from scikit-learn's digits
    "nndl.datasets.loaders": "sklearn",
    "nndl.datasets.sklearn_sets": "sklearn",
    "nndl.estimators._course": "sklearn",
    "nndl.datasets.images": "h5py",
    "nndl.datasets.pictures": "PIL",
    "nndl.datasets.csv_files": "pandas",
    "nndl.plot._canvas": "matplotlib",
}


@pytest.mark.parametrize("module_name", sorted({m for _, m in API.values()} | set(PUBLIC_MODULES)))
def test_examples_run(module_name: str) -> None:
    if module_name in EXAMPLES_NEED:
        pytest.importorskip(EXAMPLES_NEED[module_name])
    module = importlib.import_module(module_name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    state = np.get_printoptions()
    try:
        for test in finder.find(module, module_name, globs=dict(vars(module))):
            runner.run(test)
    finally:
        np.set_printoptions(**state)
    results = runner.summarize(verbose=False)
    assert results.failed == 0, f"{results.failed} of {results.attempted} examples failed"
