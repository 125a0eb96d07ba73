"""A tiny RADIO checkpoint file with seeded random weights, in the layout hubconf's `radio_model` loads.

For the test that runs the whole export against NVIDIA's real RADIO code (RADIO_CODE_DIR): the code is
imported from that checkout at run time; nothing of it is part of this repository. The checkpoint is
what hubconf reads from a `.pth.tar`: {"args": Namespace, "state_dict": {...}} with the backbone under
`base_model.`, the input conditioner's buffers, and one summary head (`_heads.<i>`) and one feature head
(`_feature_projections.<i>`) per teacher.
"""

from __future__ import annotations

import argparse
import copy
import sys
from typing import Dict, Optional

TEACHERS = [
    # a language-like teacher (generic MLP heads: stands in for siglip2 without downloading a text tower)
    {"name": "lang", "type": "generic", "use_summary": True},
    {"name": "dino_v2", "type": "generic", "use_summary": True},
    # SAM-like: no summary, spatial head with 2x upsampling (C-RADIO's sam teacher has fd_upsample_factor)
    {"name": "sam", "type": "generic", "use_summary": False, "fd_upsample_factor": 2},
]


def make_args(dtype, cpe_max_size: int = 512, embed_dim: int = 64, depth: int = 2) -> argparse.Namespace:
    import torch  # noqa: F401  (dtype objects)

    return argparse.Namespace(
        model="vit_base_patch16_224",
        model_kwargs={"embed_dim": embed_dim, "depth": depth, "num_heads": 4},
        pretrained=False,
        in_chans=None,
        input_size=None,
        num_classes=0,
        drop=0.0,
        drop_path=None,
        drop_block=None,
        gp=None,
        bn_momentum=None,
        bn_eps=None,
        torchscript=False,
        initial_checkpoint="",
        model_norm=False,
        cpe_max_size=cpe_max_size,
        cls_token_per_teacher=True,
        register_multiple=8,
        teachers=copy.deepcopy(TEACHERS),
        spectral_reparam=False,
        mlp_version="v2",
        dtype=dtype,
    )


def build_checkpoint(radio_code_dir: str, path: str, dtype, seed: int = 0, out_dims: Optional[Dict[str, int]] = None) -> None:
    import torch

    if radio_code_dir not in sys.path:
        sys.path.insert(0, radio_code_dir)
    from radio.adaptor_module_factory import create_mlp_from_config  # type: ignore[import-not-found]
    from radio.radio_model import create_model_from_args  # type: ignore[import-not-found]

    torch.manual_seed(seed)
    args = make_args(dtype)
    model = create_model_from_args(copy.deepcopy(args))
    # timm skips initialisation here (weight_init="skip"): give every tensor seeded values of a sane scale.
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("norm1.weight") or name.endswith("norm2.weight") or name.endswith("norm.weight"):
                p.fill_(1.0)
            elif p.ndim <= 1:
                p.normal_(0, 0.02)
            else:
                p.normal_(0, p.shape[-1] ** -0.5)
    embed = args.model_kwargs["embed_dim"]
    out_dims = out_dims or {"lang": 24, "dino_v2": 32, "sam": 16}
    state = {f"base_model.{k}": v.clone() for k, v in model.state_dict().items()}
    state["input_conditioner.norm_mean"] = torch.tensor([0.48145466, 0.4578275, 0.40821073]).view(-1, 1, 1)
    state["input_conditioner.norm_std"] = torch.tensor([0.26862954, 0.26130258, 0.27577711]).view(-1, 1, 1)
    for i, t in enumerate(args.teachers):
        ups = t.get("fd_upsample_factor") or 1
        head = create_mlp_from_config("v2", embed, 48, out_dims[t["name"]], 1, is_summary=True)
        feat = create_mlp_from_config("v2", embed, 48, out_dims[t["name"]] * ups * ups, 1, is_summary=False, upsample_factor=ups)
        for prefix, mlp in ((f"_heads.{i}.", head), (f"_feature_projections.{i}.", feat)):
            with torch.no_grad():
                for p in mlp.parameters():
                    p.normal_(0, p.shape[-1] ** -0.5 if p.ndim > 1 else 0.02)
            state.update({prefix + k: v.clone() for k, v in mlp.state_dict().items()})
    # Official checkpoints are stored in half precision (`_half`); store ours in the args' dtype too.
    state = {k: (v.to(dtype) if v.is_floating_point() else v) for k, v in state.items()}
    torch.save({"args": args, "state_dict": state}, path)
