"""Small torch modules with the interfaces the exporter relies on, for tests without NVIDIA's RADIO code.

Written for these tests from the behaviour described in specs/radio.md §6 and §11 (nothing copied):
- ToyPatchGenerator: a CPE patch generator whose eval-time position embedding resizes its square grid to
  the larger input side and crops with Python branches - the pattern that a traced graph freezes.
- ToyConditioner: an input conditioner that casts its output to a `dtype` attribute.
- ToyRadio: conditioner -> patch generator -> a block -> RadioOutput-like (summary, features), with the
  attributes the exporter reads (patch_size, min_resolution_step, max_resolution, input_conditioner).
- ToyTextTower / FrozenBatchTextTower: `encode_text({"input_ids", "attention_mask"})` like the SigLIP2
  adaptor; the second one pools with a Python loop over rows, which a trace at batch 1 freezes.
"""

from __future__ import annotations

from collections import namedtuple

import torch
import torch.nn.functional as F
from torch import nn

Output = namedtuple("Output", ["summary", "features"])


class ToyPatchGenerator(nn.Module):
    def __init__(self, patch_size: int = 4, embed_dim: int = 8, grid: int = 6, cpe_mode: bool = True):
        super().__init__()
        self.patch_size = patch_size
        self.num_rows = self.num_cols = grid
        self.max_input_dims = (grid * patch_size, grid * patch_size)
        self.cpe_mode = cpe_mode
        self.embedder = nn.Linear(3 * patch_size * patch_size, embed_dim)
        self.pos_embed = nn.Parameter(torch.randn(1, grid * grid, embed_dim))

    def _get_pos_embeddings(self, batch_size, input_dims, flatten=True):
        if (self.num_rows, self.num_cols) == tuple(input_dims):
            return self.pos_embed
        grid = self.pos_embed.reshape(1, self.num_rows, self.num_cols, -1).permute(0, 3, 1, 2)
        side = max(input_dims)  # a Python max: frozen by a trace
        grid = F.interpolate(grid, size=(side, side), mode="bilinear", align_corners=False)
        if input_dims[0] < grid.shape[-2]:
            grid = grid[..., : input_dims[0], :]
        if input_dims[1] < grid.shape[-1]:
            grid = grid[..., :, : input_dims[1]]
        return grid.flatten(2).permute(0, 2, 1) if flatten else grid

    def forward(self, x):
        p = self.patch_size
        b, c, h, w = x.shape
        patches = x.reshape(b, c, h // p, p, w // p, p).permute(0, 2, 4, 1, 3, 5).reshape(b, (h // p) * (w // p), c * p * p)
        return self.embedder(patches) + self._get_pos_embeddings(b, (h // p, w // p))


class ToyConditioner(nn.Module):
    def __init__(self, dtype=None):
        super().__init__()
        self.dtype = dtype
        self.register_buffer("norm_mean", torch.tensor([0.48, 0.46, 0.41]).view(-1, 1, 1))
        self.register_buffer("norm_std", torch.tensor([0.27, 0.26, 0.28]).view(-1, 1, 1))

    def forward(self, x):
        y = (x - self.norm_mean) / self.norm_std
        return y.to(self.dtype) if self.dtype is not None else y


class ToyRadio(nn.Module):
    def __init__(self, dtype=torch.float32, max_resolution=None, seed: int = 0):
        super().__init__()
        torch.manual_seed(seed)
        self.input_conditioner = ToyConditioner(dtype)
        self.patch_generator = ToyPatchGenerator()
        self.block = nn.Sequential(nn.LayerNorm(8), nn.Linear(8, 8), nn.GELU())
        self.patch_size = 4
        self.min_resolution_step = 4
        self.max_resolution = max_resolution  # None, as hubconf leaves it for a checkpoint file
        self.to(dtype)

    def forward(self, x):
        tokens = self.block(self.patch_generator(self.input_conditioner(x)))
        return Output(tokens.mean(dim=1), tokens)


class ToyTextTower(nn.Module):
    def __init__(self, vocab: int = 50, dim: int = 6, seed: int = 0):
        super().__init__()
        torch.manual_seed(seed)
        self.embed = nn.Embedding(vocab, dim)
        self.proj = nn.Linear(dim, dim)

    def pooled(self, input_ids, attention_mask):
        mask = attention_mask.unsqueeze(-1).to(torch.float32)
        return (self.embed(input_ids) * mask).sum(1) / mask.sum(1).clamp(min=1.0)

    def forward(self, input_ids, attention_mask):
        return self.proj(self.pooled(input_ids, attention_mask))

    def encode_text(self, text):
        return self(text["input_ids"], text["attention_mask"])


class FrozenBatchTextTower(ToyTextTower):
    def pooled(self, input_ids, attention_mask):
        rows = []
        for i in range(input_ids.shape[0]):  # unrolled once when traced at batch 1
            n = int(attention_mask[i].sum())
            rows.append(self.embed(input_ids[i, :n]).mean(0))
        return torch.stack(rows)
