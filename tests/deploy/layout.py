"""Reading the production layout: systemd units, the Dockerfile, compose.yaml."""

from __future__ import annotations

import configparser
import shlex
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNITS = DEPLOY / "systemd"


def unit(name: str) -> configparser.ConfigParser:
    """A systemd unit as sections of keys (values with %% as systemd writes them)."""
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string((UNITS / name).read_text())
    return parser


def exec_start(name: str) -> list[str]:
    """The unit's ExecStart as argv."""
    return shlex.split(unit(name)["Service"]["ExecStart"])


def compose() -> dict[str, Any]:
    """compose.yaml with its anchors and merge keys resolved."""
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text())
    return loaded
