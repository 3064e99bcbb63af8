"""Dinosaur Island: a character-level language model, the sequence course's way.

The assignment trains a basic RNN one name at a time to predict each next character, then
samples new names from it.  Characters are one-hot vectors over a vocabulary of ``"\\n"``
(the end of a name) and ``a`` … ``z``; the input at step t is the previous character
(``x⟨1⟩ = 0``) and the label is the character itself, so the network learns
``P(y⟨t⟩ | y⟨1⟩ … y⟨t−1⟩)``::

    a⟨t⟩ = tanh(Wax x⟨t⟩ + Waa a⟨t−1⟩ + b)      ŷ⟨t⟩ = softmax(Wya a⟨t⟩ + by)
    J = − Σ_t log ŷ⟨t⟩[y⟨t⟩]                    (a name's cost; the course sums it)

One step of :func:`optimize` is the forward pass, backpropagation through time from
``dŷ⟨t⟩ = ŷ⟨t⟩ − y⟨t⟩``, the gradients clipped (:func:`nndl.course.recurrent.clip`, against
exploding gradients) and a gradient-descent step.  :func:`model` loops over the names and
samples a few new ones every ``sample_every`` iterations (:func:`~nndl.course.recurrent.sample`),
so the names can be watched getting better.  The word list is :data:`NAMES`, real genera of
dinosaurs written out for nndl (the course's file is not shipped).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from nndl.course import recurrent as rnn
from nndl.errors import NNDLValueError
from nndl.model.update_rules import descend

NAMES = (  # noqa: SIM905 (one string reads better than 200 quoted names)
    "aardonyx abelisaurus achelousaurus achillobator acrocanthosaurus adasaurus aegyptosaurus "
    "afrovenator agilisaurus alamosaurus albertosaurus alectrosaurus alioramus allosaurus "
    "alvarezsaurus amargasaurus ammosaurus ampelosaurus amygdalodon anchiceratops anchisaurus "
    "ankylosaurus anserimimus antarctosaurus apatosaurus aragosaurus aralosaurus archaeoceratops "
    "argentinosaurus arrhinoceratops atlascopcosaurus aucasaurus austrosaurus avaceratops "
    "avimimus bactrosaurus bagaceratops bambiraptor barapasaurus barosaurus baryonyx "
    "becklespinax beipiaosaurus bellusaurus borogovia brachiosaurus brachyceratops "
    "bugenasaura buitreraptor camarasaurus camptosaurus carcharodontosaurus carnotaurus "
    "caudipteryx centrosaurus ceratosaurus cetiosaurus chasmosaurus chindesaurus "
    "chirostenotes chubutisaurus coelophysis coelurus compsognathus conchoraptor "
    "corythosaurus cryolophosaurus dacentrurus daspletosaurus datousaurus deinocheirus "
    "deinonychus deltadromeus dicraeosaurus dilophosaurus diplodocus dromaeosaurus "
    "dromiceiomimus dryosaurus dryptosaurus edmontonia edmontosaurus einiosaurus "
    "elaphrosaurus emausaurus eoraptor epidendrosaurus erlikosaurus euhelopus euoplocephalus "
    "eustreptospondylus gallimimus gargoyleosaurus garudimimus gasosaurus gastonia "
    "giganotosaurus gilmoreosaurus giraffatitan gorgosaurus goyocephale gryposaurus "
    "guanlong hadrosaurus harpymimus herrerasaurus hesperosaurus heterodontosaurus "
    "homalocephale huayangosaurus hylaeosaurus hypacrosaurus hypsilophodon iguanodon "
    "indosuchus irritator janenschia jaxartosaurus jobaria kentrosaurus kritosaurus "
    "lambeosaurus leaellynasaura leptoceratops lesothosaurus lufengosaurus maiasaura "
    "majungasaurus mamenchisaurus massospondylus megalosaurus microraptor minmi "
    "monolophosaurus mononykus mussaurus muttaburrasaurus nanotyrannus nemegtosaurus "
    "neovenator nodosaurus nothronychus omeisaurus ornitholestes ornithomimus orodromeus "
    "ouranosaurus oviraptor pachycephalosaurus pachyrhinosaurus parasaurolophus "
    "pentaceratops piatnitzkysaurus pinacosaurus plateosaurus prenocephale prosaurolophus "
    "protoceratops psittacosaurus quaesitosaurus rebbachisaurus rhabdodon riojasaurus "
    "saichania saltasaurus sauropelta saurophaganax saurolophus scelidosaurus segisaurus "
    "shantungosaurus shunosaurus sinosauropteryx sinraptor spinosaurus stegoceras "
    "stegosaurus struthiomimus styracosaurus suchomimus supersaurus talarurus tarbosaurus "
    "tenontosaurus therizinosaurus thescelosaurus torosaurus triceratops troodon "
    "tsintaosaurus tuojiangosaurus tyrannosaurus unenlagia utahraptor velociraptor "
    "vulcanodon wuerhosaurus xenotarsosaurus yangchuanosaurus yunnanosaurus zephyrosaurus "
    "zuniceratops"
).split()
"""The word list: genera of dinosaurs, lower case."""


def vocabulary(names: Sequence[str]) -> tuple[dict[str, int], dict[int, str]]:
    """``(char_to_ix, ix_to_char)``: the newline is 0, then the names' letters in order.

    Parameters
    ----------
    names : sequence of str
        The names.

    Returns
    -------
    char_to_ix : dict of str to int
        Each character's index.
    ix_to_char : dict of int to str
        Each index's character.

    Examples
    --------
    >>> char_to_ix, ix_to_char = vocabulary(["rex", "ava"])
    >>> sorted(char_to_ix, key=char_to_ix.get)[1:], char_to_ix["a"]
    (['a', 'e', 'r', 'v', 'x'], 1)
    """
    chars = sorted(set("".join(names)) | {"\n"})
    return {c: i for i, c in enumerate(chars)}, dict(enumerate(chars))


def initialize_parameters(n_a: int, n_x: int, n_y: int, seed: int = 1) -> dict[str, np.ndarray]:
    """Weights ``randn × 0.01``, biases zero.

    ``Wax (n_a, n_x)``, ``Waa (n_a, n_a)``, ``Wya (n_y, n_a)``, ``b (n_a, 1)``,
    ``by (n_y, 1)``.

    Parameters
    ----------
    n_a : int
        The size of the hidden state.
    n_x : int
        The size of the input (the vocabulary).
    n_y : int
        The size of the output (the vocabulary).
    seed : int, default 1
        The seed of the weights.

    Returns
    -------
    dict of str to numpy.ndarray
        The parameters.
    """
    rng = np.random.RandomState(seed)
    return {
        "Wax": rng.randn(n_a, n_x) * 0.01,
        "Waa": rng.randn(n_a, n_a) * 0.01,
        "Wya": rng.randn(n_y, n_a) * 0.01,
        "b": np.zeros((n_a, 1)),
        "by": np.zeros((n_y, 1)),
    }


def optimize(
    X: Sequence[int | None],
    Y: Sequence[int],
    a_prev: np.ndarray,
    parameters: dict[str, np.ndarray],
    learning_rate: float = 0.01,
    max_value: float = 5.0,
) -> tuple[float, dict[str, np.ndarray], np.ndarray]:
    """One step on one name: ``(loss, gradients, a⟨T⟩)``; ``parameters`` are updated in place.

    The gradients are clipped into ``[−max_value, max_value]`` before ``θ := θ − α dθ``.

    Parameters
    ----------
    X : sequence of int or None
        The input characters' indices (``None`` first, for ``x⟨1⟩ = 0``).
    Y : sequence of int
        The labels: X shifted by one, ending with the newline's index.
    a_prev : numpy.ndarray of shape (n_a, 1)
        The state the name starts from.
    parameters : dict of str to numpy.ndarray
        ``Wax``, ``Waa``, ``Wya``, ``b``, ``by``; updated in place.
    learning_rate : float, default 0.01
        α.
    max_value : float, default 5.0
        The clipping bound.

    Returns
    -------
    loss : float
        The name's cross-entropy, summed over its characters.
    gradients : dict of str to numpy.ndarray
        The clipped gradients.
    a_last : numpy.ndarray of shape (n_a, 1)
        The last hidden state.

    Raises
    ------
    NNDLValueError
        When X and Y differ in length or are empty.
    """
    if len(X) != len(Y) or not Y:
        raise NNDLValueError(
            f"X and Y must be equally long, non-empty. Received: {len(X)} and {len(Y)}"
        )
    vocab = parameters["Wya"].shape[0]
    T = len(Y)
    x = np.zeros((vocab, 1, T))
    for t, ix in enumerate(X):
        if ix is not None:
            x[ix, 0, t] = 1.0
    course = {
        "Waa": parameters["Waa"],
        "Wax": parameters["Wax"],
        "Wya": parameters["Wya"],
        "ba": parameters["b"],
        "by": parameters["by"],
    }
    a, y_hat, caches = rnn.rnn_forward(x, a_prev, course)
    loss = -float(sum(np.log(y_hat[Y[t], 0, t]) for t in range(T)))
    dy = y_hat.copy()  # dŷ⟨t⟩ = ŷ⟨t⟩ − y⟨t⟩ (softmax with cross-entropy)
    for t in range(T):
        dy[Y[t], 0, t] -= 1.0
    grads = {
        "dWya": sum(np.dot(dy[:, :, t], a[:, :, t].T) for t in range(T)),
        "dby": dy.sum(axis=2),
    }
    da = np.stack([np.dot(parameters["Wya"].T, dy[:, :, t]) for t in range(T)], axis=2)
    through_time = rnn.rnn_backward(da, caches)
    grads.update(dWax=through_time["dWax"], dWaa=through_time["dWaa"], db=through_time["dba"])
    grads = rnn.clip(grads, max_value)
    parameters.update(descend(parameters, grads, learning_rate))  # θ := θ − α dθ
    return loss, grads, a[:, :, T - 1]


def model(
    names: Sequence[str] = NAMES,
    num_iterations: int = 20_000,
    n_a: int = 50,
    dino_names: int = 7,
    sample_every: int = 2000,
    learning_rate: float = 0.01,
    seed: int = 0,
    report: Callable[[int, float, list[str]], None] | None = None,
) -> tuple[dict[str, np.ndarray], list[float]]:
    """Train on the names one at a time (shuffled once), as the assignment does.

    Every ``sample_every`` iterations ``report(j, loss, samples)`` gets ``dino_names``
    names sampled from the model so far (it prints them without ``report``).  The loss is
    smoothed as the course smooths it, ``loss := 0.999 loss + 0.001 J``, from
    ``−log(1/vocab) · 7``.

    Parameters
    ----------
    names : sequence of str, default NAMES
        The training names (the course's dinosaurs by default).
    num_iterations : int, default 20000
        The steps, one name each.
    n_a : int, default 50
        The size of the hidden state.
    dino_names : int, default 7
        Names sampled at each report.
    sample_every : int, default 2000
        The iterations between reports.
    learning_rate : float, default 0.01
        α.
    seed : int, default 0
        The seed of the shuffle and of the samples.
    report : callable, optional
        ``report(j, loss, samples)``; the samples are printed when None.

    Returns
    -------
    parameters : dict of str to numpy.ndarray
        The trained parameters.
    losses : list of float
        The smoothed loss of every iteration.
    """
    char_to_ix, ix_to_char = vocabulary(names)
    vocab = len(char_to_ix)
    parameters = initialize_parameters(n_a, vocab, vocab)
    order = list(names)
    np.random.RandomState(seed).shuffle(order)
    smooth = -np.log(1.0 / vocab) * dino_names
    a_prev = np.zeros((n_a, 1))
    losses = []
    for j in range(num_iterations):
        name = order[j % len(order)]
        X: list[int | None] = [None, *(char_to_ix[c] for c in name)]
        Y = [*(char_to_ix[c] for c in name), char_to_ix["\n"]]
        loss, _, a_prev = optimize(X, Y, a_prev, parameters, learning_rate)
        smooth = 0.999 * smooth + 0.001 * loss
        losses.append(float(smooth))
        if j % sample_every == 0:
            samples = [
                "".join(ix_to_char[i] for i in rnn.sample(parameters, char_to_ix, seed + k)).strip()
                for k in range(dino_names)
            ]
            if report is not None:
                report(j, float(smooth), samples)
            else:
                print(f"Iteration: {j}, Loss: {smooth:.6f}")
                print("\n".join(s.capitalize() for s in samples), end="\n\n")
    return parameters, losses


def as_names(indices: Sequence[int], ix_to_char: dict[int, str]) -> str:
    """A sampled name from its indices (without the final newline).

    Parameters
    ----------
    indices : sequence of int
        What :func:`nndl.course.recurrent.sample` returned.
    ix_to_char : dict of int to str
        Each index's character.

    Returns
    -------
    str
        The name.
    """
    return "".join(ix_to_char[i] for i in indices).strip()


__all__ = ["NAMES", "as_names", "initialize_parameters", "model", "optimize", "vocabulary"]
