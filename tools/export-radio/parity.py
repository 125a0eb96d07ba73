"""Parity between PyTorch and the exported ONNX files: encoder, text tower, tokenizer.

The ONNX side runs in Python's onnxruntime when it is installed, otherwise in onnxruntime-node through
`ort_run.mjs` (the runtime the app itself uses; Debian ships torch and onnx but no onnxruntime).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from typing import Callable, Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
Runner = Callable[[str, Mapping[str, np.ndarray], Sequence[str]], List[np.ndarray]]


class ParityError(SystemExit):
    """A parity check that failed; the message names the graph, the size and every output below the bar."""


# --------------------------------------------------------------------------------------------- runners
def python_ort_runner() -> Optional[Runner]:
    try:
        import onnxruntime as ort  # type: ignore[import-not-found]
    except ImportError:
        return None

    def run(model: str, feeds: Mapping[str, np.ndarray], outputs: Sequence[str]) -> List[np.ndarray]:
        sess = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
        return [np.asarray(o) for o in sess.run(list(outputs), dict(feeds))]

    return run


def node_ort_runner(node: Optional[str] = None) -> Optional[Runner]:
    """onnxruntime-node via ort_run.mjs, when `node` and the repository's node_modules are there."""
    node = node or shutil.which("node")
    if not node:
        return None
    probe = subprocess.run([node, "-e", "import('onnxruntime-node').then(() => 0)"], cwd=HERE, capture_output=True)
    if probe.returncode != 0:
        return None

    def run(model: str, feeds: Mapping[str, np.ndarray], outputs: Sequence[str]) -> List[np.ndarray]:
        with tempfile.TemporaryDirectory() as tmp:
            req = {"model": os.path.abspath(model), "outputs": list(outputs), "feeds": {}}
            for i, (name, arr) in enumerate(feeds.items()):
                dtype = "int64" if np.issubdtype(arr.dtype, np.integer) else "float32"
                file = f"in{i}.bin"
                np.ascontiguousarray(arr, dtype="<i8" if dtype == "int64" else "<f4").tofile(os.path.join(tmp, file))
                req["feeds"][name] = {"dtype": dtype, "dims": list(arr.shape), "file": file}
            with open(os.path.join(tmp, "request.json"), "w", encoding="utf-8") as f:
                json.dump(req, f)
            r = subprocess.run([node, os.path.join(HERE, "ort_run.mjs"), tmp], capture_output=True, text=True)
            if r.returncode != 0:
                raise RuntimeError(f"onnxruntime-node failed on {model}: {r.stderr.strip()[-2000:]}")
            with open(os.path.join(tmp, "response.json"), encoding="utf-8") as f:
                resp = json.load(f)
            out = []
            for name in outputs:
                o = resp["outputs"][name]
                out.append(np.fromfile(os.path.join(tmp, o["file"]), dtype="<f4").reshape(o["dims"]))
            return out

    return run


def default_runner() -> Runner:
    runner = python_ort_runner() or node_ort_runner()
    if runner is None:
        raise SystemExit("the parity check needs onnxruntime: pip install onnxruntime (or run inside the RadioLabel repository, whose onnxruntime-node it can use)")
    return runner


# ------------------------------------------------------------------------------------------- comparing
def cosine(a, b) -> float:
    a = np.asarray(a, dtype=np.float64).ravel()
    b = np.asarray(b, dtype=np.float64).ravel()
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b) + 1e-30))


def compare(label: str, names: Sequence[str], ref: Sequence[np.ndarray], got: Sequence[np.ndarray], min_cosine: float) -> Dict[str, Dict[str, float]]:
    """{name: {cosine, max_abs}}; raises ParityError on a shape mismatch or any cosine below `min_cosine`."""
    scores: Dict[str, Dict[str, float]] = {}
    for name, r, g in zip(names, ref, got):
        r = np.asarray(r)
        g = np.asarray(g)
        if r.shape != g.shape:
            raise ParityError(f"parity {label}: {name} has shape {tuple(g.shape)} in ONNX, {tuple(r.shape)} in PyTorch")
        scores[name] = {"cosine": cosine(r, g), "max_abs": float(np.max(np.abs(r.astype(np.float64) - g.astype(np.float64)))) if r.size else 0.0}
    bad = {k: round(v["cosine"], 6) for k, v in scores.items() if not v["cosine"] >= min_cosine}
    if bad:
        raise ParityError(f"parity {label} FAILED (cosine < {min_cosine}): {bad}")
    return scores


def _torch_outputs(module, *inputs) -> List[np.ndarray]:
    import torch

    with torch.no_grad():
        out = module(*inputs)
    out = out if isinstance(out, (tuple, list)) else (out,)
    return [t.detach().float().cpu().numpy() for t in out]


def encoder_parity(
    module,
    names: Sequence[str],
    onnx_path: str,
    sizes: Sequence[Tuple[int, int]],
    min_cosine: float,
    runner: Runner,
    *,
    input_name: str = "pixel_values",
    label: str = "encoder",
    device: str = "cpu",
) -> Dict[str, Dict[str, Dict[str, float]]]:
    """Random [0, 1] images of each (H, W) through PyTorch and the ONNX file; {"HxW": scores}."""
    import torch

    report = {}
    for h, w in sizes:
        gen = torch.Generator().manual_seed(h * 10007 + w)
        x = torch.rand(1, 3, h, w, generator=gen)
        ref = _torch_outputs(module, x.to(device))
        got = runner(onnx_path, {input_name: x.numpy()}, names)
        report[f"{h}x{w}"] = compare(f"{label} {h}x{w}", names, ref, got, min_cosine)
    return report


def text_parity(
    encode_text: Callable[[Dict[str, object]], object],
    onnx_path: str,
    batch: Mapping[str, np.ndarray],
    output_name: str,
    min_cosine: float,
    runner: Runner,
    *,
    label: str = "text",
) -> Dict[str, Dict[str, float]]:
    """The ONNX text tower vs the model's own `encode_text` on one batch (use more than one row: a graph
    traced at batch 1 can freeze the batch size, which only a bigger batch shows). Each row is compared
    on its own, so one wrong row cannot hide behind the others."""
    import torch

    rows = next(iter(batch.values())).shape[0]
    if rows < 2:
        raise ValueError("text parity needs a batch of at least 2 prompts")
    with torch.no_grad():
        ref = encode_text({k: torch.from_numpy(np.asarray(v)) for k, v in batch.items()})
    ref = np.asarray(ref.detach().float().cpu().numpy() if hasattr(ref, "detach") else ref)
    got = runner(onnx_path, {k: np.asarray(v, dtype=np.int64) for k, v in batch.items()}, [output_name])[0]
    scores = compare(f"{label} batch {rows}", [output_name], [ref], [got], min_cosine)
    worst = min(cosine(ref[i], got[i]) for i in range(rows))
    if not worst >= min_cosine:
        raise ParityError(f"parity {label} batch {rows} FAILED: the worst row has cosine {worst:.6f} < {min_cosine}")
    scores[output_name]["worst_row_cosine"] = worst
    return scores


def token_parity(
    prompts: Sequence[str],
    processor_ids: Callable[[Sequence[str]], np.ndarray],
    bundle_ids: Callable[[Sequence[str]], np.ndarray],
) -> int:
    """Token ids of the bundle's tokenizer.json vs the processor's, prompt by prompt; returns the count.

    Raises ParityError naming the first prompt whose ids differ (with both id lists), so a tokenizer
    saved with other settings (padding side, pad id, lower-casing) cannot pass unnoticed."""
    want = np.asarray(processor_ids(prompts))
    have = np.asarray(bundle_ids(prompts))
    if want.shape != have.shape:
        raise ParityError(f"tokenizer parity: tokenizer.json gives ids of shape {have.shape}, the processor {want.shape}")
    for i, p in enumerate(prompts):
        if not np.array_equal(want[i], have[i]):
            raise ParityError(f"tokenizer parity FAILED on {p!r}: processor {want[i].tolist()} vs tokenizer.json {have[i].tolist()}")
    return len(prompts)
