"""The whole export against NVIDIA's real RADIO code, on a tiny synthetic bf16 checkpoint.

Runs only where RADIO_CODE_DIR points at a checkout of NVlabs/RADIO (with timm and einops importable);
skips with the reason otherwise. The RADIO code is under a non-commercial licence: keep the checkout
outside this repository.
    RADIO_CODE_DIR=/tmp/radio-code python3 -m unittest tools/export-radio/test_real_radio.py
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import tempfile
import unittest
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

CODE = os.environ.get("RADIO_CODE_DIR", "")


def why_skip() -> str:
    if not CODE:
        return "set RADIO_CODE_DIR to a checkout of NVlabs/RADIO to run the export against the real code"
    if not os.path.isfile(os.path.join(CODE, "hubconf.py")):
        return f"RADIO_CODE_DIR={CODE} has no hubconf.py"
    try:
        import einops  # noqa: F401
        import onnx  # noqa: F401
        import timm  # noqa: F401
        import torch  # noqa: F401
    except ImportError as e:
        return f"the RADIO code needs torch, timm, einops and onnx ({e})"
    import parity as px

    if not (px.python_ort_runner() or px.node_ort_runner()):
        return "needs onnxruntime (Python) or node with the repository's onnxruntime-node"
    return ""


SKIP = why_skip()


@unittest.skipIf(SKIP, SKIP)
class RealRadioExportTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        import torch

        import parity as px
        import synthetic_radio

        cls.tmp = tempfile.TemporaryDirectory()
        cls.ckpt = os.path.join(cls.tmp.name, "synthetic-bf16.pth.tar")
        synthetic_radio.build_checkpoint(CODE, cls.ckpt, torch.bfloat16)
        cls.runner = staticmethod(px.python_ort_runner() or px.node_ort_runner())

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def load(self, adaptors):
        import argparse

        import export_radio as er

        args = argparse.Namespace(version="c-radio_v3-b", repo=CODE, local=True, checkpoint=self.ckpt, no_text=True, lang_adaptor=None, sam_adaptor=None, device="cpu")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            args.no_text = "lang" not in adaptors
            args.lang_adaptor = "lang" if "lang" in adaptors else None
            args.sam_adaptor = "sam" if "sam" in adaptors else None
            return er.load_radio(args)

    def export(self, wrapper, names, path, dynamic):
        import torch

        import export_radio as er
        import onnx_export as ox

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ox.export_onnx(wrapper, (torch.rand(1, 3, 64, 64),), path, ["pixel_values"], names, er.encoder_dynamic_axes(names) if dynamic else None)

    def test_cli_dynamic_bf16_checkpoint_file(self):
        import export_radio as er

        out = os.path.join(self.tmp.name, "bundle")
        argv = ["--repo", CODE, "--local", "--checkpoint", self.ckpt, "--no-text", "--sam-adaptor", "sam", "--dynamic", "--resolution", "64", "--parity-resolution", "96", "--out", out]
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.assertEqual(er.main(argv, runner=self.runner), 0)
        text = err.getvalue()
        report = json.loads(text[text.index('{\n  "parity"') :])["parity"]["encoder"]
        self.assertEqual(sorted(report), ["64x64", "64x96", "96x64", "96x96"])
        worst = min(s["cosine"] for size in report.values() for s in size.values())
        max_abs = max(s["max_abs"] for size in report.values() for s in size.values())
        self.assertGreater(worst, 0.99999)
        with open(os.path.join(out, "manifest.json"), encoding="utf-8") as f:
            m = json.load(f)
        # hubconf gives max_resolution None for a file; the synthetic CPE grid is 512 px.
        self.assertEqual(m["encoder"]["resolution"], {"kind": "short_side", "short_side": 64, "step": 16, "max": 512})
        self.assertEqual(sorted(m["encoder"]["outputs"]), ["features", "sam_features", "summary"])
        print(f"\n[real RADIO, CLI --dynamic, bf16 file] worst cosine {worst:.7f}, max abs {max_abs:.2e} at {sorted(report)}", file=sys.stderr)

    def test_text_dense_and_summary_at_non_square_sizes_and_the_unpatched_failure(self):
        import export_radio as er
        import parity as px
        from pos_embed import install_branch_free_pos_embed

        model = self.load(["lang", "sam"])
        wrapper, names = er.make_encoder_wrapper(model, "lang", "sam")
        sizes = [(64, 64), (64, 96), (96, 64), (48, 112)]
        with tempfile.TemporaryDirectory() as tmp:
            frozen = os.path.join(tmp, "frozen.onnx")
            self.export(wrapper, names, frozen, dynamic=True)
            with self.assertRaises((RuntimeError, SystemExit)):  # RADIO's own position embedding, traced square
                px.encoder_parity(wrapper, names, frozen, [(64, 96)], 0.999, self.runner)

            install_branch_free_pos_embed(model)
            path = os.path.join(tmp, "encoder.onnx")
            self.export(wrapper, names, path, dynamic=True)
            report = px.encoder_parity(wrapper, names, path, sizes, 0.99999, self.runner)
        self.assertEqual(sorted(report["64x96"]), sorted(names))
        worst = min(s["cosine"] for size in report.values() for s in size.values())
        max_abs = max(s["max_abs"] for size in report.values() for s in size.values())
        print(f"\n[real RADIO, {', '.join(names)}] worst cosine {worst:.7f}, max abs {max_abs:.2e} at {sorted(report)}", file=sys.stderr)


if __name__ == "__main__":
    unittest.main()
