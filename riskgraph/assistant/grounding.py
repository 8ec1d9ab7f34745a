"""Check every ID in a draft against the graph. A draft never links to something that is not
there: an unknown control stays as flagged text, an unknown Annex A reference is dropped and
flagged, and IDs mentioned in free text that do not exist are flagged for the reviewer."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from riskgraph.assistant.context import RegisterSnapshot
from riskgraph.assistant.schema import ProposedAction, TreatmentDraft

UNVERIFIED_CONTROL = "unverified-control"
UNKNOWN_ANNEX_A = "unknown-annex-a"
UNKNOWN_REFERENCE = "unknown-reference"
NOT_OFFERED = "control-not-offered"
# semantic warnings: the draft fits, but a reviewer should look twice
ACCEPT_ABOVE_APPETITE = "accept-above-appetite"
MINIMAL_RESIDUAL = "residual-minimal"
CLAIMS_APPROVAL = "claims-approval"
OTHER_LANGUAGE = "other-language"
LANGUAGE_MIN_CHARS = 40
"""Shorter text is not judged: language detection needs a sentence or two."""

_APPROVAL_CLAIM = re.compile(
    r"\b(?:approved|signed[ -]off|sign-off|authori[sz]ed|endorsed)\s+(?:by|from)\b"
    r"|\b(?:has|have|was|were|is|are)\s+(?:been\s+)?(?:approved|accepted|signed off)\b",
    re.IGNORECASE,
)

_FLAG = re.compile(r"^(?P<code>[a-z-]+) (?P<ref>\S+): ")
_ANNEX_MENTION = re.compile(r"\b[AC]\.\d+(?:\.\d+)*")
_ID_PREFIX = re.compile(r"^([A-Za-z]+-)")


def _token(text: str) -> str:
    """A model-supplied reference made safe to quote in one line: no whitespace, 40 chars."""
    return re.sub(r"\s+", "_", text)[:40] or "(empty)"


def flag(code: str, ref: str, message: str) -> str:
    """A reviewer-facing note; it starts with a code and the reference it is about."""
    return f"{code} {ref}: {message}"


def flag_code(note: str) -> tuple[str, str] | None:
    """(code, reference) of a note written by ``flag``."""
    match = _FLAG.match(note)
    return (match["code"], match["ref"]) if match else None


@dataclass(frozen=True)
class GroundedAction:
    description: str
    control_id: str | None = None
    """An existing control, checked to be in the register."""
    new_control_title: str | None = None
    annex_a: tuple[str, ...] = ()
    """Annex A references of a new control, checked to be in the catalogue."""
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class GroundedDraft:
    draft: TreatmentDraft
    actions: tuple[GroundedAction, ...]
    notes: tuple[str, ...]
    """Draft-level flags: IDs mentioned in text that the graph does not know, warnings."""

    @property
    def flags(self) -> list[str]:
        return [*self.notes, *(n for a in self.actions for n in a.notes)]

    def with_notes(self, notes: Iterable[str]) -> GroundedDraft:
        return GroundedDraft(self.draft, self.actions, tuple(dict.fromkeys(notes)))


def ground(
    draft: TreatmentDraft,
    snapshot: RegisterSnapshot,
    *,
    offered: Collection[str] | None = None,
    risk_id: str | None = None,
) -> GroundedDraft:
    """Check the draft's IDs against the register. With ``offered`` (the controls the prompt
    listed), a real control that was not offered is flagged; with ``risk_id``, the draft is also
    checked for what a reviewer should look at twice (semantic warnings)."""
    actions = tuple(
        _ground_action(number, action, snapshot, offered)
        for number, action in enumerate(draft.actions, start=1)
    )
    texts = [draft.statement, draft.rationale, *draft.assumptions]
    texts += [a.description for a in draft.actions]
    texts += [a.new_control.title for a in draft.actions if a.new_control]
    notes = unknown_mentions(texts, snapshot)
    if risk_id is not None:
        notes += semantic_warnings(draft, snapshot, risk_id)
    return GroundedDraft(draft, actions, tuple(notes))


def semantic_warnings(draft: TreatmentDraft, snapshot: RegisterSnapshot, risk_id: str) -> list[str]:
    """Drafts that fit but deserve a second look. They never block; they are shown."""
    warnings: list[str] = []
    risk = snapshot.risks.get(risk_id)
    if risk is not None and draft.option == "accept":
        level = risk.current_level
        if level.rank > snapshot.config.risk.appetite_rank:
            warnings.append(
                flag(
                    ACCEPT_ABOVE_APPETITE,
                    risk_id,
                    f"the draft accepts a risk at level {level.label}, above the register's "
                    f"appetite ({snapshot.config.risk.appetite})",
                )
            )
    if draft.expected_residual_likelihood == 1 and draft.expected_residual_severity == 1:
        warnings.append(
            flag(
                MINIMAL_RESIDUAL,
                "1x1",
                "the draft expects the lowest possible residual score; controls rarely remove "
                "a risk entirely",
            )
        )
    texts = [draft.statement, draft.rationale, *draft.assumptions]
    texts += [a.description for a in draft.actions]
    if risk is not None:
        register_text = " ".join(
            [risk.title, risk.description or ""]
            + [snapshot.systems[s].purpose or "" for s in risk.affects if s in snapshot.systems]
        )
        theirs = language_of(register_text)
        ours = language_of(" ".join([draft.statement, draft.rationale]))
        if theirs and ours and theirs != ours:
            warnings.append(
                flag(
                    OTHER_LANGUAGE,
                    ours,
                    f"the draft is written in another language ({ours}) than the register's "
                    f"text about this risk ({theirs})",
                )
            )
    if any(_APPROVAL_CLAIM.search(t) for t in texts):
        warnings.append(
            flag(
                CLAIMS_APPROVAL,
                "text",
                "the draft says something was approved; only a named person's acceptance "
                "approves, and none has happened",
            )
        )
    return warnings


def language_of(text: str) -> str | None:
    """The language of ``text`` (ISO 639-1, e.g. 'en'), or None when it is too short or the
    detection is not sure. Deterministic: the detector is seeded."""
    if len(text.strip()) < LANGUAGE_MIN_CHARS:
        return None
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0
    try:
        best = detect_langs(text)[0]
    except (LangDetectException, IndexError):
        return None
    return str(best.lang) if best.prob >= 0.9 else None


def _ground_action(
    number: int,
    action: ProposedAction,
    snapshot: RegisterSnapshot,
    offered: Collection[str] | None = None,
) -> GroundedAction:
    notes: list[str] = []
    if action.existing_control is not None:
        control_id = action.existing_control
        if control_id in snapshot.controls:
            if offered is not None and control_id not in offered:
                notes.append(
                    flag(
                        NOT_OFFERED,
                        control_id,
                        f"action {number} uses a control the prompt did not offer for this "
                        "risk (it answers other risks); check that it fits",
                    )
                )
            return GroundedAction(action.description, control_id=control_id, notes=tuple(notes))
        if control_id in snapshot.all_ids:
            problem = f"names {control_id}, which is in the register but is not a control"
        else:
            problem = "names a control that is not in the register"
        notes.append(
            flag(
                UNVERIFIED_CONTROL,
                _token(control_id),
                f"action {number} {problem}; kept as text, not linked",
            )
        )
        return GroundedAction(action.description, notes=tuple(notes))
    if action.new_control is None:
        return GroundedAction(action.description, notes=tuple(notes))
    known: list[str] = []
    for ref in dict.fromkeys(r.strip() for r in action.new_control.annex_a):
        if ref in snapshot.catalogue.annex_a:
            known.append(ref)
        else:
            notes.append(
                flag(
                    UNKNOWN_ANNEX_A,
                    _token(ref),
                    f"action {number} cites an Annex A control that is not in the catalogue; "
                    "dropped",
                )
            )
    return GroundedAction(
        action.description,
        new_control_title=action.new_control.title,
        annex_a=tuple(known),
        notes=tuple(notes),
    )


def unknown_mentions(texts: Iterable[str], snapshot: RegisterSnapshot) -> list[str]:
    """Flags for register IDs and catalogue references mentioned in text that do not exist."""
    prefixes = sorted({m[1] for i in snapshot.all_ids if (m := _ID_PREFIX.match(i))}, key=len)
    id_pattern = (
        re.compile(
            r"\b(?:"
            + "|".join(re.escape(p) for p in reversed(prefixes))
            + r")[A-Za-z0-9_.\-]*\d[A-Za-z0-9_\-]*"
        )
        if prefixes
        else None
    )
    seen: dict[str, str] = {}
    for text in texts:
        for match in _ANNEX_MENTION.finditer(text):
            ref = match[0].rstrip(".")
            if ref not in snapshot.catalogue.all_items:
                seen.setdefault(ref, "the text mentions a catalogue reference that does not exist")
        if id_pattern is None:
            continue
        for match in id_pattern.finditer(text):
            ref = match[0].rstrip(".-")
            if ref not in snapshot.all_ids:
                seen.setdefault(ref, "the text mentions an ID that is not in the register")
    return [flag(UNKNOWN_REFERENCE, ref, message) for ref, message in seen.items()]
