#!/usr/bin/env python3
"""Checks ONNX files with onnx.checker (full_check: also runs ONNX's shape inference).

Debian's python3-onnx (apt-get install python3-onnx) is enough. Prints one JSON line per file:
{"path": ..., "ok": true, "opset": 17, "ops": {"Conv": 53, ...}} or {"path": ..., "ok": false, "error": ...}.
"""
import json
import sys
from collections import Counter

import onnx

for path in sys.argv[1:]:
    try:
        model = onnx.load(path)
        onnx.checker.check_model(model, full_check=True)
        ops = Counter(n.op_type for n in model.graph.node)
        opset = max((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), default=None)
        print(json.dumps({"path": path, "ok": True, "opset": opset, "ops": dict(ops)}))
    except Exception as e:  # noqa: BLE001 - report every failure the same way
        print(json.dumps({"path": path, "ok": False, "error": str(e)[:500]}))
