"""EU AI Act classification values: W3C DPV EU AI Act terms, and AIRO/VAIR descriptions.

A system's AI Act risk level, the organisation's operator roles and the Annex III / Article 5 /
Article 6(1) categories it falls under are DPV EU AI Act individuals
(``https://w3id.org/dpv/legal/eu/aiact#``). The facts the AIRO high-risk shapes test (purpose,
capability, AI subject, domain, deployer) are VAIR terms, each under the AIRO class of its kind.
The terms and their hierarchy ship in ``ontology/ai-act.ttl`` (scripts/build_ai_act_terms.py).
"""

from __future__ import annotations

from functools import cache

import pyoxigraph as ox

from riskgraph.model.fields import ConceptEnum
from riskgraph.resources import ontology_file
from riskgraph.vocab import AIRO, RDFS, class_closure

AIACT = "https://w3id.org/dpv/legal/eu/aiact#"
VAIR = "https://w3id.org/vair#"
AI_ACT_TERMS_FILE = "ai-act.ttl"


class AIActConcept(ConceptEnum):
    """A ConceptEnum whose members are DPV EU AI Act individuals rather than rg: ones."""

    @property
    def iri(self) -> str:
        return AIACT + self.concept_name


class AIActLevel(AIActConcept):
    PROHIBITED = "prohibited"
    HIGH = "high"
    TRANSPARENCY = "transparency"
    MINIMAL = "minimal"
    NOT_HIGH = "not-high"

    @property
    def concept_name(self) -> str:
        return _LEVEL_NAMES[self.value]


_LEVEL_NAMES = {
    "prohibited": "RiskLevelProhibited",
    "high": "RiskLevelHigh",
    "transparency": "RiskLevelTransparencyRequired",
    "minimal": "RiskLevelMinimal",
    "not-high": "RiskLevelNotHigh",
}


class AIActRole(AIActConcept):
    PROVIDER = "provider"
    DEPLOYER = "deployer"
    IMPORTER = "importer"
    DISTRIBUTOR = "distributor"

    @property
    def concept_name(self) -> str:
        return "AI" + self.value.title()


class AIActCategory(AIActConcept):
    """The Annex, Article and point a classification relies on."""

    ART_5_1_A = "art-5-1-a"
    ART_5_1_B = "art-5-1-b"
    ART_5_1_C = "art-5-1-c"
    ART_5_1_D = "art-5-1-d"
    ART_5_1_E = "art-5-1-e"
    ART_5_1_F = "art-5-1-f"
    ART_5_1_G = "art-5-1-g"
    ART_5_1_H = "art-5-1-h"
    ART_6_1 = "art-6-1"
    ANNEX_III_1_A = "annex-iii-1-a"
    ANNEX_III_1_B = "annex-iii-1-b"
    ANNEX_III_1_C = "annex-iii-1-c"
    ANNEX_III_2 = "annex-iii-2"
    ANNEX_III_3_A = "annex-iii-3-a"
    ANNEX_III_3_B = "annex-iii-3-b"
    ANNEX_III_3_C = "annex-iii-3-c"
    ANNEX_III_3_D = "annex-iii-3-d"
    ANNEX_III_4_A = "annex-iii-4-a"
    ANNEX_III_4_B = "annex-iii-4-b"
    ANNEX_III_5_A = "annex-iii-5-a"
    ANNEX_III_5_B = "annex-iii-5-b"
    ANNEX_III_5_C = "annex-iii-5-c"
    ANNEX_III_5_D = "annex-iii-5-d"
    ANNEX_III_6_A = "annex-iii-6-a"
    ANNEX_III_6_B = "annex-iii-6-b"
    ANNEX_III_6_C = "annex-iii-6-c"
    ANNEX_III_6_D = "annex-iii-6-d"
    ANNEX_III_6_E = "annex-iii-6-e"
    ANNEX_III_7_A = "annex-iii-7-a"
    ANNEX_III_7_B = "annex-iii-7-b"
    ANNEX_III_7_C = "annex-iii-7-c"
    ANNEX_III_7_D = "annex-iii-7-d"
    ANNEX_III_8_A = "annex-iii-8-a"
    ANNEX_III_8_B = "annex-iii-8-b"

    @property
    def concept_name(self) -> str:
        """art-5-1-a -> ProhibitedAISystem-A5-1-a, art-6-1 -> HighRiskAISystem-A6-1,
        annex-iii-5-b -> HighRiskAISystem-AnnexIII-5-b (the DPV names)."""
        if self.value.startswith("annex-iii-"):
            return "HighRiskAISystem-AnnexIII-" + self.value.removeprefix("annex-iii-")
        if self.value.startswith("art-5-"):
            return "ProhibitedAISystem-A5-" + self.value.removeprefix("art-5-")
        return "HighRiskAISystem-A6-" + self.value.removeprefix("art-6-")

    @property
    def level(self) -> AIActLevel:
        """The risk level the category implies."""
        return AIActLevel.PROHIBITED if self.value.startswith("art-5-") else AIActLevel.HIGH

    @property
    def label(self) -> str:
        """'Annex III 5(b)', 'Article 5(1)(a)', 'Article 6(1)'."""
        parts = self.value.split("-")
        if parts[0] == "annex":
            return f"Annex III {parts[2]}" + (f"({parts[3]})" if len(parts) > 3 else "")
        return f"Article {parts[1]}" + "".join(f"({p})" for p in parts[2:])


AIRO_FACTS: dict[str, str] = {
    "ai_purposes": AIRO + "Purpose",
    "ai_capabilities": AIRO + "AICapability",
    "ai_subjects": AIRO + "AISubject",
    "ai_domains": AIRO + "Domain",
    "ai_deployers": AIRO + "AIOperator",
}
"""Each AIRO/VAIR field of a system, and the AIRO class its VAIR terms must fall under."""


@cache
def _superclasses() -> dict[str, frozenset[str]]:
    parents: dict[str, set[str]] = {}
    path = ontology_file(AI_ACT_TERMS_FILE)
    for triple in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
        if triple.predicate.value == RDFS + "subClassOf" and isinstance(
            triple.object, ox.NamedNode
        ):
            parents.setdefault(triple.subject.value, set()).add(triple.object.value)
    return class_closure(parents)


@cache
def vair_terms(root: str) -> tuple[str, ...]:
    """Local names of the VAIR classes under the AIRO class ``root``, sorted."""
    return tuple(
        sorted(
            cls.removeprefix(VAIR)
            for cls, supers in _superclasses().items()
            if cls.startswith(VAIR) and root in supers
        )
    )


def superclasses(iri: str) -> frozenset[str]:
    """Every class ``iri`` falls under (AIRO/VAIR hierarchy), itself included."""
    return _superclasses().get(iri, frozenset({iri}))
