"""A branch-free CPE position embedding, so that one ONNX graph runs every input shape.

RADIO's patch generator (CPE mode, eval) resizes its square position-embedding grid bilinearly
(align_corners=False) to (max(h, w), max(h, w)) patches and keeps the top-left h x w window. It computes
the larger side and the crop with Python `max` and `if`s; the TorchScript tracer records whichever
branch the example input took, so a graph traced at a square size fails on a 512x768 photo in
onnxruntime ("broadcast 1536 by 2304"). The same arithmetic written as tensor ops has no branch:
interpolate to (m, m) with m = max(h, w) computed in the graph, then slice [:h, :w]. At the grid's own
size the resize is an identity (source index = destination index), so RADIO's early return for that
case needs no branch either.

Works in eager mode (plain ints), under the TorchScript tracer (sizes are 0-d tensors there) and under
torch.export / the dynamo ONNX exporter (sizes are SymInts; `torch.sym_max` keeps them symbolic).
"""

from __future__ import annotations

from types import MethodType
from typing import Any, List

import torch
import torch.nn.functional as F


def larger_side(rows: Any, cols: Any) -> Any:
    """max(rows, cols) without a Python comparison (which would freeze into a traced graph)."""
    if isinstance(rows, torch.Tensor) or isinstance(cols, torch.Tensor):
        return torch.maximum(torch.as_tensor(rows), torch.as_tensor(cols))
    sym_max = getattr(torch, "sym_max", None)  # torch >= 2.0: SymInt-aware, plain max for ints
    return sym_max(rows, cols) if sym_max is not None else max(rows, cols)


def interpolate_then_crop(grid: torch.Tensor, rows: Any, cols: Any) -> torch.Tensor:
    """grid [1, C, S, S] -> [1, C, rows, cols]: bilinear (half-pixel) resize to the larger side, top-left crop."""
    side = larger_side(rows, cols)
    resized = F.interpolate(grid.float(), size=(side, side), mode="bilinear", align_corners=False).to(grid.dtype)
    return resized[:, :, :rows, :cols]


def _branch_free_pos_embeddings(self, batch_size: int, input_dims, flatten: bool = True) -> torch.Tensor:
    """Drop-in for the patch generator's `_get_pos_embeddings` in CPE eval mode (batch_size unused there)."""
    if self.training:
        raise RuntimeError("the branch-free position embedding is for inference; call .eval() first")
    rows, cols = input_dims
    grid = self.pos_embed.reshape(1, self.num_rows, self.num_cols, -1).permute(0, 3, 1, 2)
    pos = interpolate_then_crop(grid, rows, cols)
    if flatten:
        pos = pos.flatten(2).permute(0, 2, 1)
    return pos


def is_cpe_patch_generator(module: torch.nn.Module) -> bool:
    """RADIO's ViTPatchGenerator, recognised by its interface rather than by importing RADIO's code."""
    return all(hasattr(module, a) for a in ("_get_pos_embeddings", "pos_embed", "num_rows", "num_cols", "cpe_mode"))


def install_branch_free_pos_embed(model: torch.nn.Module) -> List[str]:
    """Replaces `_get_pos_embeddings` on every CPE patch generator in `model`; returns their module paths.

    Raises ValueError when the model has a patch generator without CPE (its embedding is cropped, not
    resized, so a dynamic-shape export would need other arithmetic) or none at all.
    """
    patched = []
    for name, module in model.named_modules():
        if not is_cpe_patch_generator(module):
            continue
        if not module.cpe_mode:
            raise ValueError(f"{name or 'model'}: position embedding is not in CPE mode; export a fixed shape instead of --dynamic")
        if module.pos_embed is None:
            continue
        module._get_pos_embeddings = MethodType(_branch_free_pos_embeddings, module)
        patched.append(name or "model")
    if not patched:
        raise ValueError("no CPE patch generator found: this model's position embedding cannot be made shape-independent")
    return patched
