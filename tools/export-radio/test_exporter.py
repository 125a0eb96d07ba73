"""Tests of the exporter's own pieces with small torch modules (no RADIO code, no weights).

Need torch and onnx (Debian: python3-torch, python3-onnx) and an ONNX runtime (Python's onnxruntime, or
node with this repository's onnxruntime-node); each class skips with the reason otherwise.
    python3 -m unittest discover -s tools/export-radio
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import stat
import sys
import tempfile
import unittest
from unittest import mock

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

try:
    import numpy as np
    import onnx
    import torch
    import torch.nn.functional as F
except ImportError as e:  # pragma: no cover - depends on the machine
    MISSING = f"needs torch, onnx and numpy ({e})"
else:
    MISSING = ""

if not MISSING:
    import export_radio as er
    import onnx_export as ox
    import parity as px
    from pos_embed import install_branch_free_pos_embed, interpolate_then_crop
    from toy_models import FrozenBatchTextTower, ToyConditioner, ToyPatchGenerator, ToyRadio, ToyTextTower

    RUNNER = px.python_ort_runner() or px.node_ort_runner()
    NO_RUNTIME = "" if RUNNER else "needs onnxruntime (Python) or node with the repository's onnxruntime-node"
else:
    RUNNER = None
    NO_RUNTIME = MISSING


@contextlib.contextmanager
def umask(mask: int):
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def quiet_export(*args, **kwargs):
    """The tracer's warnings about frozen branches are expected here (some tests freeze on purpose)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ox.export_onnx(*args, **kwargs)


class PatchOnly(torch.nn.Module if not MISSING else object):
    def __init__(self, gen):
        super().__init__()
        self.gen = gen

    def forward(self, x):
        return (self.gen(x),)


SQUARE_AND_BOTH_WAYS = [(24, 24), (16, 16), (36, 36), (16, 24), (24, 16), (12, 36), (36, 12)]


@unittest.skipIf(MISSING, MISSING)
class PositionEmbeddingTests(unittest.TestCase):
    def test_branch_free_equals_interpolate_then_crop_in_eager_mode(self):
        torch.manual_seed(1)
        grid = torch.randn(1, 5, 8, 8)
        for rows, cols in [(8, 8), (4, 4), (12, 12), (4, 6), (6, 4), (3, 11), (11, 3), (1, 9)]:
            side = max(rows, cols)
            ref = F.interpolate(grid, size=(side, side), mode="bilinear", align_corners=False)[:, :, :rows, :cols]
            got = interpolate_then_crop(grid, rows, cols)
            self.assertEqual(tuple(got.shape), (1, 5, rows, cols))
            self.assertTrue(torch.equal(got, ref), f"{rows}x{cols}")

    def test_installed_version_matches_the_branchy_original_at_every_shape(self):
        gen = ToyPatchGenerator().eval()
        torch.manual_seed(2)
        xs = {hw: torch.rand(1, 3, *hw) for hw in SQUARE_AND_BOTH_WAYS}
        with torch.no_grad():
            before = {hw: gen(x) for hw, x in xs.items()}
            self.assertEqual(install_branch_free_pos_embed(gen), ["model"])
            for hw, x in xs.items():
                self.assertTrue(torch.allclose(gen(x), before[hw], atol=1e-6), f"{hw}")

    def test_refuses_a_generator_without_cpe(self):
        with self.assertRaisesRegex(ValueError, "not in CPE mode"):
            install_branch_free_pos_embed(ToyPatchGenerator(cpe_mode=False))
        with self.assertRaisesRegex(ValueError, "no CPE patch generator"):
            install_branch_free_pos_embed(torch.nn.Linear(2, 2))

    @unittest.skipIf(NO_RUNTIME, NO_RUNTIME)
    def test_a_graph_traced_square_runs_non_square_only_when_branch_free(self):
        dyn = {"pixel_values": {2: "h", 3: "w"}, "tokens": {1: "n"}}
        with tempfile.TemporaryDirectory() as tmp:
            branchy = PatchOnly(ToyPatchGenerator().eval()).eval()
            path = os.path.join(tmp, "branchy.onnx")
            quiet_export(branchy, (torch.rand(1, 3, 24, 24),), path, ["pixel_values"], ["tokens"], dyn)
            # The bug: the graph traced at a square size fails (or is wrong) at a non-square one.
            with self.assertRaises((RuntimeError, SystemExit)):
                px.encoder_parity(branchy, ["tokens"], path, [(16, 24)], 0.999, RUNNER)

            install_branch_free_pos_embed(branchy)
            path = os.path.join(tmp, "branch_free.onnx")
            quiet_export(branchy, (torch.rand(1, 3, 24, 24),), path, ["pixel_values"], ["tokens"], dyn)
            report = px.encoder_parity(branchy, ["tokens"], path, SQUARE_AND_BOTH_WAYS, 0.99999, RUNNER)
            self.assertEqual(sorted(report), sorted(f"{h}x{w}" for h, w in SQUARE_AND_BOTH_WAYS))
            self.assertLess(max(s["tokens"]["max_abs"] for s in report.values()), 1e-5)


@unittest.skipIf(MISSING, MISSING)
class DtypeTests(unittest.TestCase):
    def test_float_alone_leaves_the_conditioner_casting_to_the_checkpoint_dtype(self):
        for dtype in (torch.bfloat16, torch.float16):
            model = ToyRadio(dtype=dtype).float().eval()
            with self.assertRaises(RuntimeError):
                model(torch.rand(1, 3, 24, 24))

    def test_prepare_for_export_makes_every_dtype_attribute_float32(self):
        for dtype in (torch.bfloat16, torch.float16):
            model = er.prepare_for_export(ToyRadio(dtype=dtype))
            self.assertIs(model.input_conditioner.dtype, torch.float32)
            self.assertFalse(model.training)
            out = model(torch.rand(1, 3, 24, 16))
            self.assertEqual((out.summary.dtype, out.features.dtype), (torch.float32, torch.float32))
        # A conditioner without a dtype keeps None (it must not start casting).
        self.assertIsNone(er.prepare_for_export(torch.nn.Sequential(ToyConditioner(None)))[0].dtype)

    @unittest.skipIf(NO_RUNTIME, NO_RUNTIME)
    def test_a_bf16_model_exports_and_passes_parity(self):
        model = er.prepare_for_export(ToyRadio(dtype=torch.bfloat16))
        wrapper, names = er.make_encoder_wrapper(model, None, None)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "encoder.onnx")
            quiet_export(wrapper, (torch.rand(1, 3, 24, 24),), path, ["pixel_values"], names)
            report = px.encoder_parity(wrapper, names, path, [(24, 24)], 0.9999, RUNNER)
        self.assertGreater(report["24x24"]["features"]["cosine"], 0.9999)


@unittest.skipIf(MISSING, MISSING)
class ExporterChoiceAndFileTests(unittest.TestCase):
    def test_dynamo_on_recent_torch_torchscript_on_old(self):
        self.assertEqual(ox.choose_exporter("auto", "1.13.0a0+gitabc"), "torchscript")
        self.assertEqual(ox.choose_exporter("auto", "2.4.1"), "torchscript")
        self.assertEqual(ox.choose_exporter("auto", "2.5.0+cu121"), "dynamo")
        self.assertEqual(ox.choose_exporter("auto", "2.10.0"), "dynamo")
        self.assertEqual(ox.choose_exporter("torchscript", "2.9.0"), "torchscript")
        with self.assertRaisesRegex(SystemExit, "needs torch >= 2.5"):
            ox.choose_exporter("dynamo", "1.13.1")
        self.assertEqual(ox.opset_for("torchscript"), 17)
        self.assertEqual(ox.opset_for("dynamo"), 18)

    def test_written_onnx_and_external_data_are_world_readable(self):
        # A writer that creates files 0600 (tempfile-style) is what a umask of 077 simulates.
        module = torch.nn.Linear(64, 64)
        with tempfile.TemporaryDirectory() as tmp, umask(0o077):
            written = quiet_export(module, (torch.rand(1, 64),), os.path.join(tmp, "m.onnx"), ["x"], ["y"], force_external=True)
            self.assertEqual(sorted(os.path.basename(f) for f in written), ["m.onnx", "m.onnx.data"])
            for f in written:
                self.assertEqual(stat.S_IMODE(os.stat(f).st_mode), 0o644, f)
            self.assertEqual(len(onnx.load(os.path.join(tmp, "m.onnx")).graph.initializer), 2)


class FakeFloat16:
    """Stands in for onnxconverter_common.float16: rounds float32 weights to fp16 values (keeping the
    float32 type, so any runtime runs it) - or, with `corrupt`, returns wrong weights."""

    def __init__(self, corrupt: bool = False):
        self.corrupt = corrupt
        self.calls = 0

    def convert_float_to_float16(self, model, keep_io_types=True):
        from onnx import numpy_helper

        assert keep_io_types
        self.calls += 1
        for init in model.graph.initializer:
            arr = numpy_helper.to_array(init)
            if arr.dtype == np.float32:
                arr = arr.astype(np.float16).astype(np.float32)
                if self.corrupt:
                    arr = -arr[::-1].copy() if arr.ndim == 1 else np.flip(arr, -1).copy()
                init.CopyFrom(numpy_helper.from_array(arr, init.name))
        return model


@unittest.skipIf(NO_RUNTIME, NO_RUNTIME)
class MainTests(unittest.TestCase):
    """export_radio.main end to end with the toy model in place of torch.hub's RADIO."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.out = os.path.join(self.tmp.name, "bundle")
        self.loads = 0

        def load(args):
            self.loads += 1
            return er.prepare_for_export(ToyRadio(dtype=torch.bfloat16))

        patcher = mock.patch.object(er, "load_radio", load)
        patcher.start()
        self.addCleanup(patcher.stop)
        self.addCleanup(self.tmp.cleanup)

    def run_main(self, *extra):
        argv = ["--version", "c-radio_v3-b", "--no-text", "--resolution", "24", "--parity-resolution", "36", "--out", self.out, *extra]
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                code = er.main(argv, runner=RUNNER)
        return code, err.getvalue()

    def leftovers(self):
        return [n for n in os.listdir(self.tmp.name) if n != "bundle"]

    def test_dynamic_with_a_checkpoint_file_uses_the_cpe_grid_as_max_and_runs_non_square(self):
        code, err = self.run_main("--dynamic")
        self.assertEqual(code, 0)
        with open(os.path.join(self.out, "manifest.json"), encoding="utf-8") as f:
            m = json.load(f)
        # ToyRadio.max_resolution is None (as hubconf leaves it for a file); its CPE grid is 6x4 = 24 px.
        self.assertEqual(m["encoder"]["resolution"], {"kind": "short_side", "short_side": 24, "step": 4, "max": 24})
        parity = json.loads(err[err.index("{") :])["parity"]["encoder"]
        self.assertEqual(sorted(parity), ["24x24", "24x36", "36x24", "36x36"])
        self.assertIn("24x36, 36x24", m["description"])
        self.assertEqual(stat.S_IMODE(os.stat(self.out).st_mode), 0o755)
        for name in os.listdir(self.out):
            self.assertEqual(stat.S_IMODE(os.stat(os.path.join(self.out, name)).st_mode), 0o644, name)
        self.assertEqual(self.leftovers(), [])

    def test_max_resolution_override_and_model_value(self):
        self.assertEqual(er.max_resolution_of(ToyRadio(max_resolution=None)), 24)
        self.assertEqual(er.max_resolution_of(ToyRadio(max_resolution=2048)), 2048)
        self.assertEqual(er.max_resolution_of(ToyRadio(max_resolution=None), 1024), 1024)
        self.assertEqual(er.max_resolution_of(torch.nn.Linear(1, 1)), er.DEFAULT_MAX_RESOLUTION)

    def test_fp16_without_its_converter_fails_before_any_work(self):
        with mock.patch.dict(sys.modules, {"onnxconverter_common": None}):
            with self.assertRaisesRegex(SystemExit, "pip install onnxconverter-common"):
                self.run_main("--dtype", "fp16")
        self.assertEqual(self.loads, 0)
        self.assertFalse(os.path.exists(self.out))
        self.assertEqual(self.leftovers(), [])

    def test_fp16_files_are_checked_after_conversion(self):
        good = FakeFloat16()
        with mock.patch.object(ox, "fp16_converter", lambda: good):
            code, err = self.run_main("--dtype", "fp16", "--dynamic")
        self.assertEqual((code, good.calls), (0, 1))
        parity = json.loads(err[err.index("{") :])["parity"]
        self.assertEqual(sorted(parity["encoder_fp16"]), ["24x24", "24x36", "36x24", "36x36"])
        with open(os.path.join(self.out, "manifest.json"), encoding="utf-8") as f:
            self.assertIn("fp16 files", json.load(f)["description"])

    def test_a_bad_fp16_conversion_fails_and_leaves_nothing(self):
        with mock.patch.object(ox, "fp16_converter", lambda: FakeFloat16(corrupt=True)):
            with self.assertRaisesRegex(SystemExit, "parity encoder fp16 24x24 FAILED"):
                self.run_main("--dtype", "fp16")
        self.assertFalse(os.path.exists(self.out))
        self.assertEqual(self.leftovers(), [])

    def test_an_existing_bundle_is_kept_unless_forced(self):
        os.makedirs(self.out)
        with open(os.path.join(self.out, "keep.txt"), "w") as f:
            f.write("user data")
        with self.assertRaisesRegex(SystemExit, "exists and is not empty"):
            self.run_main()
        self.assertTrue(os.path.exists(os.path.join(self.out, "keep.txt")))
        self.assertEqual(self.run_main("--force")[0], 0)
        self.assertEqual(sorted(os.listdir(self.out)), ["encoder.onnx", "manifest.json"])


@unittest.skipIf(NO_RUNTIME, NO_RUNTIME)
class TextParityTests(unittest.TestCase):
    def batch(self):
        ids = np.array([[5, 7, 9, 0, 0, 0], [11, 3, 0, 0, 0, 0], [4, 8, 15, 16, 23, 42]], dtype=np.int64)
        return {"input_ids": ids, "attention_mask": (ids != 0).astype(np.int64)}

    def export(self, tower, tmp):
        path = os.path.join(tmp, "text.onnx")
        example = (torch.tensor([[2, 3, 0, 0, 0, 0]]), torch.tensor([[1, 1, 0, 0, 0, 0]]))
        names = ["input_ids", "attention_mask"]
        quiet_export(tower.eval(), example, path, names, ["text_embeds"], {n: {0: "batch"} for n in names + ["text_embeds"]})
        return path

    def test_matches_encode_text_row_by_row_at_batch_3(self):
        tower = ToyTextTower()
        with tempfile.TemporaryDirectory() as tmp:
            scores = px.text_parity(tower.encode_text, self.export(tower, tmp), self.batch(), "text_embeds", 0.9999, RUNNER)
        self.assertGreater(scores["text_embeds"]["worst_row_cosine"], 0.9999)

    def test_a_tower_frozen_at_batch_1_fails(self):
        tower = FrozenBatchTextTower()
        with tempfile.TemporaryDirectory() as tmp:
            path = self.export(tower, tmp)
            with self.assertRaisesRegex(SystemExit, r"parity text batch 3: text_embeds has shape \(1, 6\) in ONNX, \(3, 6\)"):
                px.text_parity(tower.encode_text, path, self.batch(), "text_embeds", 0.9999, RUNNER)
            with self.assertRaisesRegex(ValueError, "at least 2"):
                px.text_parity(tower.encode_text, path, {k: v[:1] for k, v in self.batch().items()}, "text_embeds", 0.9, RUNNER)


@unittest.skipIf(MISSING, MISSING)
class TokenParityTests(unittest.TestCase):
    def test_equal_ids_pass_and_the_first_difference_is_named(self):
        prompts = ["cat", "traffic light"]
        right = np.array([[3, 0, 0], [5, 6, 0]])
        left = np.array([[0, 0, 3], [0, 5, 6]])
        self.assertEqual(px.token_parity(prompts, lambda p: right, lambda p: right.copy()), 2)
        with self.assertRaisesRegex(SystemExit, r"tokenizer parity FAILED on 'cat': processor \[3, 0, 0\] vs tokenizer.json \[0, 0, 3\]"):
            px.token_parity(prompts, lambda p: right, lambda p: left)
        with self.assertRaisesRegex(SystemExit, "shape"):
            px.token_parity(prompts, lambda p: right, lambda p: right[:, :2])

    def test_canonicalize_matches_the_apps_rules(self):
        self.assertEqual(er.canonicalize("  Traffic_Light, RED!  "), "traffic light red")
        self.assertEqual(er.canonicalize("COVID-19 test"), "covid19 test")


if __name__ == "__main__":
    unittest.main()
