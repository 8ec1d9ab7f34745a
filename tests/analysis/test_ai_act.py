"""EU AI Act classification: the model's values, AIRO's shapes with required properties, the
hand path through the write pipeline, and the two gap rules (with and without the crosswalk)."""

from __future__ import annotations

from pathlib import Path

import pydantic
import pytest

from riskgraph.analysis.ai_act import derive_candidates, register_candidates
from riskgraph.analysis.gaps import run_gaps
from riskgraph.errors import InputError
from riskgraph.model.ai_act import AIRO_FACTS, AIActCategory, AIActLevel, vair_terms
from riskgraph.model.entities import AISystem
from riskgraph.model.rdf import IdResolver, from_properties, group_by_subject, to_quads
from riskgraph.register import Register
from riskgraph.vocab import AIRO
from tests.cli_run import run

ALL_POINTS = 25
"""Annex III points AIRO's 28 shapes cover (5(d), 6(b) and 7(a) have two shapes each)."""
EXAMPLE_CANDIDATES = {
    "SYS-CHATBOT": [],
    "SYS-CODE": [],
    "SYS-CREDIT": ["annex-iii-5-b"],
    "SYS-CV": ["annex-iii-4-a"],
    "SYS-DEMAND": [],
    "SYS-DRAFTING": [],
    "SYS-FRAUD": [],
    "SYS-TRIAGE": [],
}


def test_every_category_names_a_dpv_term_and_implies_its_level() -> None:
    from riskgraph.model.ai_act import AI_ACT_TERMS_FILE
    from riskgraph.resources import ontology_file

    text = ontology_file(AI_ACT_TERMS_FILE).read_text(encoding="utf-8")
    for category in AIActCategory:
        assert f"eu-aiact:{category.concept_name} a " in text, category
    for level in AIActLevel:
        assert f"eu-aiact:{level.concept_name} a " in text, level
    assert AIActCategory("annex-iii-5-b").label == "Annex III 5(b)"
    assert AIActCategory("art-5-1-a").label == "Article 5(1)(a)"
    assert AIActCategory("art-5-1-a").level is AIActLevel.PROHIBITED
    assert AIActCategory("art-6-1").level is AIActLevel.HIGH


def test_a_classification_round_trips_through_rdf() -> None:
    system = AISystem(
        id="SYS-A",
        title="Scoring",
        ai_act_level="high",
        ai_act_roles=["provider", "deployer"],
        ai_act_categories=["annex-iii-5-b"],
        ai_purposes=["DeterminingCreditScore", "AssessingCreditworthiness"],
        ai_subjects=["NaturalPerson"],
        ai_domains=["PrivateService"],
    )
    quads = to_quads(system, "https://x.example/")
    props = group_by_subject((q.subject, q.predicate, q.object) for q in quads)
    back = from_properties(
        AISystem, props["https://x.example/SYS-A"], IdResolver("https://x.example/")
    )
    assert back == system
    assert system.ai_purposes == ["AssessingCreditworthiness", "DeterminingCreditScore"]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"ai_purposes": ["NaturalPerson"]}, "not a VAIR term under airo:Purpose"),
        ({"ai_subjects": ["Recruiting"]}, "not a VAIR term under airo:AISubject"),
        ({"ai_act_level": "high"}, "needs the Annex III point or Article"),
        ({"ai_act_level": "high", "ai_act_categories": ["art-5-1-a"]}, "makes a system prohibited"),
        ({"ai_act_level": "minimal", "ai_act_categories": ["annex-iii-2"]}, "makes a system high"),
        ({"ai_act_roles": ["manufacturer"]}, "ai_act_roles"),
    ],
)
def test_unknown_or_inconsistent_values_are_refused(values: dict, message: str) -> None:
    with pytest.raises(pydantic.ValidationError, match=message):
        AISystem(id="SYS-A", title="x", **values)


def test_each_airo_field_accepts_only_terms_under_its_airo_class() -> None:
    for name, root in AIRO_FACTS.items():
        terms = vair_terms(root)
        assert terms, name
        AISystem(id="SYS-A", title="x", **{name: list(terms[:2])})
    assert "Recruiting" in vair_terms(AIRO + "Purpose")
    assert "Recruiting" not in vair_terms(AIRO + "Domain")


def test_shapes_as_published_flag_every_undescribed_system_for_every_point() -> None:
    bare = [AISystem(id=f"SYS-{n}", title="x") for n in range(8)]
    naive = derive_candidates(bare, require_properties=False)
    assert all(len(item.categories) == ALL_POINTS for item in naive)
    assert all(len(item.candidates) == 28 for item in naive)
    required = derive_candidates(bare)
    assert all(item.candidates == [] and not item.described for item in required)


def test_a_shape_applies_only_when_every_property_it_tests_is_recorded() -> None:
    full = AISystem(
        id="SYS-A",
        title="x",
        ai_purposes=["Recruiting"],
        ai_subjects=["JobApplicant"],
        ai_domains=["Employment"],
    )
    no_subject = full.model_copy(update={"ai_subjects": []})
    other = full.model_copy(update={"ai_purposes": ["Planning"]})
    results = derive_candidates([full, no_subject, other])
    assert [r.categories for r in results] == [[AIActCategory.ANNEX_III_4_A], [], []]
    assert results[1].missing == ["ai_capabilities", "ai_subjects", "ai_deployers"]


def test_narrower_vair_terms_count_for_a_shape() -> None:
    # The 5(b) shape asks for vair:PrivateService or vair:PublicService as domain and for a
    # natural person as subject: vair:NaturalPerson itself, or any narrower subject.
    system = AISystem(
        id="SYS-A",
        title="x",
        ai_purposes=["AssessingCreditworthiness"],
        ai_subjects=["VulnerablePerson"],
        ai_domains=["PrivateService"],
    )
    assert derive_candidates([system])[0].categories == [AIActCategory.ANNEX_III_5_B]


def test_on_the_example_some_systems_are_derived_high_risk_and_others_not(
    example_register_folder: Path,
) -> None:
    register = Register.open(example_register_folder)
    with register.reader() as store:
        found = register_candidates(store, register.base_iri, [])
    assert {c.system: [x.value for x in c.categories] for c in found} == EXAMPLE_CANDIDATES
    drafting = next(c for c in found if c.system == "SYS-DRAFTING")
    assert not drafting.described


def test_an_unknown_system_is_an_error_not_an_empty_answer(example_register_folder: Path) -> None:
    register = Register.open(example_register_folder)
    with register.reader() as store, pytest.raises(InputError, match="SYS-CREDIT"):
        register_candidates(store, register.base_iri, ["SYS-CRED"])
    with register.reader() as store, pytest.raises(InputError, match="not an AI system"):
        register_candidates(store, register.base_iri, ["R-001"])


# --- the hand path ----------------------------------------------------------------------------


def test_classify_writes_through_the_pipeline_and_undo_reverts_it(
    example_register_folder: Path,
) -> None:
    folder = str(example_register_folder)
    args = ["ai-act", "classify", "SYS-CV", "-r", folder, "--level", "high", "--role", "deployer"]
    missing = run(*args, "--rationale", "Ranks job applicants", "--by", "P-SPATEL")
    assert missing.code == 2 and "ai_act_categories" in missing.err
    unknown = run(*args, "--category", "annex-iii-4-a", "--rationale", "r", "--by", "P-NOBODY")
    assert unknown.code == 2 and "P-NOBODY" in unknown.err
    done = run(
        *args,
        "--category",
        "annex-iii-4-a",
        "--rationale",
        "Ranks job applicants",
        "--by",
        "P-SPATEL",
        "--on",
        "2026-11-20",
    )
    assert done.code == 0, done.err
    shown = run("show", "SYS-CV", "-r", folder)
    assert "annex-iii-4-a" in shown.out and "P-SPATEL" in shown.out
    register = Register.open(example_register_folder)
    with register.reader() as store:
        report = run_gaps(register, store)
    assert report.rule("systems-without-ai-act-classification").count == 0
    assert [r["id"] for r in report.rule("high-risk-systems-without-ai-act-controls").rows] == [
        "SYS-CREDIT",
        "SYS-CV",
        "SYS-TRIAGE",
    ]
    assert run("undo", "-r", folder).code == 0
    with register.reader() as store:
        report = run_gaps(register, store)
    assert [r["id"] for r in report.rule("systems-without-ai-act-classification").rows] == [
        "SYS-CV"
    ]


def test_cli_candidates_and_terms(example_register_folder: Path) -> None:
    folder = str(example_register_folder)
    shown = run("ai-act", "candidates", "-r", folder, "SYS-CV", "SYS-DRAFTING")
    assert shown.code == 0, shown.err
    assert "Annex III 4(a)" in shown.out and "no AIRO/VAIR facts" in shown.out
    naive = run("ai-act", "candidates", "-r", folder, "--as-published", "SYS-DRAFTING")
    assert "Annex III 8(b)" in naive.out
    assert run("ai-act", "candidates", "-r", folder, "SYS-NOPE").code == 2
    listed = run("ai-act", "terms", "domain")
    assert listed.code == 0 and "Employment" in listed.out.split()
    assert run("ai-act", "terms", "colour").code == 2


# --- the crosswalk gap rule -------------------------------------------------------------------


def test_with_the_finos_crosswalk_controls_close_the_requirements_they_map_to(
    example_register_folder: Path,
) -> None:
    folder = str(example_register_folder)
    register = Register.open(example_register_folder)
    with register.reader() as store:
        before = run_gaps(register, store).rule("high-risk-systems-without-ai-act-controls")
    assert [row["requirements_open"] for row in before.rows] == ["7", "7"]
    assert run("library", "load", "finos-aigf", "-r", folder).code == 0
    with register.reader() as store:
        after = run_gaps(register, store).rule("high-risk-systems-without-ai-act-controls")
    rows = {row["id"]: row for row in after.rows}
    assert rows["SYS-CREDIT"]["articles_without_controls"] == "Art. 11 technical documentation"
    assert rows["SYS-TRIAGE"]["articles_without_controls"] == (
        "Art. 10 data governance; Art. 11 technical documentation"
    )
    with register.reader() as store:
        limited = run_gaps(register, store, system="SYS-FRAUD")
    assert limited.rule("high-risk-systems-without-ai-act-controls").count == 0
