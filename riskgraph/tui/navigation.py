"""Where the explorer has been: back and forward through visited nodes, like a browser."""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_HISTORY = 200


@dataclass
class History:
    """Visited node IRIs; ``visit`` drops the forward part, as a web browser does."""

    entries: list[str] = field(default_factory=list)
    position: int = -1

    @property
    def current(self) -> str | None:
        return self.entries[self.position] if self.entries else None

    def visit(self, iri: str) -> None:
        if self.current == iri:
            return
        del self.entries[self.position + 1 :]
        self.entries.append(iri)
        if len(self.entries) > MAX_HISTORY:
            del self.entries[0]
        self.position = len(self.entries) - 1

    @property
    def can_go_back(self) -> bool:
        return self.position > 0

    @property
    def can_go_forward(self) -> bool:
        return self.position < len(self.entries) - 1

    def back(self) -> str | None:
        if self.can_go_back:
            self.position -= 1
        return self.current

    def forward(self) -> str | None:
        if self.can_go_forward:
            self.position += 1
        return self.current

    def forget(self, iri: str) -> None:
        """Drop a node that no longer exists (e.g. an undone creation)."""
        while iri in self.entries:
            index = self.entries.index(iri)
            del self.entries[index]
            if index <= self.position:
                self.position -= 1
        self.position = max(
            min(self.position, len(self.entries) - 1), -1 if not self.entries else 0
        )
