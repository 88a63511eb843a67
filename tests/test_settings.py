"""Settings refuse values outside what is allowed, naming the value and the allowed range."""

from __future__ import annotations

import pytest

from qa.settings import Settings, SettingsError


@pytest.mark.parametrize(("changes", "message"), [
    ({"mode": "fuzzy"}, "mode='fuzzy' is not allowed; use one of"),
    ({"encoder_backend": "gpu"}, "encoder_backend='gpu' is not allowed; use one of"),
    ({"index_kind": "ivf"}, "index_kind='ivf' is not allowed"),
    ({"rrf_k": 0}, "rrf_k=0 is not allowed; use a whole number >= 1"),
    ({"max_encoded_sentences": 2.5}, "max_encoded_sentences=2.5 is not allowed"),
    ({"dense_weight": -1.0}, "dense_weight=-1.0 is not allowed; use a number >= 0"),
    ({"dense_floor": 0.9, "dense_ceiling": 0.8}, "dense_floor=0.9 must be below dense_ceiling=0.8"),
    ({"answer_threshold": 1.5}, "answer_threshold=1.5 is not allowed; use 0..1"),
    ({"lexical_sure": -0.1}, "lexical_sure=-0.1 is not allowed; use 0..1"),
])
def test_bad_values_are_refused_with_what_is_allowed(changes: dict[str, object], message: str) -> None:
    with pytest.raises(SettingsError, match=message.replace(".", r"\.").replace("(", r"\(")):
        Settings(**changes)  # type: ignore[arg-type]
    with pytest.raises(ValueError):  # SettingsError is a ValueError too
        Settings().with_(**changes)


def test_round_trip_through_the_manifest_form_ignores_unknown_keys() -> None:
    settings = Settings(mode="bm25", answer_threshold=0.4)
    assert Settings.from_dict({**settings.to_dict(), "from_a_newer_version": 1}) == settings
