"""Writing RadioLabel bundle manifests (manifest.json beside the ONNX files).

Pure Python (no torch, no onnx), so that it can be unit-tested anywhere. The schema mirrors
src-main/core/models/manifest.ts (format_version 1); the app validates every manifest with zod on load.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from typing import Any, Dict, Iterable, List, Optional, Sequence

FORMAT_VERSION = 1
EXECUTION_PROVIDERS = ("cpu", "cuda", "dml", "coreml")
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


class ManifestError(ValueError):
    """A manifest that the app would refuse; the message names the field."""


def sha256_file(path: str, chunk_bytes: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            chunk = f.read(chunk_bytes)
            if not chunk:
                break
            h.update(chunk)
    return h.hexdigest()


def _check_relative(field: str, name: str) -> None:
    parts = name.replace("\\", "/").split("/")
    if not name or name.startswith("/") or "\\" in name or ".." in parts or re.match(r"^[a-zA-Z]:", name):
        raise ManifestError(f"{field}: must be a relative path inside the bundle folder, got {name!r}")


def _hashed(bundle_dir: str, field: str, name: str) -> str:
    _check_relative(field, name)
    path = os.path.join(bundle_dir, name)
    if not os.path.isfile(path):
        raise ManifestError(f"{field}: file not found: {path}")
    return sha256_file(path)


def external_data_files(bundle_dir: str, onnx_file: str) -> List[str]:
    """Files holding an ONNX model's external tensor data: `<file>.data` plus any `<file>.data.*` shards."""
    stem = os.path.basename(onnx_file) + ".data"
    folder = os.path.dirname(onnx_file)
    names = sorted(n for n in os.listdir(os.path.join(bundle_dir, folder) or bundle_dir) if n == stem or n.startswith(stem + "."))
    return [os.path.join(folder, n).replace(os.sep, "/") if folder else n for n in names]


def _external(bundle_dir: str, field: str, onnx_file: str) -> List[Dict[str, str]]:
    return [
        {"file": name, "sha256": _hashed(bundle_dir, f"{field}.external_data", name)}
        for name in external_data_files(bundle_dir, onnx_file)
    ]


def encoder_section(
    bundle_dir: str,
    *,
    file: str,
    input_name: str,
    patch_size: int,
    resolution: Dict[str, Any],
    outputs: Dict[str, Dict[str, str]],
    normalized_in_graph: bool = True,
    mean: Optional[Sequence[float]] = None,
    std: Optional[Sequence[float]] = None,
) -> Dict[str, Any]:
    if "summary" not in outputs or "features" not in outputs:
        raise ManifestError("encoder.outputs: summary and features are required")
    kind = resolution.get("kind")
    if kind == "fixed":
        if not (resolution.get("width", 0) > 0 and resolution.get("height", 0) > 0):
            raise ManifestError("encoder.resolution: fixed needs positive width and height")
    elif kind == "short_side":
        for key in ("short_side", "step", "max"):
            if not (isinstance(resolution.get(key), int) and resolution[key] > 0):
                raise ManifestError(f"encoder.resolution.{key}: must be a positive integer")
    else:
        raise ManifestError(f"encoder.resolution.kind: must be 'fixed' or 'short_side', got {kind!r}")
    for key, spec in outputs.items():
        if key not in ("summary", "features", "text_dense", "text_summary", "sam_features"):
            raise ManifestError(f"encoder.outputs.{key}: unknown output role")
        if not spec.get("name"):
            raise ManifestError(f"encoder.outputs.{key}.name: must be a tensor name")
        if "layout" in spec and spec["layout"] not in ("NLC", "NCHW"):
            raise ManifestError(f"encoder.outputs.{key}.layout: must be NLC or NCHW")
    section: Dict[str, Any] = {
        "file": file,
        "sha256": _hashed(bundle_dir, "encoder.file", file),
        "external_data": _external(bundle_dir, "encoder", file),
        "input": {"name": input_name, "range": [0, 1], "normalized_in_graph": normalized_in_graph},
        "patch_size": patch_size,
        "resolution": resolution,
        "outputs": outputs,
    }
    if not normalized_in_graph:
        if mean is None or std is None:
            raise ManifestError("encoder.input: mean and std are required when normalisation is not in the graph")
        section["input"]["mean"] = list(mean)
        section["input"]["std"] = list(std)
    return section


def text_section(
    bundle_dir: str,
    *,
    file: str,
    tokenizer: str,
    input_ids: str,
    output: str,
    max_length: int,
    dim: int,
    templates: Sequence[str],
    attention_mask: Optional[str] = None,
    padding: str = "max_length",
    pad_token_id: int = 0,
) -> Dict[str, Any]:
    if padding not in ("max_length", "longest"):
        raise ManifestError("text.padding: must be max_length or longest")
    if not templates:
        raise ManifestError("text.templates: give at least one template")
    for i, t in enumerate(templates):
        if "{}" not in t:
            raise ManifestError(f'text.templates.{i}: each template must contain "{{}}"')
    section: Dict[str, Any] = {
        "file": file,
        "sha256": _hashed(bundle_dir, "text.file", file),
        "external_data": _external(bundle_dir, "text", file),
        "tokenizer": tokenizer,
        "tokenizer_sha256": _hashed(bundle_dir, "text.tokenizer", tokenizer),
        "input_ids": input_ids,
        "output": output,
        "max_length": max_length,
        "padding": padding,
        "pad_token_id": pad_token_id,
        "canonicalize": {"lowercase": True, "strip_punctuation": True, "underscore_to_space": True},
        "templates": list(templates),
        "dim": dim,
        "unknown_tokens": "allow",
    }
    if attention_mask:
        section["attention_mask"] = attention_mask
    return section


def build_manifest(
    *,
    model_id: str,
    name: str,
    license: str,
    source_url: str,
    encoder: Dict[str, Any],
    text: Optional[Dict[str, Any]] = None,
    mask_decoder: Optional[Dict[str, Any]] = None,
    description: str = "",
    execution_providers: Iterable[str] = ("cpu", "cuda", "dml", "coreml"),
) -> Dict[str, Any]:
    if not _ID_RE.match(model_id):
        raise ManifestError(f'id: lowercase letters, digits, ".", "_" or "-" (max 64), got {model_id!r}')
    providers = list(execution_providers)
    for i, p in enumerate(providers):
        if p not in EXECUTION_PROVIDERS:
            raise ManifestError(f"execution_providers.{i}: unknown execution provider {p!r}")
    manifest: Dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "id": model_id,
        "name": name,
        "license": license,
        "source_url": source_url,
        "description": description,
        "is_starter": False,
        "execution_providers": providers,
        "encoder": encoder,
    }
    if text is not None:
        manifest["text"] = text
    if mask_decoder is not None:
        manifest["mask_decoder"] = mask_decoder
    return manifest


def write_manifest(bundle_dir: str, manifest: Dict[str, Any]) -> str:
    """Writes manifest.json atomically (temp file + rename); returns its path."""
    path = os.path.join(bundle_dir, "manifest.json")
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2, ensure_ascii=False)
        f.write("\n")
    os.replace(tmp, path)
    return path
