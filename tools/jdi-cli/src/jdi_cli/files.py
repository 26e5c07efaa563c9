"""Which files a command works on, and the source reference each is known by."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class InputFile:
    path: Path
    reference: str
    """The path relative to the directory given on the command line, or the file name."""


def expand_paths(paths: Iterable[str | Path]) -> Iterator[InputFile]:
    """Files as given, and every file under a directory in name order."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(child for child in path.rglob("*") if child.is_file()):
                yield InputFile(child, child.relative_to(path).as_posix())
        else:
            yield InputFile(path, path.name)
