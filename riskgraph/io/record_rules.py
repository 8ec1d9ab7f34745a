"""The certification record rules (``riskgraph.editing.records``) applied to an import.

The same rules as every other write, called from here (not copied):

- a stored closed control test or signed risk acceptance cannot change: a record of the file that
  would change one is refused (the same record, unchanged, is fine);
- a new risk acceptance must be signed by a person holding the role the register's settings name
  (``acceptance.authority_role``), and gets the hash of the risk as it stands;
- a new review moves its item's next review date, as ``riskgraph review`` does: an item in the
  same file is moved there, an item in the register by an edit planned with the import. An item
  the file gives with a last review on or after the review's date already holds the dates that
  review set (an export read back): they stand.

Problems are the import's problems: they name the file, the row (or line), the field and value.
"""

from __future__ import annotations

from dataclasses import dataclass

from riskgraph.config import RegisterConfig
from riskgraph.editing import records
from riskgraph.editing.input import FieldError, Origin
from riskgraph.editing.write import Draft, Prepared, prepare_edits
from riskgraph.errors import InputError
from riskgraph.io.problems import Problems, at
from riskgraph.io.records import Candidate
from riskgraph.model.entities import ControlTest, Entity, Review, RiskAcceptance
from riskgraph.model.repository import Repository

RECORD_KINDS: tuple[type[Entity], ...] = (RiskAcceptance, Review)
"""New entities that the rules complete (a hash, a moved date): never streamed to a bulk load."""
_LOCKABLE = {ControlTest.kind, RiskAcceptance.kind}


def check_records(
    repo: Repository,
    config: RegisterConfig,
    candidates: list[Candidate],
    in_register: dict[str, str],
    problems: Problems,
) -> None:
    """Add the problems the record rules find in ``candidates`` (``in_register``: ID -> kind of
    what the register holds); fill in the risk hash of new acceptances."""
    batch = [c.entity for c in candidates]
    for candidate in candidates:
        entity = candidate.entity
        kind = in_register.get(entity.id)
        if kind in _LOCKABLE:
            stored = repo.get(entity.id)
            if stored is not None and stored != entity:
                for error in records.edit_errors(stored, Origin()):
                    problems.add(candidate.record, _placed(error, candidate))
        elif kind is None and isinstance(entity, RiskAcceptance):
            errors = records.acceptance_errors(
                repo.store,
                repo.base_iri,
                entity,
                Origin(),
                config.acceptance.authority_role,
                batch=batch,
            )
            for error in errors:
                problems.add(candidate.record, _placed(error, candidate))


@dataclass
class _FileFirst:
    """Looks an item up in the file first, then in the register (what a review moves)."""

    repo: Repository
    in_file: dict[str, Candidate]

    def get(self, entity_id: str) -> Entity | None:
        found = self.in_file.get(entity_id)
        return found.entity if found is not None else self.repo.get(entity_id)


def review_moves(
    repo: Repository,
    config: RegisterConfig,
    candidates: list[Candidate],
    in_register: dict[str, str],
) -> Prepared | None:
    """Move the next review date of every item a new review of the file reviews: items in the
    file are changed there; the edits of items in the register are returned, planned."""
    reviews = [
        c.entity
        for c in candidates
        if isinstance(c.entity, Review) and c.entity.id not in in_register
    ]
    if not reviews:
        return None
    in_file = {c.id: c for c in candidates}
    reviews = [review for review in reviews if not _recorded_in_file(review, in_file)]
    moves = records.review_moves(_FileFirst(repo, in_file), reviews, config.review)
    edits: list[tuple[str, Draft]] = []
    for cls, item_id, changes in moves:
        candidate = in_file.get(item_id)
        if candidate is None:
            edits.append((item_id, Draft(cls, changes, Origin())))
            continue
        data = candidate.entity.model_dump()
        data.update(changes.values)
        candidate.entity = cls.model_validate(data)
    return prepare_edits(repo, edits) if edits else None


def _recorded_in_file(review: Review, in_file: dict[str, Candidate]) -> bool:
    """The file gives the reviewed item with a last review on or after this review's date: the
    file already holds the dates that review set (an export read back), and they stand."""
    item = in_file.get(review.item)
    last = getattr(item.entity, "last_reviewed", None) if item is not None else None
    return last is not None and last >= review.reviewed_on


def _placed(error: FieldError, candidate: Candidate) -> InputError:
    """The rule's error at the candidate's row or line, in the column its field came from."""
    column = candidate.column_of(error.field) if error.field else None
    return InputError(
        error.problem,
        location=at(candidate.where, column or error.field),
        value=error.value,
        expected=error.expected,
    )
