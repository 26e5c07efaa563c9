"""Where the real corpus is, for the tests that read it."""

from pathlib import Path

# ../shared/corpus beside the repository, or beside the folder of its git worktrees.
CORPUS = next(
    (
        folder / "shared" / "corpus"
        for folder in Path(__file__).resolve().parents
        if (folder / "shared" / "corpus").is_dir()
    ),
    Path(__file__).resolve().parents[2].parent / "shared" / "corpus",
)


def corpus_files() -> list[Path]:
    """Every document of the corpus (its README aside); empty when the corpus is absent."""
    if not CORPUS.is_dir():
        return []
    return sorted(path for path in CORPUS.rglob("*") if path.is_file() and path.name != "README.md")
