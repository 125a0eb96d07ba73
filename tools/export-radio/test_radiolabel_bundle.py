"""Unit tests of the manifest writer (no torch needed): python3 -m unittest discover -s tools/export-radio"""

import hashlib
import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import radiolabel_bundle as rb  # noqa: E402


def _write(folder, name, data):
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)
    return hashlib.sha256(data).hexdigest()


class ManifestTests(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        self.enc_sha = _write(self.dir, "encoder.onnx", b"encoder-bytes")
        self.data_sha = _write(self.dir, "encoder.onnx.data", b"external tensors")
        self.text_sha = _write(self.dir, "text.onnx", b"text-bytes")
        self.tok_sha = _write(self.dir, "tokenizer.json", b'{"model":{}}')

    def tearDown(self):
        self.tmp.cleanup()

    def encoder(self, **kw):
        args = dict(
            file="encoder.onnx",
            input_name="pixel_values",
            patch_size=16,
            resolution={"kind": "fixed", "width": 512, "height": 512},
            outputs={
                "summary": {"name": "summary"},
                "features": {"name": "features", "layout": "NLC"},
                "text_dense": {"name": "text_dense", "layout": "NLC"},
            },
        )
        args.update(kw)
        return rb.encoder_section(self.dir, **args)

    def test_hashes_files_and_external_data(self):
        enc = self.encoder()
        self.assertEqual(enc["sha256"], self.enc_sha)
        self.assertEqual(enc["external_data"], [{"file": "encoder.onnx.data", "sha256": self.data_sha}])
        text = rb.text_section(
            self.dir,
            file="text.onnx",
            tokenizer="tokenizer.json",
            input_ids="input_ids",
            output="pooler_output",
            max_length=64,
            dim=1152,
            templates=["a photo of a {}."],
        )
        self.assertEqual((text["sha256"], text["tokenizer_sha256"]), (self.text_sha, self.tok_sha))
        self.assertEqual(text["external_data"], [])

    def test_writes_json_the_app_reads(self):
        m = rb.build_manifest(model_id="c-radio-v4-so400m-512", name="C-RADIOv4-SO400M 512", license="NVIDIA Open Model License", source_url="https://huggingface.co/nvidia/C-RADIOv4-SO400M", encoder=self.encoder())
        path = rb.write_manifest(self.dir, m)
        with open(path, encoding="utf-8") as f:
            back = json.load(f)
        self.assertEqual(back["format_version"], 1)
        self.assertEqual(back["encoder"]["input"], {"name": "pixel_values", "range": [0, 1], "normalized_in_graph": True})
        self.assertFalse(os.path.exists(path + ".tmp"))

    def test_errors_name_the_field(self):
        with self.assertRaisesRegex(rb.ManifestError, r"^id: "):
            rb.build_manifest(model_id="Bad Id", name="x", license="x", source_url="x", encoder=self.encoder())
        with self.assertRaisesRegex(rb.ManifestError, r"^execution_providers\.1: unknown execution provider 'tpu'"):
            rb.build_manifest(model_id="ok", name="x", license="x", source_url="x", encoder=self.encoder(), execution_providers=["cpu", "tpu"])
        with self.assertRaisesRegex(rb.ManifestError, r"^encoder\.file: file not found"):
            self.encoder(file="missing.onnx")
        with self.assertRaisesRegex(rb.ManifestError, r"^encoder\.file: must be a relative path"):
            self.encoder(file="../escape.onnx")
        with self.assertRaisesRegex(rb.ManifestError, r"^encoder\.resolution\.step: "):
            self.encoder(resolution={"kind": "short_side", "short_side": 512, "step": 0, "max": 2048})
        with self.assertRaisesRegex(rb.ManifestError, r'^text\.templates\.0: each template must contain "\{\}"'):
            rb.text_section(self.dir, file="text.onnx", tokenizer="tokenizer.json", input_ids="i", output="o", max_length=64, dim=8, templates=["no slot"])
        with self.assertRaisesRegex(rb.ManifestError, r"^encoder\.input: mean and std are required"):
            self.encoder(normalized_in_graph=False)


if __name__ == "__main__":
    unittest.main()
