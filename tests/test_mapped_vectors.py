"""The folder store maps its vectors file read-only instead of reading it into memory.

An open index then holds one copy of the vectors (FAISS's), not two; these tests check that
the map is read-only, that re-ranking and builds reusing vectors still work through it, and
that a rebuild can delete the version a running engine has mapped, which keeps answering
from it until it switches, after which no mapping of the deleted file is left.
"""

from __future__ import annotations

import gc
import shutil
from pathlib import Path

import numpy as np
import pytest

from qa import QA
from qa.index.store import read_version
from tests.conftest import CORPUS, FakeEncoder, fake_settings

QUERIES = ("援藏资金", "河北省投入了多少援藏資金？", "卫生院院长")


def _mapped_deleted(path: Path) -> bool:
    """Whether this process still maps ``path`` although it was deleted (Linux /proc)."""
    maps = Path("/proc/self/maps")
    return f"{path} (deleted)" in maps.read_text(encoding="utf-8")


def test_stored_vectors_are_a_read_only_map_of_the_version_file(tmp_path: Path) -> None:
    QA.build(CORPUS, tmp_path / "index", encoder=FakeEncoder(), settings=fake_settings())
    data = read_version(tmp_path / "index")
    assert isinstance(data.vectors, np.memmap) and not data.vectors.flags.writeable
    assert Path(data.vectors.filename) == (data.folder / "vectors.npy").resolve()
    with pytest.raises(ValueError, match="read-only"):
        data.vectors[0, 0] = 1.0
    # What leaves the store is an ordinary copy, so no caller can hold the map by accident.
    engine = QA.open(tmp_path / "index", encoder=FakeEncoder())
    assert type(engine._view.vectors([0, 2])) is np.ndarray
    np.testing.assert_array_equal(engine._view.vectors([0, 2]), np.asarray(data.vectors[[0, 2]]))


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs Linux /proc to see mappings")
def test_rebuild_deletes_the_mapped_old_version_and_the_reader_keeps_answering(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    index = tmp_path / "index"
    reader = QA.build(corpus, index, encoder=FakeEncoder(), settings=fake_settings())
    old = read_version(index).folder
    before = {(q, mode): [(h.chunk.id, h.score) for h in reader.search(q, k=5, mode=mode)]
              for q in QUERIES for mode in ("dense", "hybrid")}
    before_answer = reader.ask(QUERIES[1])

    (corpus / "extra.txt").write_text("西藏自治区新建了三所学校，援藏教师共有四十名。\n", encoding="utf-8")
    _, report = QA.build_with_report(corpus, index, encoder=FakeEncoder(), settings=fake_settings())
    assert report.reused > 0 and report.embedded > 0  # the old vectors were read through the map
    assert not old.exists()  # the old version was removed although the reader maps its vectors
    assert _mapped_deleted(old / "vectors.npy")

    after = {(q, mode): [(h.chunk.id, h.score) for h in reader.search(q, k=5, mode=mode)]
             for q in QUERIES for mode in ("dense", "hybrid")}
    assert after == before and reader.ask(QUERIES[1]) == before_answer

    fresh = QA.build(corpus, tmp_path / "fresh", encoder=FakeEncoder(), settings=fake_settings())
    np.testing.assert_array_equal(read_version(index).vectors, read_version(tmp_path / "fresh").vectors)

    assert reader.reload_if_changed()
    gc.collect()
    assert not _mapped_deleted(old / "vectors.npy")  # the switch released the deleted file's space
    assert ([h.chunk.id for h in reader.search("援藏教师", k=3)]
            == [h.chunk.id for h in fresh.search("援藏教师", k=3)])
