"""Messages that screens and widgets send to the app."""

from __future__ import annotations

from textual.message import Message


class OpenNode(Message):
    """Show this node (entity, catalogue item, draft) in the explorer."""

    def __init__(self, iri: str) -> None:
        self.iri = iri
        super().__init__()


class EditEntity(Message):
    """Open the form for an existing entity."""

    def __init__(self, entity_id: str) -> None:
        self.entity_id = entity_id
        super().__init__()


class IdentifyRisks(Message):
    """Run risk identification for this AI system and review its candidates."""

    def __init__(self, system_id: str) -> None:
        self.system_id = system_id
        super().__init__()


class RegisterChanged(Message):
    """The register was written (by this app): screens reload what they show."""
