"""What both encoders report about their model: name, fingerprint, dimension, origin."""

from __future__ import annotations

from embeddings.models import ResolvedModel


class ModelInfo:
    """Mixin of the :class:`~embeddings.base.Encoder` properties that come from the resolved model.

    Subclasses set ``_resolved`` (with the fingerprint of the weights as they run) and ``_dim``.
    """

    _resolved: ResolvedModel
    _dim: int

    @property
    def model_id(self) -> str:
        """Name the model was asked for."""
        return self._resolved.model_id

    @property
    def fingerprint(self) -> str:
        """Identifies the exact weights and how they run (see :func:`embeddings.models.resolve_model`)."""
        return self._resolved.fingerprint

    @property
    def dim(self) -> int:
        """Embedding dimension."""
        return self._dim

    @property
    def resolved(self) -> ResolvedModel:
        """Where the model came from and which prefixes it uses."""
        return self._resolved
