"""``nndl train --config FILE.toml``: options from a TOML file, each value checked against its
option's type (a switch takes true or false, not "false"), then used as the parser's defaults."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nndl import _limits
from nndl.cli._common import (
    comma_list,
    fraction,
    hidden_sizes,
    layer_list,
    positive_float,
    positive_int,
)
from nndl.errors import NNDLValueError, did_you_mean

MAX_CONFIG_BYTES = 2**20
"""The most a TOML config file may hold."""


def apply_config(parser: argparse.ArgumentParser, argv: Sequence[str]) -> None:
    """Read ``--config FILE.toml`` (if given to ``train``) into the parser's defaults."""
    if "train" not in argv:
        return
    probe = argparse.ArgumentParser(add_help=False)
    probe.add_argument("--config")
    known, _ = probe.parse_known_args(argv)
    if known.config is None:
        return
    path = Path(known.config)
    if path.is_dir():
        raise NNDLValueError(
            f"--config {str(path)!r} is a folder; give a TOML file such as experiment.toml"
        )
    if not path.exists():
        raise NNDLValueError(f"the config file {str(path)!r} does not exist")
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        text = _limits.read_limited(path, "config file", MAX_CONFIG_BYTES).decode("utf-8")
        config = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise NNDLValueError(f"{str(path)!r} is not valid TOML: {exc}") from None
    config = config.get("train", config)
    train = train_parser(parser)
    options = {a.dest: a for a in train._actions if a.dest not in ("help", "config", "handler")}
    defaults: dict[str, Any] = {}
    for key, value in config.items():
        dest = key.replace("-", "_")
        if dest not in options:
            hint = did_you_mean(key, [d.replace("_", "-") for d in options])
            raise NNDLValueError(
                f"{str(path)!r}: unknown option {key!r}; {hint + ' The' if hint else 'the'} "
                "known ones are: "
                f"{', '.join(sorted(d.replace('_', '-') for d in options))}"
            )
        defaults[dest] = _config_value(path, key, options[dest], value)
    train.set_defaults(**defaults)


_TOML_TYPES: dict[Any, tuple[tuple[type, ...], str]] = {
    int: ((int,), "an integer"),
    positive_int: ((int,), "an integer >= 1"),
    positive_float: ((int, float), "a number"),
    fraction: ((int, float), "a number"),
    float: ((int, float), "a number"),
    hidden_sizes: ((int, list, str), "layer sizes such as 4 or [20, 7, 5]"),
    comma_list: ((str, list), "a name or a list of names"),
    layer_list: ((str, list), 'a list of layers such as ["conv:8:3", "relu", "dense:10"]'),
    None: ((str,), "a string"),
}


def _config_value(path: Path, key: str, action: argparse.Action, value: Any) -> Any:
    """A TOML value checked against its option's type: a switch takes true or false (not
    "false"), a number a number, a name a string; then converted as the command line would."""
    where = f"{str(path)!r}: option {key!r}"
    if action.nargs == 0:  # a switch: --json, --standardize / --no-standardize
        if not isinstance(value, bool):
            raise NNDLValueError(
                f"{where} must be true or false (without quotes). Received: {value!r}"
            )
        return value
    allowed, expected = _TOML_TYPES.get(action.type, ((str, int, float), "a value"))
    items = value if isinstance(value, list) else [value]
    if (
        isinstance(value, bool)
        or not isinstance(value, allowed)
        or any(isinstance(v, (bool, dict, list)) for v in items)
        or (isinstance(value, list) and not all(isinstance(v, (int, str)) for v in value))
    ):
        raise NNDLValueError(f"{where} must be {expected}. Received: {value!r}")
    if action.choices is not None and value not in action.choices:
        hint = did_you_mean(str(value), [str(c) for c in action.choices])
        raise NNDLValueError(
            f"{where} must be one of {', '.join(map(str, action.choices))}. Received: "
            f"{value!r}{'; ' + hint if hint else ''}"
        )
    if action.type is None:
        return value
    text = ",".join(map(str, value)) if isinstance(value, list) else str(value)
    try:
        return action.type(text)  # type: ignore[operator]
    except argparse.ArgumentTypeError as exc:
        raise NNDLValueError(f"{where}: {exc}") from None


def train_parser(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            sub: argparse.ArgumentParser = action.choices["train"]
            return sub
    raise RuntimeError("the train command is missing")  # pragma: no cover
