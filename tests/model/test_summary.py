"""Network.summary(): a Keras-like table, as text and HTML."""

from __future__ import annotations

import nndl


def test_summary_table_has_shapes_and_parameter_counts() -> None:
    net = nndl.Network([12288, 20, 7, 5, 1], seed=0)  # the course's deep cat network
    summary = net.summary()
    assert summary.total == 20 * 12288 + 20 + 7 * 20 + 7 + 5 * 7 + 5 + 5 + 1 == 245_973
    text = str(summary)
    lines = text.splitlines()
    assert lines[1].split() == ["Layer", "Units", "Activation", "W", "shape", "b", "shape",
                                "Parameters"]  # fmt: skip
    assert lines[4].split() == ["hidden", "1", "20", "relu", "(20,", "12288)", "(20,", "1)",
                                "245,780"]  # fmt: skip
    assert lines[7].split() == ["output", "1", "sigmoid", "(1,", "5)", "(1,", "1)", "6"]
    assert "Total parameters: 245,973" in text
    assert repr(summary) == text  # shown as the table at a prompt


def test_summary_html_for_jupyter() -> None:
    net = nndl.Network([2, 4, 3], activations="tanh", seed=0)
    html = net._repr_html_()
    assert html.count("<tr>") == 1 + 3  # header, input, two layers
    assert '<td style="text-align:left">softmax</td>' in html
    assert "Network(2 → 4 tanh → 3 softmax" in html
    assert "Total parameters: 27" in html  # 4·2 + 4 + 3·4 + 3
    assert net.summary()._repr_html_() in html
