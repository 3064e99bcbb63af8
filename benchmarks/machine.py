"""What machine a benchmark ran on, for the line every script prints."""

from __future__ import annotations

import os
import platform


def cpu_name() -> str:
    """The processor's model name (Linux), else what the platform module knows."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def describe() -> str:
    """``"machine: AMD EPYC, 2 cores"``."""
    return f"machine: {cpu_name()}, {os.cpu_count()} cores"
