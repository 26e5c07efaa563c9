"""Comparing what an API answered, for tests that expect the same answers twice."""

from typing import Any


def differences(got: Any, wanted: Any, path: str = "") -> list[str]:
    """Where two answers differ, leaf by leaf."""
    if isinstance(got, dict) and isinstance(wanted, dict):
        return [
            d for key in sorted({*got, *wanted}) for d in differences(got.get(key), wanted.get(key), f"{path}.{key}")
        ]
    if isinstance(got, list) and isinstance(wanted, list) and len(got) == len(wanted):
        return [d for n, (g, w) in enumerate(zip(got, wanted, strict=True)) for d in differences(g, w, f"{path}[{n}]")]
    return [] if got == wanted else [f"{path}: {got!r} != {wanted!r}"]
