"""A network as a table, Keras-like: one row per layer with its units, activation, the shapes
of ``W[l]`` and ``b[l]`` and its parameter count ``n[l]·n[l-1] + n[l]``; as text for a terminal
and as HTML for Jupyter."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nndl.model.network import Network

HEADER = ("Layer", "Units", "Activation", "W shape", "b shape", "Parameters")


class Summary:
    """What :meth:`nndl.Network.summary` returns: ``print(s)`` (or ``s`` at a prompt) shows the
    table as text, Jupyter shows it as HTML; ``rows`` and ``total`` hold the numbers."""

    def __init__(self, net: Network) -> None:
        dims = net.layer_dims
        self.rows: list[tuple[str, str, str, str, str, str]] = [
            ("input", str(dims[0]), "", "", "", "0")
        ]
        for l in range(1, net.L + 1):
            n, n_prev = dims[l], dims[l - 1]
            self.rows.append(
                (
                    "output" if l == net.L else f"hidden {l}",
                    str(n),
                    net.activations[l - 1].name,
                    f"({n}, {n_prev})",
                    f"({n}, 1)",
                    f"{n * n_prev + n:,}",
                )
            )
        self.total = sum(dims[l] * dims[l - 1] + dims[l] for l in range(1, net.L + 1))
        self.footer = [
            f"Total parameters: {self.total:,}",
            f"Loss: {net.loss.name}    task: {net.task}    dtype: {net.dtype}",
        ]
        if net.l2:
            self.footer.append(f"L2 strength λ: {net.l2:g}")

    def __str__(self) -> str:
        table = [HEADER, *self.rows]
        widths = [max(len(row[k]) for row in table) for k in range(len(HEADER))]
        right = {1, 5}  # numbers align right

        def line(row: tuple[str, ...]) -> str:
            cells = [
                c.rjust(w) if k in right else c.ljust(w)
                for k, (c, w) in enumerate(zip(row, widths, strict=True))
            ]
            return "  ".join(cells).rstrip()

        rule = "-" * len(line(HEADER))
        body = [line(row) for row in self.rows]
        return "\n".join([rule, line(HEADER), rule.replace("-", "="), *body, rule, *self.footer])

    __repr__ = __str__

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(h)}</th>" for h in HEADER)
        body = "".join(
            "<tr>"
            + "".join(
                f'<td style="text-align:{"right" if k in (1, 5) else "left"}">{html.escape(c)}</td>'
                for k, c in enumerate(row)
            )
            + "</tr>"
            for row in self.rows
        )
        foot = "<br>".join(html.escape(f) for f in self.footer)
        return (
            f'<table class="nndl-summary"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table><p>{foot}</p>"
        )
