"""ONNX Runtime sessions: thread count and which sessions spin while they wait for work."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from embeddings.threads import cpu_session, cpu_threads

SPIN = "session.intra_op.allow_spinning"


@pytest.fixture
def tiny_model(tmp_path: Path) -> Path:
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper

    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [None])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [None])
    graph = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "tiny", [x], [y])
    path = tmp_path / "tiny.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))
    return path


def test_sessions_do_not_spin_unless_asked(tiny_model: Path) -> None:
    quiet = cpu_session(tiny_model, 2)
    spinning = cpu_session(tiny_model, 2, spin=True)
    assert quiet.get_session_options().get_session_config_entry(SPIN) == "0"
    assert spinning.get_session_options().get_session_config_entry(SPIN) == "1"
    assert quiet.get_session_options().intra_op_num_threads == 2
    out = spinning.run(None, {"x": np.array([-1.0, 2.0], dtype=np.float32)})[0]
    assert out.tolist() == [0.0, 2.0]


def test_thread_count_comes_from_the_request_then_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    assert cpu_threads(1) == 1
    assert cpu_threads() == 3
    monkeypatch.setenv("OMP_NUM_THREADS", "not a number")  # ignored: the CPUs this process may use
    assert cpu_threads() == len(os.sched_getaffinity(0))
