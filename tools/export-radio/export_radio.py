#!/usr/bin/env python3
"""Export a RADIO checkpoint to a RadioLabel model bundle (ONNX + manifest.json).

Needs PyTorch, the RADIO code (torch.hub NVlabs/RADIO or a local checkout), onnx and onnxruntime; the
SigLIP2 text path also needs transformers. See README.md. Nothing here is shipped with the app: the
RADIO code is under a non-commercial source licence, so it only runs on the user's machine, offline.

Outputs of the encoder graph (input `pixel_values`, float32 NCHW RGB in [0, 1], normalised in the graph):
  summary       [1, n*C]     backbone summary tokens (all teachers, concatenated)
  features      [1, N, C]    backbone patch tokens (prefix tokens removed), NLC
  text_dense    [1, N, T]    language adaptor head_mlp applied to every patch token
  text_summary  [1, T]       language adaptor summary (its head_mlp on its own summary token) - zero-shot tags
  sam_features  [1, N*u², S] SAM adaptor feat_mlp output (optional, --sam-adaptor)

The bundle is written into a hidden staging folder beside --out and moved into place only after every
parity check passed, so a failed or interrupted export leaves nothing half-written.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import string
import sys
import tempfile
from typing import Dict, List, Optional, Sequence, Tuple

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import onnx_export as ox  # noqa: E402
import parity as px  # noqa: E402
import radiolabel_bundle as rb  # noqa: E402

# RADIO's zero-shot default is OpenAI's ImageNet template set; these few cover most of its benefit and keep
# label embedding fast in the app (each template is one text-tower row per label).
DEFAULT_TEMPLATES = [
    "a photo of a {}.",
    "a photo of the {}.",
    "a good photo of a {}.",
    "a close-up photo of a {}.",
    "a photo of a small {}.",
    "a photo of a large {}.",
    "itap of a {}.",
    "a bad photo of a {}.",
]
# Prompts for the text-tower and tokenizer parity: plain words, multi-word labels, punctuation and
# underscores (both canonicalised away), capitals, digits, and a long one that hits max_length.
PARITY_PROMPTS = [
    "cat",
    "a photo of a Dog.",
    "traffic_light",
    "coffee cup, half full!",
    "COVID-19 test kit",
    "an extremely long description of a scene " * 6,
]
LICENSES = {
    "c-radio": "NVIDIA Open Model License (commercial use allowed; read its attribution terms)",
    "radio": "NVIDIA Source Code License - non-commercial (research/evaluation only)",
    "e-radio": "NVIDIA Source Code License - non-commercial (research/evaluation only)",
}
DEFAULT_MAX_RESOLUTION = 2048  # every RADIO entry in radio/common.py but radio_v2.5-g (1792) and v1 (1050)


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", default="c-radio_v3-b", help="torch.hub RADIO version, e.g. c-radio_v4-so400m, c-radio_v3-b")
    p.add_argument("--repo", default="NVlabs/RADIO", help="torch.hub repo, or a local checkout path with --local")
    p.add_argument("--local", action="store_true", help="--repo is a local checkout (torch.hub source='local')")
    p.add_argument("--checkpoint", default=None, help="local checkpoint path (passed to hubconf as checkpoint_path)")
    p.add_argument("--resolution", type=int, nargs="+", default=[512], help="H W, or one value for a square input (multiple of the patch size)")
    p.add_argument("--parity-resolution", type=int, nargs="+", default=[768], help="second resolution of the parity check")
    p.add_argument("--dynamic", action="store_true", help="export dynamic H/W (branch-free position embedding; parity at square and non-square sizes)")
    p.add_argument("--max-resolution", type=int, default=None, help="longest side the app may feed a --dynamic graph (default: the model's, else its CPE grid)")
    p.add_argument("--lang-adaptor", default="siglip2-g", help="language adaptor name (C-RADIOv3/v4: siglip2-g; v2.5: siglip or clip)")
    p.add_argument("--sam-adaptor", default=None, help="SAM adaptor name to export sam_features (e.g. sam)")
    p.add_argument("--no-text", action="store_true", help="skip the text tower")
    p.add_argument("--dtype", choices=["fp32", "fp16"], default="fp32")
    p.add_argument("--exporter", choices=list(ox.EXPORTERS), default="auto", help="auto: dynamo on torch >= 2.5, TorchScript before")
    p.add_argument("--max-text-length", type=int, default=64)
    p.add_argument("--out", required=True, help="output bundle folder (created; must not exist unless --force)")
    p.add_argument("--force", action="store_true", help="replace an existing --out folder once the new bundle passed")
    p.add_argument("--id", default=None, help="bundle id (default derived from version and resolution)")
    p.add_argument("--name", default=None)
    p.add_argument("--min-cosine", type=float, default=0.999)
    p.add_argument("--min-cosine-fp16", type=float, default=0.995, help="parity bar for the fp16-converted files")
    p.add_argument("--device", default="cpu")
    return p.parse_args(argv)


def square(res: Sequence[int]) -> Tuple[int, int]:
    if len(res) == 1:
        return res[0], res[0]
    if len(res) == 2:
        return res[0], res[1]
    raise SystemExit("--resolution takes one value (square) or two (H W)")


def non_square_sizes(hw: Tuple[int, int], step: int) -> List[Tuple[int, int]]:
    """A 2:3 landscape and portrait size around `hw` (multiples of `step`): a dynamic graph must run both."""
    short = min(hw)
    long_side = max(step, int(round(short * 1.5 / step)) * step)
    if long_side == short:
        long_side += step
    return [(short, long_side), (long_side, short)]


def license_for(version: str) -> str:
    if version.startswith("c-radio"):
        return LICENSES["c-radio"]
    if version.startswith("e-radio"):
        return LICENSES["e-radio"]
    return LICENSES["radio"]


def canonicalize(text: str) -> str:
    """The app's canonicalisation (manifest text.canonicalize, all on): underscores to spaces, ASCII
    punctuation removed, lower case, runs of whitespace collapsed."""
    text = text.replace("_", " ").translate(str.maketrans("", "", string.punctuation)).lower()
    return " ".join(text.split())


# --------------------------------------------------------------------------------------------- model
def prepare_for_export(model):
    """float32 + eval, including the dtype RADIO's conditioners keep as a plain attribute.

    hubconf casts the model to the checkpoint's `args.dtype` and sets `input_conditioner.dtype` (and the
    feature normalisers take a dtype too); `.float()` converts parameters and buffers but not that
    attribute, so a bf16/fp16 checkpoint's conditioner goes on casting its output to bf16 and the first
    float32 layer fails. Every module attribute named `dtype` that holds a torch dtype becomes float32.
    """
    import torch

    model = model.float().eval()
    for module in model.modules():
        if isinstance(getattr(module, "dtype", None), torch.dtype) and "dtype" in vars(module):
            module.dtype = torch.float32
    return model


def load_radio(args: argparse.Namespace):
    import torch

    adaptors = [a for a in [None if args.no_text else args.lang_adaptor, args.sam_adaptor] if a]
    kwargs = dict(version=args.version, progress=True, skip_validation=True)
    if adaptors:
        kwargs["adaptor_names"] = adaptors
    if args.checkpoint:
        kwargs["version"] = args.checkpoint
    if args.local:
        model = torch.hub.load(args.repo, "radio_model", source="local", **kwargs)
    else:
        model = torch.hub.load(args.repo, "radio_model", **kwargs)
    model = prepare_for_export(model).to(args.device)
    # Keep the InputConditioner inside the graph: the app feeds [0, 1] RGB. A model whose conditioner was
    # made external would silently expect normalised input, so refuse it.
    if type(getattr(model, "input_conditioner", None)).__name__ == "Identity":
        raise SystemExit("the model's input conditioner is external (Identity); load a fresh model instead")
    return model


def max_resolution_of(model, override: Optional[int] = None) -> int:
    """The longest side for a dynamic graph. hubconf leaves `max_resolution` None for a checkpoint file
    (its RadioResource has no catalogue entry), so fall back to the CPE grid the weights were trained for."""
    if override:
        return int(override)
    value = getattr(model, "max_resolution", None)
    if value:
        return int(value)
    for module in model.modules():
        dims = getattr(module, "max_input_dims", None)
        if dims:
            return int(max(dims))
    return DEFAULT_MAX_RESOLUTION


def make_encoder_wrapper(model, lang: Optional[str], sam: Optional[str]):
    import torch

    class EncoderWrapper(torch.nn.Module):
        """Plain tensors instead of RadioOutput/dict (ONNX export cannot trace the wrapper objects)."""

        def __init__(self):
            super().__init__()
            self.radio = model

        def forward(self, pixel_values):
            out = self.radio(pixel_values)
            backbone = out["backbone"] if isinstance(out, dict) else out
            results = [backbone.summary, backbone.features]
            if lang:
                head = self.radio.adaptors[lang].head_mlp
                results.append(head(backbone.features))  # dense text alignment: summary head on every patch
                results.append(out[lang].summary)
            if sam:
                results.append(out[sam].features)
            return tuple(r.float() for r in results)

    names = ["summary", "features"] + (["text_dense", "text_summary"] if lang else []) + (["sam_features"] if sam else [])
    return EncoderWrapper().eval(), names


def encoder_dynamic_axes(names: Sequence[str]) -> Dict[str, Dict[int, str]]:
    dyn: Dict[str, Dict[int, str]] = {"pixel_values": {2: "height", 3: "width"}}
    for n in names:
        if n not in ("summary", "text_summary"):
            dyn[n] = {1: "patches"}
    return dyn


# ---------------------------------------------------------------------------------------------- text
class TextExport:
    def __init__(self, wrapper, encode_text, tokenizer, proc_tokenizer, uses_mask: bool, dim: int, pad_id: int):
        self.wrapper = wrapper
        self.encode_text = encode_text
        self.tokenizer = tokenizer
        self.proc_tokenizer = proc_tokenizer
        self.uses_mask = uses_mask
        self.dim = dim
        self.pad_id = pad_id


def export_text(model, lang: str, out_dir: str, max_length: int, exporter: str) -> TextExport:
    """SigLIP2 (siglip2 adaptor: HF text_model + Gemma tokenizer)."""
    import torch

    adaptor = model.adaptors[lang]
    text_model = getattr(adaptor, "text_model", None)
    if text_model is None:
        raise SystemExit(
            f"adaptor {lang!r} has no HF text_model (open_clip adaptors keep their tower in adaptor.model); "
            "this exporter supports the siglip2 adaptors. Use --no-text or a siglip2-g checkpoint."
        )
    proc_tokenizer = adaptor.tokenizer._proc.tokenizer  # SigLIP2WrappedTokenizer → AutoProcessor → fast tokenizer
    sample = adaptor.tokenizer(["a photo of a cat"])
    uses_mask = "attention_mask" in sample

    class TextWrapper(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.text_model = text_model

        def forward(self, input_ids, attention_mask=None):
            kwargs = {"input_ids": input_ids}
            if attention_mask is not None:
                kwargs["attention_mask"] = attention_mask
            return self.text_model(**kwargs, return_dict=True).pooler_output.float()

    wrapper = TextWrapper().eval().float()
    ids = sample["input_ids"][:, :max_length]
    example = (ids, sample["attention_mask"][:, :max_length]) if uses_mask else (ids,)
    input_names = ["input_ids", "attention_mask"] if uses_mask else ["input_ids"]
    path = os.path.join(out_dir, "text.onnx")
    ox.export_onnx(wrapper, example, path, input_names, ["text_embeds"], {n: {0: "batch"} for n in input_names + ["text_embeds"]}, exporter=exporter)
    # tokenizer.json (HF tokenizers format) is what @huggingface/tokenizers loads in the app.
    with tempfile.TemporaryDirectory() as tmp:
        proc_tokenizer.save_pretrained(tmp)
        for name in ("tokenizer.json", "tokenizer_config.json"):
            if os.path.exists(os.path.join(tmp, name)):
                shutil.copy(os.path.join(tmp, name), os.path.join(out_dir, name))
                ox.make_bundle_file_readable(os.path.join(out_dir, name))
    with torch.no_grad():
        dim = int(wrapper(*example).shape[-1])
    pad_id = proc_tokenizer.pad_token_id if proc_tokenizer.pad_token_id is not None else 0
    return TextExport(wrapper, adaptor.encode_text, adaptor.tokenizer, proc_tokenizer, uses_mask, dim, int(pad_id))


def bundle_token_ids(tokenizer_json: str, max_length: int, pad_id: int, padding_side: str = "right"):
    """Ids the bundle's tokenizer.json gives for canonicalised prompts, padded like the manifest says."""
    import numpy as np
    from tokenizers import Tokenizer  # type: ignore[import-not-found]  # comes with transformers

    tok = Tokenizer.from_file(tokenizer_json)
    tok.no_padding()
    tok.no_truncation()

    def ids(prompts: Sequence[str]):
        rows = []
        for p in prompts:
            row = tok.encode(canonicalize(p)).ids[:max_length]
            pad = [pad_id] * (max_length - len(row))
            rows.append(pad + row if padding_side == "left" else row + pad)
        return np.asarray(rows, dtype=np.int64)

    return ids


def check_text(t: TextExport, onnx_path: str, tokenizer_json: str, max_length: int, min_cosine: float, runner, label: str):
    """Tokenizer ids vs the processor's, then the ONNX tower vs the adaptor's own encode_text at batch > 1."""
    import numpy as np

    batch = t.tokenizer(PARITY_PROMPTS)
    feeds = {"input_ids": batch["input_ids"][:, :max_length].numpy().astype(np.int64)}
    if t.uses_mask:
        feeds["attention_mask"] = batch["attention_mask"][:, :max_length].numpy().astype(np.int64)
    side = getattr(t.proc_tokenizer, "padding_side", "right")
    n = px.token_parity(PARITY_PROMPTS, lambda _: feeds["input_ids"], bundle_token_ids(tokenizer_json, max_length, t.pad_id, side))
    scores = px.text_parity(t.encode_text, onnx_path, feeds, "text_embeds", min_cosine, runner, label=label)
    return {"token_ids_equal": n, **scores}


# --------------------------------------------------------------------------------------------- main
def staging_dir_for(out: str, force: bool) -> str:
    out = os.path.abspath(out)
    if os.path.exists(out) and (not os.path.isdir(out) or os.listdir(out)) and not force:
        raise SystemExit(f"{out} exists and is not empty; choose another --out or pass --force to replace it")
    parent = os.path.dirname(out)
    os.makedirs(parent, exist_ok=True)
    return tempfile.mkdtemp(prefix=f".{os.path.basename(out)}.partial-", dir=parent)


def publish(staging: str, out: str) -> None:
    out = os.path.abspath(out)
    if os.path.exists(out):
        shutil.rmtree(out) if os.path.isdir(out) else os.remove(out)
    os.chmod(staging, 0o755)  # mkdtemp makes it 0700
    os.replace(staging, out)


def run_export(args: argparse.Namespace, staging: str, runner) -> Dict[str, object]:
    """Everything that writes files, into `staging`; returns the manifest."""
    import torch

    exporter = ox.choose_exporter(args.exporter, torch.__version__)
    hw = square(args.resolution)
    hw2 = square(args.parity_resolution)
    model = load_radio(args)
    step = int(getattr(model, "min_resolution_step", None) or getattr(model, "patch_size", None) or 16)
    patch = int(getattr(model, "patch_size", None) or 16)
    for r in (hw, hw2):
        if r[0] % step or r[1] % step:
            raise SystemExit(f"resolution {r[0]}x{r[1]} is not a multiple of the model's step {step}")
    lang = None if args.no_text else args.lang_adaptor
    if args.dynamic:
        from pos_embed import install_branch_free_pos_embed

        try:
            install_branch_free_pos_embed(model)
        except ValueError as e:
            raise SystemExit(f"--dynamic: {e}")
    wrapper, names = make_encoder_wrapper(model, lang, args.sam_adaptor)

    enc_path = os.path.join(staging, "encoder.onnx")
    dyn = encoder_dynamic_axes(names) if args.dynamic else None
    opset = ox.opset_for(exporter)
    print(f"exporting encoder at {hw[0]}x{hw[1]} ({'dynamic' if args.dynamic else 'fixed'} shape, {exporter} exporter, opset {opset})…", file=sys.stderr)
    ox.export_onnx(wrapper, (torch.rand(1, 3, *hw, device=args.device),), enc_path, ["pixel_values"], names, dyn, exporter=exporter)

    # Parity at two resolutions (and, for a dynamic graph, at a landscape and a portrait size). A
    # fixed-shape export is re-exported at the second resolution into a temporary file, which proves the
    # export path (CPE resize, prefix-token slicing) there too.
    enc_parity = lambda path, sizes, bar, label: px.encoder_parity(wrapper, names, path, sizes, bar, runner, label=label, device=args.device)  # noqa: E731
    if args.dynamic:
        sizes = [hw, hw2] + non_square_sizes(hw, step)
        report = {"encoder": enc_parity(enc_path, sizes, args.min_cosine, "encoder")}
    else:
        sizes = [hw]
        report = {"encoder": enc_parity(enc_path, sizes, args.min_cosine, "encoder")}
        with tempfile.TemporaryDirectory() as tmp:
            p2 = os.path.join(tmp, "encoder.onnx")
            ox.export_onnx(wrapper, (torch.rand(1, 3, *hw2, device=args.device),), p2, ["pixel_values"], names, exporter=exporter)
            report["encoder"].update(enc_parity(p2, [hw2], args.min_cosine, "encoder"))
    if args.dtype == "fp16":
        ox.to_fp16(enc_path)
        report["encoder_fp16"] = enc_parity(enc_path, sizes, args.min_cosine_fp16, "encoder fp16")

    text = None
    if lang:
        print("exporting text tower…", file=sys.stderr)
        t = export_text(model, lang, staging, args.max_text_length, exporter)
        text_path = os.path.join(staging, "text.onnx")
        tok_path = os.path.join(staging, "tokenizer.json")
        report["text"] = check_text(t, text_path, tok_path, args.max_text_length, args.min_cosine, runner, "text")
        if args.dtype == "fp16":
            ox.to_fp16(text_path)
            report["text_fp16"] = check_text(t, text_path, tok_path, args.max_text_length, args.min_cosine_fp16, runner, "text fp16")
        text = rb.text_section(
            staging,
            file="text.onnx",
            tokenizer="tokenizer.json",
            input_ids="input_ids",
            attention_mask="attention_mask" if t.uses_mask else None,
            output="text_embeds",
            max_length=args.max_text_length,
            padding="max_length",
            pad_token_id=t.pad_id,
            dim=t.dim,
            templates=DEFAULT_TEMPLATES,
        )
    print(json.dumps({"parity": report}, indent=2), file=sys.stderr)

    outputs: Dict[str, Dict[str, str]] = {"summary": {"name": "summary"}, "features": {"name": "features", "layout": "NLC"}}
    if lang:
        outputs["text_dense"] = {"name": "text_dense", "layout": "NLC"}
        outputs["text_summary"] = {"name": "text_summary"}
    if args.sam_adaptor:
        outputs["sam_features"] = {"name": "sam_features", "layout": "NLC"}
    if args.dynamic:
        resolution = {"kind": "short_side", "short_side": min(hw), "step": step, "max": max_resolution_of(model, args.max_resolution)}
    else:
        resolution = {"kind": "fixed", "width": hw[1], "height": hw[0]}
    encoder = rb.encoder_section(staging, file="encoder.onnx", input_name="pixel_values", patch_size=patch, resolution=resolution, outputs=outputs)
    model_id = args.id or f"{args.version.replace('_', '-').lower()}-{hw[0]}{'-fp16' if args.dtype == 'fp16' else ''}"
    checked = ", ".join(sorted({s for part in report.values() for s in part if "x" in s}))
    return rb.build_manifest(
        model_id=model_id,
        name=args.name or f"{args.version} {hw[0]}x{hw[1]} ({args.dtype})",
        license=license_for(args.version),
        source_url=f"torch.hub {args.repo} version={args.version}",
        description=(
            f"Exported by tools/export-radio ({exporter} exporter, opset {opset}); parity with PyTorch checked on the written "
            f"{args.dtype} files at {checked}"
            + (f" (cosine ≥ {args.min_cosine_fp16} fp16, ≥ {args.min_cosine} fp32)" if args.dtype == "fp16" else f" (cosine ≥ {args.min_cosine})")
            + (", text tower at batch > 1 and tokenizer ids" if lang else "")
            + "."
        ),
        encoder=encoder,
        text=text,
    )


def main(argv: Optional[Sequence[str]] = None, runner=None) -> int:
    args = parse_args(argv)
    # Everything that can be refused cheaply is refused before the model loads or a folder is made.
    if args.dtype == "fp16":
        ox.fp16_converter()
    square(args.resolution)
    square(args.parity_resolution)
    runner = runner or px.default_runner()
    staging = staging_dir_for(args.out, args.force)
    try:
        manifest = run_export(args, staging, runner)
        rb.write_manifest(staging, manifest)
        ox.make_bundle_file_readable(os.path.join(staging, "manifest.json"))
        publish(staging, args.out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    print(os.path.join(os.path.abspath(args.out), "manifest.json"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
