"""Writing ONNX files for a bundle: which torch exporter, external data, fp16, file modes.

torch >= 2.5 has the torch.export-based ("dynamo") exporter and torch 2.9 made it the default; older
torch (Debian's 1.13, where the tests run) only has the TorchScript tracer. `choose_exporter` picks the
dynamo one where it exists; `--exporter torchscript` forces the tracer on any torch.
"""

from __future__ import annotations

import os
import sys
import tempfile
from typing import Dict, List, Optional, Sequence, Tuple

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import radiolabel_bundle as rb  # noqa: E402

OPSET_TORCHSCRIPT = 17
# The dynamo exporter emits opset 18 at least (its own minimum in torch 2.6+).
OPSET_DYNAMO = 18
PROTOBUF_LIMIT_BYTES = 2 * 1024**3 - 1
# Bundle files are read by whoever installs or serves them (a shared models folder, a file server):
# some writers (tempfile-based ones) leave external data at 0600, so every written file is set to this.
BUNDLE_FILE_MODE = 0o644
EXPORTERS = ("auto", "torchscript", "dynamo")


def torch_version_tuple(version: str) -> Tuple[int, int]:
    parts = version.split("+")[0].split(".")
    try:
        return int(parts[0]), int("".join(ch for ch in parts[1] if ch.isdigit()) or 0)
    except (IndexError, ValueError):
        return 0, 0


def choose_exporter(requested: str, torch_version: str) -> str:
    """`auto`: dynamo on torch >= 2.5 (the exporter recent torch uses), TorchScript before that."""
    if requested not in EXPORTERS:
        raise SystemExit(f"--exporter must be one of {', '.join(EXPORTERS)}, got {requested!r}")
    has_dynamo = torch_version_tuple(torch_version) >= (2, 5)
    if requested == "dynamo" and not has_dynamo:
        raise SystemExit(f"--exporter dynamo needs torch >= 2.5 (this is torch {torch_version}); use --exporter torchscript")
    if requested == "auto":
        return "dynamo" if has_dynamo else "torchscript"
    return requested


def opset_for(exporter: str) -> int:
    return OPSET_DYNAMO if exporter == "dynamo" else OPSET_TORCHSCRIPT


def make_bundle_file_readable(path: str) -> None:
    os.chmod(path, BUNDLE_FILE_MODE)


def save_model(model, path: str, *, force_external: bool = False) -> List[str]:
    """Saves an onnx ModelProto at `path`; over 2 GB (or when asked) the tensors go to one `<file>.data`.

    Removes stale external data from an earlier run first. Returns the files written (for the caller's
    cleanup), each set to BUNDLE_FILE_MODE.
    """
    import onnx

    folder = os.path.dirname(path) or "."
    for leftover in rb.external_data_files(folder, os.path.basename(path)):
        os.remove(os.path.join(folder, leftover))
    external = force_external or model.ByteSize() > PROTOBUF_LIMIT_BYTES
    if external:
        onnx.save_model(
            model,
            path,
            save_as_external_data=True,
            all_tensors_to_one_file=True,
            location=os.path.basename(path) + ".data",
            size_threshold=1024,
        )
    else:
        onnx.save_model(model, path)
    written = [path] + [os.path.join(folder, f) for f in rb.external_data_files(folder, os.path.basename(path))]
    for f in written:
        make_bundle_file_readable(f)
    return written


def _dynamo_shapes(example: Tuple, input_names: Sequence[str], dynamic_axes: Optional[Dict]):
    """dynamic_axes ({input: {axis: name}}) as torch.export dynamic_shapes (Dim.AUTO lets it infer ranges)."""
    if not dynamic_axes:
        return None
    from torch.export import Dim

    auto = getattr(Dim, "AUTO", None)
    shapes = []
    for i, name in enumerate(input_names[: len(example)]):
        axes = dynamic_axes.get(name, {})
        shapes.append({axis: (auto if auto is not None else Dim(f"{label}_{i}")) for axis, label in axes.items()} or None)
    return tuple(shapes)


def export_onnx(
    module,
    example: Tuple,
    path: str,
    input_names: List[str],
    output_names: List[str],
    dynamic_axes: Optional[Dict] = None,
    *,
    exporter: str = "torchscript",
    force_external: bool = False,
) -> List[str]:
    """Exports `module` to `path` with the chosen exporter; returns the files written (see save_model)."""
    import onnx
    import torch

    with tempfile.TemporaryDirectory() as tmp:
        raw = os.path.join(tmp, "model.onnx")
        with torch.no_grad():
            if exporter == "dynamo":
                program = torch.onnx.export(
                    module,
                    example,
                    dynamo=True,
                    input_names=input_names,
                    output_names=output_names,
                    opset_version=OPSET_DYNAMO,
                    dynamic_shapes=_dynamo_shapes(example, input_names, dynamic_axes),
                )
                program.save(raw, external_data=True)
            else:
                torch.onnx.export(
                    module,
                    example,
                    raw,
                    input_names=input_names,
                    output_names=output_names,
                    opset_version=OPSET_TORCHSCRIPT,
                    do_constant_folding=True,
                    dynamic_axes=dynamic_axes,
                )
        model = onnx.load(raw, load_external_data=True)
        return save_model(model, path, force_external=force_external)


# ------------------------------------------------------------------------------------------------ fp16
class Fp16Unavailable(SystemExit):
    pass


def fp16_converter():
    """onnxconverter-common's float16 module, or a SystemExit naming the package. Call it before any work."""
    try:
        from onnxconverter_common import float16  # type: ignore[import-not-found]
    except ImportError as e:
        raise Fp16Unavailable(f"--dtype fp16 needs onnxconverter-common: pip install onnxconverter-common ({e})") from e
    return float16


def to_fp16(path: str, float16=None) -> List[str]:
    """Converts weights and compute to fp16 in place, keeping float32 inputs/outputs (the app feeds float32)."""
    import onnx

    float16 = float16 or fp16_converter()
    model = onnx.load(path, load_external_data=True)
    half = float16.convert_float_to_float16(model, keep_io_types=True)
    return save_model(half, path)
