"""Draft an AI system's EU AI Act classification with a language model.

The model sees the system's text and its AIRO/VAIR description (and the Annex III points AIRO's
shapes derive from it) and answers a level, the points relied on, operator roles and a rationale
(template ``prompts/ai-act-classification``). The answer is grounded: a point that is not an
Article 5, Article 6(1) or Annex III point of the DPV vocabulary is flagged and dropped, and a
point that contradicts the level is flagged. A draft counts for nothing until a person accepts it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from riskgraph.assistant.chat import ChatClient
from riskgraph.assistant.prompts import PromptTemplate, data_block_json
from riskgraph.assistant.protocol import Message, ModelCallError, strip_fence
from riskgraph.model.ai_act import AIActCategory, AIActLevel, AIActRole

AI_ACT_CLASSIFICATION = ("ai-act-classification", "v1")
"""The template the assistant uses to draft a classification."""
SCHEMA_NAME = "ai_act_classification"


@dataclass(frozen=True)
class ClassificationDraft:
    level: AIActLevel
    categories: list[AIActCategory]
    roles: list[AIActRole]
    rationale: str
    flags: list[str] = field(default_factory=list)
    """Grounding problems: unknown points (dropped), points that contradict the level."""
    model: str = ""
    request_sha256: str | None = None

    @property
    def high_risk(self) -> bool:
        return self.level in (AIActLevel.HIGH, AIActLevel.PROHIBITED)


def build_messages(template: PromptTemplate, system_id: str, data: dict[str, Any]) -> list[Message]:
    user = template.render_user(system_id=system_id, data_json=data_block_json(data))
    return [{"role": "system", "content": template.system}, {"role": "user", "content": user}]


def parse_classification(content: str) -> ClassificationDraft:
    """The model's answer, grounded; raises ModelCallError when it is not a classification."""
    text = strip_fence(content)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ModelCallError(f"the model's answer is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ModelCallError("the model's answer is not a JSON object")
    try:
        level = AIActLevel(str(data.get("level", "")).strip().lower())
    except ValueError:
        raise ModelCallError(
            f"the model's level {data.get('level')!r} is not one of "
            + ", ".join(m.value for m in AIActLevel)
        ) from None
    flags: list[str] = []
    categories: list[AIActCategory] = []
    for raw in _strings(data.get("categories")):
        try:
            category = AIActCategory(raw.strip().lower())
        except ValueError:
            flags.append(f"unknown point {raw!r} dropped")
            continue
        if category.level is not level:
            flags.append(f"{category.value} implies {category.level.value}, not {level.value}")
            continue
        categories.append(category)
    roles = []
    for raw in _strings(data.get("roles")):
        try:
            roles.append(AIActRole(raw.strip().lower()))
        except ValueError:
            flags.append(f"unknown role {raw!r} dropped")
    if level in (AIActLevel.HIGH, AIActLevel.PROHIBITED) and not categories:
        flags.append(f"a {level.value} level with no known point to rely on")
    rationale = str(data.get("rationale") or "").strip()
    return ClassificationDraft(level, sorted(set(categories)), sorted(set(roles)), rationale, flags)


def _strings(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def classify(
    client: ChatClient, template: PromptTemplate, system_id: str, data: dict[str, Any]
) -> ClassificationDraft:
    """One model call (the client retries transport failures); a grounded draft."""
    messages = build_messages(template, system_id, data)
    answer = client.complete(messages, template.response_schema, system_id, schema_name=SCHEMA_NAME)
    draft = parse_classification(answer.content)
    return ClassificationDraft(
        draft.level,
        draft.categories,
        draft.roles,
        draft.rationale,
        draft.flags,
        model=answer.model,
        request_sha256=answer.request_sha256,
    )
