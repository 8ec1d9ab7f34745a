"""Rules of the register that a write must keep and that the model alone does not check: the
score range of a risk's own matrix, residual scoring that does not raise a risk, and text
without control characters (the same rule imports apply, ``model.text``).

Part of the core. Every face calls these through the write pipeline (``editing.write``); a face
that offers score pickers asks ``score_range`` for the values to offer.
"""

from __future__ import annotations

from riskgraph.editing.input import FieldError, Origin
from riskgraph.model.entities import Entity, Risk
from riskgraph.model.text import CONTROL_EXPECTED, control_character
from riskgraph.scoring import MATRIX_NAMES, matrix


def score_range(risk_or_matrix: Risk | str) -> tuple[int, int]:
    """The scores allowed for a risk (on its own matrix) or on a matrix named '3x3', '5x5' or
    '7x7': (1, size). Likelihood, severity and their residual values all take this range."""
    name = risk_or_matrix.matrix if isinstance(risk_or_matrix, Risk) else risk_or_matrix
    if name not in MATRIX_NAMES:
        raise ValueError(f"unknown risk matrix {name!r}; expected one of {', '.join(MATRIX_NAMES)}")
    return 1, matrix(name).size


def domain_errors(entity: Entity, origin: Origin) -> list[FieldError]:
    """Problems with one entity that the rules of the register refuse (after its model passed)."""
    errors = _control_characters(entity, origin)
    if isinstance(entity, Risk):
        errors += _residual_not_above_inherent(entity, origin)
    return errors


def _control_characters(entity: Entity, origin: Origin) -> list[FieldError]:
    """One error per text field holding a character the register refuses (the first one)."""
    errors: list[FieldError] = []
    for name, value in entity.model_dump().items():
        for text in value if isinstance(value, list) else [value]:
            code = control_character(text) if isinstance(text, str) else None
            if code is not None:
                errors.append(
                    origin.error(
                        f"holds the control character {code}",
                        field=name,
                        value=text,
                        expected=CONTROL_EXPECTED,
                    )
                )
                break
    return errors


def _residual_not_above_inherent(risk: Risk, origin: Origin) -> list[FieldError]:
    residual = risk.residual_level
    if residual is None:
        return []
    inherent = risk.inherent_level
    if residual.rank <= inherent.rank:
        return []
    message = (
        f"residual level {residual.label} (residual_likelihood {risk.residual_likelihood} x "
        f"residual_severity {risk.residual_severity}) is above the inherent level "
        f"{inherent.label} (likelihood {risk.likelihood} x severity {risk.severity}): "
        "controls cannot raise a risk"
    )
    return [
        origin.error(
            message,
            field="residual_likelihood",
            expected=f"residual scores whose level is at most {inherent.label}",
            about_field=False,
        )
    ]
