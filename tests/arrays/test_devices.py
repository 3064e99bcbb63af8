"""Devices: specs, moving arrays, Network.to, PyTorch CPU training; CUDA tests skip without one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import pytest

import nndl
from nndl.arrays import devices
from nndl.arrays.backend import to_numpy
from nndl.arrays.devices import DeviceError, Placement
from nndl.training.device_step import AdamStep

torch = pytest.importorskip("torch")

F = TypeVar("F", bound=Callable[..., Any])


def _gpu(available: bool, reason: str) -> Callable[[F], F]:
    """Mark a test ``gpu`` and skip it cleanly where the GPU (library) is absent."""

    def mark(test: F) -> F:
        return pytest.mark.gpu(pytest.mark.skipif(not available, reason=reason)(test))

    return mark


requires_cuda = _gpu(devices.cuda_available(), "needs a CUDA GPU")
requires_torch_cuda = _gpu(devices.torch_cuda_available(), "needs PyTorch with CUDA")
requires_cupy = _gpu(devices.cupy_available(), "needs CuPy and a GPU")


def _flower_net(**kwargs: object) -> nndl.Network:
    return nndl.Network([2, 4, 1], activations="tanh", seed=2, dtype="float64", **kwargs)  # type: ignore[arg-type]


# ------------------------------------------------------------------ specs


def test_resolve_names() -> None:
    assert devices.resolve("numpy") == Placement("numpy", "cpu")
    assert devices.resolve("cpu") == Placement("numpy", "cpu")
    assert devices.resolve("cpu", current="torch") == Placement("torch", "cpu")
    assert devices.resolve("torch") == Placement("torch", "cpu")
    assert devices.resolve(" Torch:CPU ") == Placement("torch", "cpu")
    assert devices.resolve(torch.device("cpu")) == Placement("torch", "cpu")
    assert str(devices.resolve("torch")) == "torch:cpu"
    assert str(devices.resolve("numpy")) == "numpy"


def test_resolve_refuses_unknown_devices() -> None:
    with pytest.raises(nndl.NNDLValueError, match="known ones are 'numpy', 'cpu', 'cuda'"):
        devices.resolve("tpu")
    with pytest.raises(nndl.NNDLValueError, match="numbered from 0"):
        devices.resolve("cuda:x")
    with pytest.raises(nndl.NNDLValueError, match="'cpu' or 'cuda"):
        devices.resolve("torch:mps")
    with pytest.raises(nndl.NNDLValueError, match="Received: device=3"):
        devices.resolve(3)


@pytest.mark.skipif(devices.cuda_available(), reason="this machine has a GPU")
@pytest.mark.parametrize("spec", ["cuda", "gpu", "cuda:1", "torch:cuda", "cupy"])
def test_missing_gpu_is_a_clear_error(spec: str) -> None:
    with pytest.raises(DeviceError, match=r"CUDA GPU|needs CuPy") as info:
        devices.resolve(spec)
    assert isinstance(info.value, ValueError)
    net = _flower_net()
    with pytest.raises(DeviceError, match=r"'cpu'"):
        net.to(spec)
    assert net.device == "numpy"  # nothing moved


def test_placement_and_move_round_trip() -> None:
    a = np.arange(12.0).reshape(3, 4)
    t = devices.move(a, devices.resolve("torch"))
    assert isinstance(t, torch.Tensor) and t.dtype == torch.float64
    assert devices.placement_of(t) == Placement("torch", "cpu")
    assert devices.move(t, devices.resolve("torch")) is t
    back = devices.move(t, devices.resolve("numpy"))
    assert isinstance(back, np.ndarray)
    np.testing.assert_array_equal(back, a)
    f32 = devices.move(np.asfortranarray(a.astype(np.float32)), devices.resolve("torch"))
    assert f32.dtype == torch.float32 and devices.library_of(f32) == "torch"
    np.testing.assert_array_equal(to_numpy(f32), a)


# -------------------------------------------------------------- networks


def test_network_to_torch_trains_like_numpy() -> None:
    X, Y = nndl.datasets.load_planar()
    reference = _flower_net()
    net = _flower_net().to("torch")
    assert net.device == "torch:cpu"
    costs_ref = reference.fit(X, Y, learning_rate=1.2, epochs=200)
    costs = net.fit(X, Y, learning_rate=1.2, epochs=200)  # NumPy data, moved to the network
    np.testing.assert_allclose(costs, costs_ref, rtol=1e-12)
    assert net.device == "torch:cpu"
    for k, v in reference.params.items():
        np.testing.assert_allclose(to_numpy(net.params[k]), v, rtol=1e-10, atol=1e-14)
    pred = net.predict(X)
    assert isinstance(pred, torch.Tensor)
    np.testing.assert_array_equal(to_numpy(pred), reference.predict(X))
    assert net.accuracy(torch.asarray(X), Y) == pytest.approx(reference.accuracy(X, Y))


def test_course_golden_cost_on_torch_float32() -> None:
    X, Y = nndl.datasets.load_planar()
    net = nndl.Network([2, 4, 1], activations="tanh", seed=2).to("torch")
    costs = net.fit(torch.asarray(X), torch.asarray(Y), learning_rate=1.2, epochs=1001)
    assert costs[1000] == pytest.approx(0.288083, abs=2e-5)  # the course: 0.288083


def test_network_to_moves_back_and_copy_is_numpy() -> None:
    X, Y = nndl.datasets.load_planar()
    net = _flower_net().to("torch")
    net.fit(X, Y, learning_rate=1.2, epochs=5)
    clone = net.copy()
    assert clone.device == "numpy"
    clone.fit(X, Y, learning_rate=1.2, epochs=1)
    assert clone.device == "numpy"  # a copy is not pinned to the original's device
    assert nndl.gradient_check(net, X[:, :30], Y[:, :30]).passed
    assert net.to("cpu").device == "torch:cpu"  # "cpu" keeps PyTorch on the host
    assert net.to("numpy").device == "numpy"
    assert isinstance(net.predict(torch.asarray(X)), np.ndarray)  # data follows the network
    assert net.to(torch.device("cpu")) is net and net.device == "torch:cpu"


def test_device_option_of_the_constructor() -> None:
    X, Y = nndl.datasets.load_planar()
    net = _flower_net(device="torch")
    assert net.device == "torch:cpu"
    np.testing.assert_array_equal(to_numpy(net.params["W1"]), _flower_net().params["W1"])
    net.fit(X, Y, learning_rate=1.2, epochs=3)
    assert net.device == "torch:cpu"
    if not devices.cuda_available():
        with pytest.raises(DeviceError, match="CUDA GPU"):
            _flower_net(device="cuda")


def test_labels_on_another_library_follow_the_data() -> None:
    X, labels = nndl.datasets.make_blobs(m=90, centers=3, seed=1)
    net = nndl.Network([2, 8, 3], seed=0, dtype="float64")
    costs = net.fit(torch.asarray(X), labels, learning_rate=0.5, epochs=20)  # Y stays NumPy
    assert net.device == "torch:cpu" and costs[-1] < costs[0]


# ------------------------------------------------------------------ CUDA


def _cuda_training(spec: str) -> None:
    X, Y = nndl.datasets.load_planar()
    reference = _flower_net()
    net = _flower_net().to(spec)
    assert "cuda" in net.device
    costs = net.fit(X, Y, learning_rate=1.2, epochs=100)
    assert "cuda" in net.device
    costs_ref = reference.fit(X, Y, learning_rate=1.2, epochs=100)
    np.testing.assert_allclose(costs, costs_ref, rtol=1e-9)
    assert devices.placement_of(net.predict(X)).is_cuda
    assert net.to("cpu").device in ("numpy", "torch:cpu")


@requires_torch_cuda
def test_torch_cuda_training_stays_on_the_gpu() -> None:
    _cuda_training("torch:cuda")


@requires_cupy
def test_cupy_training_stays_on_the_gpu() -> None:
    _cuda_training("cupy")


@requires_cuda
def test_cuda_spec_picks_a_gpu_library() -> None:
    _cuda_training("cuda")


# ------------------------------------------------------- the training step


def _torch_reference(net: nndl.Network) -> Any:
    """nn.Sequential with the network's parameters: Linear(n[l-1], n[l]) holds W[l], b[l]."""
    layers: list[Any] = []
    for l in range(1, net.L + 1):
        linear = torch.nn.Linear(net.layer_dims[l - 1], net.layer_dims[l], dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.asarray(to_numpy(net.params[f"W{l}"])))
            linear.bias.copy_(torch.asarray(to_numpy(net.params[f"b{l}"])).reshape(-1))
        layers.append(linear)
        if l < net.L:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


@pytest.mark.parametrize("place", ["numpy", "torch"])
def test_adam_step_matches_torch_optim_adam(place: str) -> None:
    rng = np.random.default_rng(3)
    X = rng.normal(size=(6, 64))
    labels = rng.integers(0, 3, size=(1, 64))
    net = nndl.Network([6, 5, 4, 3], activations="relu", init="he", seed=1, dtype="float64")
    model = _torch_reference(net)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    step = AdamStep(net.to(place), learning_rate=0.01)
    X_d = devices.move(X, devices.resolve(place))
    Y_d = devices.move(nndl.model.losses.one_hot(labels, 3), devices.resolve(place))
    for _ in range(5):
        J = step(X_d, Y_d)
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(
            model(torch.asarray(X.T)), torch.asarray(labels[0])
        )
        loss.backward()
        optimizer.step()
        assert float(to_numpy(J)) == pytest.approx(loss.item(), rel=1e-12)
    assert net.device == str(devices.resolve(place))  # updated in place, on its device
    for l, linear in enumerate(model[::2], start=1):
        np.testing.assert_allclose(
            to_numpy(net.params[f"W{l}"]), linear.weight.detach(), atol=1e-12
        )
        np.testing.assert_allclose(
            to_numpy(net.params[f"b{l}"]).ravel(), linear.bias.detach(), atol=1e-12
        )
    assert float(to_numpy(step.t)) == 5.0


def test_capture_needs_a_gpu() -> None:
    net = nndl.Network([2, 3, 1], seed=0).to("torch")
    step = AdamStep(net)
    with pytest.raises(DeviceError, match="on a GPU"):
        step.capture(torch.zeros(2, 4), torch.zeros(1, 4))


@pytest.mark.gpu
@pytest.mark.parametrize("spec", ["torch:cuda", "cupy"])
def test_captured_step_replays_the_eager_step(spec: str) -> None:
    if not (devices.cupy_available() if spec == "cupy" else devices.torch_cuda_available()):
        pytest.skip(f"needs {spec} on a GPU")
    rng = np.random.default_rng(0)
    X = rng.normal(size=(8, 256)).astype(np.float32)
    labels = rng.integers(0, 4, size=(1, 256))
    Y = nndl.model.losses.one_hot(labels, 4).astype(np.float32)
    eager = nndl.Network([8, 16, 4], seed=0).to(spec)
    graphed = nndl.Network([8, 16, 4], seed=0).to(spec)
    place = devices.resolve(spec)
    X_d, Y_d = devices.move(X, place), devices.move(Y, place)
    eager_step, captured = AdamStep(eager), AdamStep(graphed).capture(X_d, Y_d)
    for _ in range(3):
        J_eager = float(to_numpy(eager_step(X_d, Y_d)))
        assert float(to_numpy(captured())) == pytest.approx(J_eager, rel=1e-5)
    for k in eager.params:
        np.testing.assert_allclose(
            to_numpy(graphed.params[k]), to_numpy(eager.params[k]), rtol=1e-5, atol=1e-6
        )


test_captured_step_replays_the_eager_step = pytest.mark.gpu(
    test_captured_step_replays_the_eager_step
)


# ------------------------------------------------------- layers past dense on a GPU


def _layer_models() -> list[Any]:
    from nndl.layers import GRU, LSTM, BatchNorm, Conv2D, Dense, Flatten, MaxPool2D, Sequential

    convnet = Sequential(
        [Conv2D(4, 3, pad="same", activation="relu"), BatchNorm(), MaxPool2D(2), Flatten(),
         Dense(1, activation="sigmoid")],
        input_shape=(6, 6, 2), seed=0, dtype="float64",
    )  # fmt: skip
    recurrent = Sequential(
        [LSTM(4, return_sequences=True), GRU(3), Dense(2, activation="softmax")],
        input_shape=(5, 3), seed=0, dtype="float64",
    )  # fmt: skip
    rng = np.random.default_rng(0)
    return [
        (convnet, rng.standard_normal((5, 6, 6, 2)), (rng.random((1, 5)) > 0.5).astype(float)),
        (recurrent, rng.standard_normal((4, 5, 3)), np.eye(2)[:, [0, 1, 1, 0]]),
        *_masked_sequence_models(rng),
    ]


def _masked_sequence_models(rng: np.random.Generator) -> list[Any]:
    """Padded sequences: a learned initial state, a dense layer at every step, a masked
    convolution and pooling."""
    from nndl.layers import GRU, LSTM, Conv1D, Dense, Embedding, Masking, MaxPool1D, Sequential

    seq2seq = Sequential(
        [Masking(), LSTM(4, return_sequences=True, learn_initial_state=True), Dense(2, "softmax")],
        input_shape=(5, 3), seed=0, dtype="float64",
    )  # fmt: skip
    seq2seq.params = {k: v + 0.1 for k, v in seq2seq.params.items()}  # a⟨0⟩, c⟨0⟩ ≠ 0
    X = rng.standard_normal((4, 5, 3))
    X[1, 3:], X[2, 1:] = 0.0, 0.0
    Y = np.eye(2)[rng.integers(0, 2, (4, 5))].transpose(2, 0, 1)
    tokens = np.array([[3, 1, 4, 1, 5, 0], [2, 6, 5, 0, 0, 0], [5, 3, 5, 8, 9, 7]])
    convolved = Sequential(
        [Embedding(10, 3, mask_zero=True), Conv1D(4, 2, activation="relu"), MaxPool1D(2),
         GRU(3, reset_after=True, learn_initial_state=True), Dense(1, "sigmoid")],
        input_shape=(6,), seed=0, dtype="float64",
    )  # fmt: skip
    return [(seq2seq, X, Y), (convolved, tokens, np.array([[1.0, 0.0, 1.0]]))]


def _layers_on(spec: str) -> None:
    for (model, X, Y), (again, _, _) in zip(_layer_models(), _layer_models(), strict=True):
        J, grads = model.gradients(X, Y)
        placement = devices.resolve(spec)
        J_gpu, grads_gpu = again.gradients(devices.move(X, placement), devices.move(Y, placement))
        assert J_gpu == pytest.approx(J, abs=1e-10)
        for key, value in grads.items():
            assert devices.placement_of(grads_gpu[key]).is_cuda == ("cuda" in spec)
            np.testing.assert_allclose(to_numpy(grads_gpu[key]), value, atol=1e-10)


def test_layers_past_dense_on_torch_cpu() -> None:
    _layers_on("torch:cpu")


@requires_torch_cuda
def test_layers_past_dense_on_torch_cuda() -> None:
    _layers_on("torch:cuda")


@requires_cupy
def test_layers_past_dense_on_cupy() -> None:
    _layers_on("cupy")
