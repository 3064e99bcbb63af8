"""One training step that stays on the device, and its capture as a CUDA graph.

:class:`AdamStep` runs forward, backward and Adam with every state array on the
device, updated in place and never read back to the host, so
:meth:`AdamStep.capture` can record the whole step as one CUDA graph (CuPy with a
private memory pool, or PyTorch) and replay it.  ``benchmarks/mlp_gpu.py`` times
it against PyTorch eager.  Its Adam is the one rule of
:class:`nndl.model.update_rules.Adam`: through the array namespace, or on CuPy as
one elementwise kernel generated from that rule.
"""

from __future__ import annotations

import importlib
from typing import Any

import array_api_compat

from nndl.arrays import elementwise
from nndl.arrays.backend import Array
from nndl.arrays.devices import DeviceError, library_of, placement_of, synchronize
from nndl.model.update_rules import Adam


class AdamStep:
    """One full training step on any device: forward, backward, Adam, parameters updated in place.

    The network's own ``forward_pass``/``backward_pass`` give ``J`` and the gradients;
    Adam then updates every parameter θ with its gradient g (t counts the steps)::

        m := β₁ m + (1 − β₁) g          v := β₂ v + (1 − β₂) g²
        θ := θ − α (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)

    the rule of ``torch.optim.Adam``, written once in :class:`~nndl.model.update_rules.Adam`.
    Everything stays on the device: the step never reads a value back to the host,
    ``t`` is a device scalar (so are the bias corrections computed from it), and the
    parameters, moments and ``t`` are updated in place, so the whole step can be
    captured in a CUDA graph (:meth:`capture`) and replayed.  On CuPy the Adam
    update of each parameter is one elementwise kernel generated from the rule.

    ``step(X, Y)`` returns the cost J of the forward pass (before the update) as
    a 0-d array on the device; X and Y must already be on the network's device,
    ``(n_x, m)`` and ``(n_y, m)`` in the network's dtype (Y one-hot for softmax).
    """

    def __init__(
        self,
        network: Any,
        learning_rate: float = 1e-3,
        beta1: float = 0.9,
        beta2: float = 0.999,
        epsilon: float = 1e-8,
    ) -> None:
        self.network = network
        self.learning_rate = float(learning_rate)
        self.beta1, self.beta2, self.epsilon = float(beta1), float(beta2), float(epsilon)
        self.rule = Adam(self.beta1, self.beta2, self.epsilon)
        first = network.params["W1"]
        self.xp = array_api_compat.array_namespace(first)
        self.library = library_of(first)
        self.m = {k: self.xp.zeros_like(v) for k, v in network.params.items()}
        self.v = {k: self.xp.zeros_like(v) for k, v in network.params.items()}
        self.t = self.xp.zeros((), dtype=first.dtype, device=array_api_compat.device(first))
        self._fused = _cupy_kernel(self.rule.program) if self.library == "cupy" else None

    def __call__(self, X: Array, Y: Array) -> Array:
        net = self.network
        AL, caches = net.forward_pass(X)
        J = net.full_cost(AL, caches, Y)
        grads = net.backward_pass(AL, Y, caches)
        self._adam(grads)
        return J

    def _adam(self, grads: dict[str, Array]) -> None:
        xp, rule = self.xp, self.rule
        self.t += 1.0
        scalars = rule.coefficients(self.t, self.learning_rate, xp.sqrt)  # on the device
        for k, theta in self.network.params.items():
            g, m, v = grads["d" + k], self.m[k], self.v[k]
            if self._fused is not None:
                self._fused(g, *scalars, theta, m, v)
                continue
            update, new_m, new_v = rule.rule(xp, g, m, v, *scalars)
            m[...], v[...] = new_m, new_v
            theta += update

    def state(self) -> list[Array]:
        """Every array the step updates in place: parameters, moments, t."""
        params = self.network.params
        return [*params.values(), *self.m.values(), *self.v.values(), self.t]

    def capture(self, X: Array, Y: Array) -> CapturedStep:
        """The whole step on (X, Y) recorded as one CUDA graph (CuPy or PyTorch on a GPU).

        X and Y become the graph's input buffers: copy new batches into them
        (``X[...] = batch``) before :meth:`CapturedStep.__call__`.  Recording runs
        the step twice (a warm-up that fills the memory pool, then the capture);
        the state is restored afterwards, so no step is lost or doubled.
        """
        placement = placement_of(self.network.params["W1"])
        if not placement.is_cuda:
            raise DeviceError(
                "capture() records a CUDA graph, so the network must be on a GPU "
                f"(network.to('cuda')). It is on {placement}."
            )
        saved = [self.xp.asarray(a, copy=True) for a in self.state()]
        if self.library == "torch":
            captured = _capture_torch(self, X, Y)
        else:
            captured = _capture_cupy(self, X, Y)
        for array, before in zip(self.state(), saved, strict=True):
            array[...] = before
        synchronize(placement)
        return captured


class CapturedStep:
    """A training step recorded as a CUDA graph; calling it replays the graph."""

    def __init__(self, launch: Any, J: Array, X: Array, Y: Array, keep: Any) -> None:
        self._launch = launch
        self.J = J
        """The cost of the last replayed step (a device array, overwritten by each replay)."""
        self.X, self.Y = X, Y
        self._keep = keep  # the graph's memory pool and stream: alive as long as the graph

    def __call__(self) -> Array:
        self._launch()
        return self.J


def _cupy_kernel(program: elementwise.Program) -> Any:
    """The rule's program as one CuPy elementwise kernel: ``kernel(g, *scalars, θ, *slots)``.

    Compiled without fused multiply-adds, so each operation rounds as on the CPU paths.
    """
    cupy = importlib.import_module("cupy")
    in_params, out_params, body = elementwise.cuda_source(program)
    name = f"nndl_{program.name}"
    return cupy.ElementwiseKernel(in_params, out_params, body, name, options=("--fmad=false",))


def _capture_cupy(step: AdamStep, X: Array, Y: Array) -> CapturedStep:
    cupy = importlib.import_module("cupy")
    stream = cupy.cuda.Stream(non_blocking=True)
    pool = cupy.cuda.MemoryPool()  # private: nothing else may reuse the graph's memory
    with stream, cupy.cuda.using_allocator(pool.malloc):
        step(X, Y)  # warm-up: compiles the kernels, fills the pool, sets up cuBLAS
        stream.synchronize()
        stream.begin_capture()
        J = step(X, Y)
        graph = stream.end_capture()
    stream.synchronize()
    return CapturedStep(lambda: graph.launch(stream), J, X, Y, keep=(graph, stream, pool))


def _capture_torch(step: AdamStep, X: Array, Y: Array) -> CapturedStep:
    import torch

    side = torch.cuda.Stream()  # type: ignore[no-untyped-call]
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        step(X, Y)  # warm-up on a side stream, as torch.cuda.graphs asks
    torch.cuda.current_stream().wait_stream(side)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        J = step(X, Y)
    return CapturedStep(graph.replay, J, X, Y, keep=graph)
