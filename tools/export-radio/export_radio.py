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
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from typing import Dict, List, Optional, Sequence, Tuple

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import radiolabel_bundle as rb  # noqa: E402

OPSET = 17
PROTOBUF_LIMIT_BYTES = 2 * 1024**3 - 1
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
LICENSES = {
    "c-radio": "NVIDIA Open Model License (commercial use allowed; read its attribution terms)",
    "radio": "NVIDIA Source Code License - non-commercial (research/evaluation only)",
    "e-radio": "NVIDIA Source Code License - non-commercial (research/evaluation only)",
}


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", default="c-radio_v3-b", help="torch.hub RADIO version, e.g. c-radio_v4-so400m, c-radio_v3-b")
    p.add_argument("--repo", default="NVlabs/RADIO", help="torch.hub repo, or a local checkout path with --local")
    p.add_argument("--local", action="store_true", help="--repo is a local checkout (torch.hub source='local')")
    p.add_argument("--checkpoint", default=None, help="local checkpoint path (passed to hubconf as checkpoint_path)")
    p.add_argument("--resolution", type=int, nargs="+", default=[512], help="H W, or one value for a square input (multiple of the patch size)")
    p.add_argument("--parity-resolution", type=int, nargs="+", default=[768], help="second resolution of the parity check")
    p.add_argument("--dynamic", action="store_true", help="export dynamic H/W (untested upstream; parity decides)")
    p.add_argument("--lang-adaptor", default="siglip2-g", help="language adaptor name (C-RADIOv3/v4: siglip2-g; v2.5: siglip or clip)")
    p.add_argument("--sam-adaptor", default=None, help="SAM adaptor name to export sam_features (e.g. sam)")
    p.add_argument("--no-text", action="store_true", help="skip the text tower")
    p.add_argument("--dtype", choices=["fp32", "fp16"], default="fp32")
    p.add_argument("--max-text-length", type=int, default=64)
    p.add_argument("--out", required=True, help="output bundle folder (created)")
    p.add_argument("--id", default=None, help="bundle id (default derived from version and resolution)")
    p.add_argument("--name", default=None)
    p.add_argument("--min-cosine", type=float, default=0.999)
    p.add_argument("--device", default="cpu")
    return p.parse_args(argv)


def square(res: Sequence[int]) -> Tuple[int, int]:
    if len(res) == 1:
        return res[0], res[0]
    if len(res) == 2:
        return res[0], res[1]
    raise SystemExit("--resolution takes one value (square) or two (H W)")


def license_for(version: str) -> str:
    if version.startswith("c-radio"):
        return LICENSES["c-radio"]
    if version.startswith("e-radio"):
        return LICENSES["e-radio"]
    return LICENSES["radio"]


# --------------------------------------------------------------------------------------------- model
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
    model = model.float().eval().to(args.device)
    # Keep the InputConditioner inside the graph: the app feeds [0, 1] RGB. A model whose conditioner was
    # made external would silently expect normalised input, so refuse it.
    if type(getattr(model, "input_conditioner", None)).__name__ == "Identity":
        raise SystemExit("the model's input conditioner is external (Identity); load a fresh model instead")
    return model


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


def export_onnx(module, example: Tuple, path: str, input_names: List[str], output_names: List[str], dynamic_axes: Optional[Dict] = None) -> None:
    """TorchScript-based export at opset 17. Models over 2 GB are re-saved with one external data file."""
    import onnx
    import torch

    with tempfile.TemporaryDirectory() as tmp:
        raw = os.path.join(tmp, "model.onnx")
        with torch.no_grad():
            torch.onnx.export(
                module,
                example,
                raw,
                input_names=input_names,
                output_names=output_names,
                opset_version=OPSET,
                do_constant_folding=True,
                dynamic_axes=dynamic_axes,
            )
        m = onnx.load(raw, load_external_data=True)
        for leftover in rb.external_data_files(os.path.dirname(path), os.path.basename(path)):
            os.remove(os.path.join(os.path.dirname(path), leftover))
        if m.ByteSize() > PROTOBUF_LIMIT_BYTES or any(f != "model.onnx" for f in os.listdir(tmp)):
            onnx.save_model(
                m,
                path,
                save_as_external_data=True,
                all_tensors_to_one_file=True,
                location=os.path.basename(path) + ".data",
                size_threshold=1024,
            )
        else:
            onnx.save_model(m, path)


def to_fp16(path: str) -> None:
    try:
        import onnx
        from onnxconverter_common import float16
    except ImportError as e:  # pragma: no cover - depends on the user's environment
        raise SystemExit(f"--dtype fp16 needs onnxconverter-common: pip install onnxconverter-common ({e})")
    m = onnx.load(path, load_external_data=True)
    m16 = float16.convert_float_to_float16(m, keep_io_types=True)  # the app feeds and reads float32
    big = m16.ByteSize() > PROTOBUF_LIMIT_BYTES
    folder = os.path.dirname(path)
    for leftover in rb.external_data_files(folder, os.path.basename(path)):
        os.remove(os.path.join(folder, leftover))
    onnx.save_model(m16, path, save_as_external_data=big, all_tensors_to_one_file=True, location=os.path.basename(path) + ".data")


# ---------------------------------------------------------------------------------------------- text
def export_text(model, lang: str, out_dir: str, max_length: int):
    """SigLIP2 (siglip2 adaptor: HF text_model + Gemma tokenizer) or open_clip (clip/siglip adaptors)."""
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
    export_onnx(wrapper, example, path, input_names, ["text_embeds"], {n: {0: "batch"} for n in input_names + ["text_embeds"]})
    # tokenizer.json (HF tokenizers format) is what @huggingface/tokenizers loads in the app.
    with tempfile.TemporaryDirectory() as tmp:
        proc_tokenizer.save_pretrained(tmp)
        shutil.copy(os.path.join(tmp, "tokenizer.json"), os.path.join(out_dir, "tokenizer.json"))
        cfg = os.path.join(tmp, "tokenizer_config.json")
        if os.path.exists(cfg):
            shutil.copy(cfg, os.path.join(out_dir, "tokenizer_config.json"))
    with torch.no_grad():
        dim = int(wrapper(*example).shape[-1])
    pad_id = proc_tokenizer.pad_token_id if proc_tokenizer.pad_token_id is not None else 0
    return {"uses_mask": uses_mask, "dim": dim, "pad_token_id": int(pad_id), "wrapper": wrapper, "tokenizer": adaptor.tokenizer}


# ------------------------------------------------------------------------------------------- parity
def cosine(a, b) -> float:
    import numpy as np

    a = np.asarray(a, dtype=np.float64).ravel()
    b = np.asarray(b, dtype=np.float64).ravel()
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b) + 1e-30))


def parity(wrapper, names: List[str], onnx_path: str, hw: Tuple[int, int], min_cos: float, device: str) -> Dict[str, float]:
    import onnxruntime as ort
    import torch

    torch.manual_seed(0)
    x = torch.rand(1, 3, hw[0], hw[1])
    with torch.no_grad():
        ref = [t.cpu().numpy() for t in wrapper(x.to(device))]
    sess = ort.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])
    got = sess.run(names, {"pixel_values": x.numpy()})
    scores = {}
    for name, r, g in zip(names, ref, got):
        if tuple(r.shape) != tuple(g.shape):
            raise SystemExit(f"parity {hw}: {name} shape {tuple(g.shape)} in ONNX, {tuple(r.shape)} in PyTorch")
        scores[name] = cosine(r, g)
    bad = {k: v for k, v in scores.items() if v < min_cos}
    if bad:
        raise SystemExit(f"parity {hw[0]}x{hw[1]} FAILED (cosine < {min_cos}): {bad}")
    return scores


# --------------------------------------------------------------------------------------------- main
def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    import torch

    hw = square(args.resolution)
    hw2 = square(args.parity_resolution)
    os.makedirs(args.out, exist_ok=True)
    model = load_radio(args)
    step = int(getattr(model, "min_resolution_step", getattr(model, "patch_size", 16)))
    patch = int(getattr(model, "patch_size", 16))
    for r in (hw, hw2):
        if r[0] % step or r[1] % step:
            raise SystemExit(f"resolution {r[0]}x{r[1]} is not a multiple of the model's step {step}")
    lang = None if args.no_text else args.lang_adaptor
    wrapper, names = make_encoder_wrapper(model, lang, args.sam_adaptor)

    enc_path = os.path.join(args.out, "encoder.onnx")
    dyn = {"pixel_values": {2: "height", 3: "width"}} if args.dynamic else None
    if dyn:
        for n in names[1:]:
            if n not in ("summary", "text_summary"):
                dyn[n] = {1: "patches"}
    print(f"exporting encoder at {hw[0]}x{hw[1]} ({'dynamic' if args.dynamic else 'fixed'} shape, opset {OPSET})…", file=sys.stderr)
    export_onnx(wrapper, (torch.rand(1, 3, *hw, device=args.device),), enc_path, ["pixel_values"], names, dyn)

    # Parity at two resolutions. A fixed-shape export is re-exported at the second resolution into a
    # temporary file, which proves the export path (CPE resize, prefix-token slicing) there too.
    report = {f"{hw[0]}x{hw[1]}": parity(wrapper, names, enc_path, hw, args.min_cosine, args.device)}
    if args.dynamic:
        report[f"{hw2[0]}x{hw2[1]}"] = parity(wrapper, names, enc_path, hw2, args.min_cosine, args.device)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            p2 = os.path.join(tmp, "encoder.onnx")
            export_onnx(wrapper, (torch.rand(1, 3, *hw2, device=args.device),), p2, ["pixel_values"], names)
            report[f"{hw2[0]}x{hw2[1]}"] = parity(wrapper, names, p2, hw2, args.min_cosine, args.device)
    print(json.dumps({"parity_cosine": report}, indent=2), file=sys.stderr)
    if args.dtype == "fp16":
        to_fp16(enc_path)

    text = None
    if lang:
        print("exporting text tower…", file=sys.stderr)
        t = export_text(model, lang, args.out, args.max_text_length)
        if args.dtype == "fp16":
            to_fp16(os.path.join(args.out, "text.onnx"))
        text = rb.text_section(
            args.out,
            file="text.onnx",
            tokenizer="tokenizer.json",
            input_ids="input_ids",
            attention_mask="attention_mask" if t["uses_mask"] else None,
            output="text_embeds",
            max_length=args.max_text_length,
            padding="max_length",
            pad_token_id=t["pad_token_id"],
            dim=t["dim"],
            templates=DEFAULT_TEMPLATES,
        )

    outputs: Dict[str, Dict[str, str]] = {"summary": {"name": "summary"}, "features": {"name": "features", "layout": "NLC"}}
    if lang:
        outputs["text_dense"] = {"name": "text_dense", "layout": "NLC"}
        outputs["text_summary"] = {"name": "text_summary"}
    if args.sam_adaptor:
        outputs["sam_features"] = {"name": "sam_features", "layout": "NLC"}
    if args.dynamic:
        max_res = int(getattr(model, "max_resolution", 2048))
        resolution = {"kind": "short_side", "short_side": min(hw), "step": step, "max": max_res}
    else:
        resolution = {"kind": "fixed", "width": hw[1], "height": hw[0]}
    encoder = rb.encoder_section(args.out, file="encoder.onnx", input_name="pixel_values", patch_size=patch, resolution=resolution, outputs=outputs)
    model_id = args.id or f"{args.version.replace('_', '-').lower()}-{hw[0]}{'-fp16' if args.dtype == 'fp16' else ''}"
    manifest = rb.build_manifest(
        model_id=model_id,
        name=args.name or f"{args.version} {hw[0]}x{hw[1]} ({args.dtype})",
        license=license_for(args.version),
        source_url=f"torch.hub {args.repo} version={args.version}",
        description=f"Exported by tools/export-radio at opset {OPSET}; parity cosine ≥ {args.min_cosine} at {', '.join(report)}.",
        encoder=encoder,
        text=text,
    )
    print(rb.write_manifest(args.out, manifest))
    return 0


if __name__ == "__main__":
    sys.exit(main())
