"""Peer side of `npm run bench -- peers`: times OpenCV, numpy and (when importable) pycocotools on the
masks and RLEs that the Node side wrote, inside this process (no start-up or IPC in the figures).

Protocol on stdin/stdout, one line each: `load <manifest.json>` -> `ok <json of what is available>`,
`time <op> <case> <reps>` -> `ok <wall s per call> <cpu s per call>` (or `err <message>`),
`coco <file>` -> the same for one `pycocotools.coco.COCO(file)` (load and index), `quit`.
Only library calls.
"""
import contextlib
import io
import json
import sys
import time

import numpy as np

try:
    import cv2
except Exception as e:  # noqa: BLE001 - report why, the Node side prints it
    cv2 = None
    CV2_WHY = f"{type(e).__name__}: {e}"
try:
    from pycocotools import mask as coco
    from pycocotools.coco import COCO
except Exception as e:  # noqa: BLE001
    coco = None
    COCO_WHY = f"{type(e).__name__}: {e}"

cases = {}


def load(path):
    with open(path) as f:
        manifest = json.load(f)
    for c in manifest["cases"]:
        h, w = c["height"], c["width"]
        a = np.fromfile(c["maskFile"], dtype=np.uint8).reshape(h, w)
        b = np.fromfile(c["maskBFile"], dtype=np.uint8).reshape(h, w)
        entry = {
            "a": a,
            "b": b,
            "a_bool": a.view(np.bool_),
            "b_bool": b.view(np.bool_),
            "polys": c["polygons"],
            "h": h,
            "w": w,
        }
        if coco is not None:
            entry["rle_a"] = {"size": [h, w], "counts": c["rleA"].encode("ascii")}
            entry["rle_b"] = {"size": [h, w], "counts": c["rleB"].encode("ascii")}
            entry["a_fortran"] = np.asfortranarray(a)
        cases[c["id"]] = entry
    return {
        "cv2": cv2.__version__ if cv2 else None,
        "cv2Why": None if cv2 else CV2_WHY,
        "numpy": np.__version__,
        "pycocotools": getattr(sys.modules.get("pycocotools"), "__version__", "present") if coco else None,
        "pycocotoolsWhy": None if coco else COCO_WHY,
        "python": sys.executable,
    }


def op_fn(op, c):
    if op == "contours":
        return lambda: cv2.findContours(c["a"], cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    if op == "denseIou":
        a, b = c["a_bool"], c["b_bool"]
        return lambda: np.count_nonzero(a & b) / np.count_nonzero(a | b)
    if op == "area":
        return lambda: coco.area(c["rle_a"])
    if op == "toBbox":
        return lambda: coco.toBbox(c["rle_a"])
    if op == "merge":
        return lambda: coco.merge([c["rle_a"], c["rle_b"]], intersect=False)
    if op == "iou":
        return lambda: coco.iou([c["rle_a"]], [c["rle_b"]], [0])
    if op == "iouCrowd":
        return lambda: coco.iou([c["rle_a"]], [c["rle_b"]], [1])
    if op == "frPoly":
        return lambda: coco.frPyObjects(c["polys"], c["h"], c["w"])
    if op == "frPolyMerge":
        return lambda: coco.merge(coco.frPyObjects(c["polys"], c["h"], c["w"]))
    if op == "encode":
        return lambda: coco.encode(c["a_fortran"])
    raise ValueError(f"unknown op {op}")


def main():
    for line in sys.stdin:
        parts = line.split()
        if not parts:
            continue
        try:
            if parts[0] == "quit":
                break
            if parts[0] == "load":
                print("ok " + json.dumps(load(parts[1])), flush=True)
            elif parts[0] == "time":
                fn = op_fn(parts[1], cases[parts[2]])
                reps = int(parts[3])
                c0 = time.process_time()
                t0 = time.perf_counter()
                for _ in range(reps):
                    fn()
                wall = (time.perf_counter() - t0) / reps
                cpu = (time.process_time() - c0) / reps
                print(f"ok {wall} {cpu}", flush=True)
            elif parts[0] == "coco":
                # COCO() prints progress lines: keep them off the protocol.
                with contextlib.redirect_stdout(io.StringIO()):
                    c0 = time.process_time()
                    t0 = time.perf_counter()
                    COCO(line.strip().split(" ", 1)[1])
                    wall = time.perf_counter() - t0
                    cpu = time.process_time() - c0
                print(f"ok {wall} {cpu}", flush=True)
            else:
                print(f"err unknown command {parts[0]}", flush=True)
        except Exception as e:  # noqa: BLE001
            print(f"err {type(e).__name__}: {e}", flush=True)


main()
