"""Settings refuse values outside what is allowed, naming the value and the allowed range."""

from __future__ import annotations

from dataclasses import fields

import pytest

from qa.settings import (
    CHUNK_SETTINGS,
    INDEX_SETTINGS,
    QUERY_SETTINGS,
    SCOPES,
    Backend,
    IndexKind,
    SearchMode,
    Settings,
    SettingsError,
)


@pytest.mark.parametrize(("changes", "message"), [
    ({"mode": "fuzzy"}, "mode='fuzzy' is not allowed; use one of"),
    ({"encoder_backend": "gpu"}, "encoder_backend='gpu' is not allowed; use one of"),
    ({"index_kind": "pq"}, "index_kind='pq' is not allowed"),
    ({"rrf_k": 0}, "rrf_k=0 is not allowed; use a whole number >= 1"),
    ({"max_encoded_sentences": 2.5}, "max_encoded_sentences=2.5 is not allowed"),
    ({"dense_weight": -1.0}, "dense_weight=-1.0 is not allowed; use a number >= 0"),
    ({"dense_floor": 0.9, "dense_ceiling": 0.8}, "dense_floor=0.9 must be below dense_ceiling=0.8"),
    ({"answer_threshold": 1.5}, "answer_threshold=1.5 is not allowed; use 0..1"),
    ({"answer_threshold": -0.1}, "answer_threshold=-0.1 is not allowed; use 0..1"),
    ({"max_upload_bytes": 0}, "max_upload_bytes=0 is not allowed; use a whole number >= 1"),
])
def test_bad_values_are_refused_with_what_is_allowed(changes: dict[str, object], message: str) -> None:
    with pytest.raises(SettingsError, match=message.replace(".", r"\.").replace("(", r"\(")):
        Settings(**changes)  # type: ignore[arg-type]
    with pytest.raises(ValueError):  # SettingsError is a ValueError too
        Settings().with_(**changes)


def test_round_trip_through_the_manifest_form_ignores_unknown_keys() -> None:
    settings = Settings(mode="bm25", answer_threshold=0.4)
    assert Settings.from_dict({**settings.to_dict(), "from_a_newer_version": 1}) == settings


def test_every_setting_names_its_scope() -> None:
    scopes = {f.name: f.metadata.get("scope") for f in fields(Settings)}
    assert {name for name, scope in scopes.items() if scope not in SCOPES} == set()
    assert set(CHUNK_SETTINGS) | set(INDEX_SETTINGS) | set(QUERY_SETTINGS) == set(scopes)
    assert CHUNK_SETTINGS == ("max_chunk_chars", "heading_max_chars")
    # What a caller may change when opening an index (as before the scopes were metadata).
    assert set(QUERY_SETTINGS) == {
        "mode", "rrf_k", "dense_weight", "bm25_weight", "candidates", "hnsw_ef_search", "ivf_nprobe", "faiss_threads",
        "answer_threshold", "answer_passages", "max_question_chars", "dense_floor", "dense_ceiling",
        "max_encoded_sentences", "crosslingual_floor", "crosslingual_ceiling", "short_sentence_chars",
        "prefer_doc_weight", "max_upload_bytes", "span_reader", "reader_window_chars", "reader_max_tokens",
            "english_bridge", "crosslingual_dense_weight", "crosslingual_coverage_weight", "crosslingual_rerank_depth",
    }


@pytest.mark.parametrize(("choice", "bad", "allowed"), [
    (SearchMode, "fuzzy", "'hybrid', 'dense', 'bm25'"),
    (Backend, "gpu", "'onnx-int8', 'torch'"),
    (IndexKind, "pq", "'auto', 'flat', 'ivf', 'hnsw'"),
])
def test_choices_list_what_is_allowed(choice: type, bad: str, allowed: str) -> None:
    with pytest.raises(ValueError, match=f"x={bad!r} is not allowed; use one of {allowed}"):
        choice.from_str(bad, name="x")
    first = next(iter(choice))
    assert choice.from_str(first.value) is first and first == first.value


def test_an_index_built_with_an_earlier_default_threshold_gets_todays() -> None:
    now = Settings().answer_threshold
    base = {k: v for k, v in Settings().to_dict().items()
            if k not in ("span_reader", "answer_threshold", "default_answer_threshold")}
    # before the span reader (no span_reader key): its default was 0.38
    assert Settings.from_dict({**base, "answer_threshold": 0.38}).answer_threshold == now
    assert Settings.from_dict({**base, "answer_threshold": 0.5}).answer_threshold == 0.5  # the user's own
    # the first span reader's release recorded span_reader but not its default, 0.32
    assert Settings.from_dict({**base, "span_reader": True, "answer_threshold": 0.32}).answer_threshold == now
    assert Settings.from_dict({**base, "span_reader": True, "answer_threshold": 0.45}).answer_threshold == 0.45
    # from now on the manifest says which default it was written with
    later = {**base, "span_reader": True, "default_answer_threshold": 0.27}
    assert Settings.from_dict({**later, "answer_threshold": 0.27}).answer_threshold == now
    assert Settings.from_dict({**later, "answer_threshold": 0.32}).answer_threshold == 0.32
    chosen = Settings(answer_threshold=0.61)
    assert Settings.from_dict(chosen.to_dict()) == chosen
