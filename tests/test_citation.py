from __future__ import annotations

import json

from qa.interface.citation import answer_to_dict, cite
from qa.types import Answer, Chunk, Hit, Quote


def test_cite_with_all_metadata() -> None:
    chunk = Chunk("a#4", "a", 4, "x", "冀阿情深", 0, 1, date="2023-07-27T09:34:00", source="西藏日報")
    assert cite(chunk) == "冀阿情深 · 2023-07-27 · 西藏日報 · ¶5"


def test_cite_without_title_uses_file_name() -> None:
    chunk = Chunk("b#0", "b", 0, "x", None, 0, 1, path="corpus/sub/001_lhasa.txt")
    assert cite(chunk) == "001_lhasa.txt · ¶1"


def test_answer_json_shape() -> None:
    chunk = Chunk("a#0", "a", 0, "第一句。第二句。", "T", 0, 8)
    hit = Hit(chunk, 0.5, 1, 0.8, 2.0)
    answer = Answer("問題", True, Quote("第二句。", chunk, 0.9, 4, 8), [hit])
    data = json.loads(json.dumps(answer_to_dict(answer), ensure_ascii=False))
    assert set(data) >= {"question", "found", "quote", "passages"}
    assert set(data["quote"]) >= {"text", "doc_id", "chunk_id", "title", "date", "score"}
    assert set(data["passages"][0]) >= {"rank", "text", "doc_id", "chunk_id", "title", "score"}
    assert data["quote"]["text"] == "第二句。" and data["passages"][0]["rank"] == 1
    empty = answer_to_dict(Answer("問題", False, None, [hit]))
    assert empty["quote"] is None and empty["found"] is False
