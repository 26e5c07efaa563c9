from jdi_analyzer.comparison import (
    ComparableDocument,
    SkillRef,
    career_paths,
    compare_documents,
    skill_gap,
)

U = "http://data.europa.eu/esco/skill/"


def _skill(name, confidence=0.9, section="specific_accountabilities"):
    return SkillRef(uri=U + name, label=name, confidence=confidence, section=section)


def _doc(doc_id, level, skills, group="EX", sections=None):
    return ComparableDocument(
        document_id=doc_id,
        title=doc_id,
        language="en",
        classification_group=group,
        classification_level=level,
        sections=sections or [("general_accountability", "GA", "Leads widget programs.")],
        skills=skills,
    )


def test_document_compared_with_itself_is_identical(sections):
    doc = _doc("a", "01", [_skill("budgets")], sections=sections)
    result = compare_documents(doc, doc)
    assert result.overall_similarity == 1.0
    assert all(s.similarity == 1.0 for s in result.sections)
    assert [s.label for s in result.shared_skills] == ["budgets"]
    assert result.skill_overlap == 1.0


def test_side_by_side_sections_and_skills():
    left = _doc(
        "a",
        "01",
        [_skill("budgets"), _skill("policy")],
        sections=[
            ("general_accountability", "GA", "Manages grant programs."),
            ("dimensions", "D", "40 FTEs"),
        ],
    )
    right = _doc(
        "b",
        "02",
        [_skill("policy"), _skill("negotiation")],
        sections=[
            ("general_accountability", "GA", "Manages grant policy."),
            ("knowledge", "K", "Law."),
        ],
    )
    result = compare_documents(left, right)
    by_key = {s.key: s for s in result.sections}
    assert 0 < by_key["general_accountability"].similarity < 1
    assert by_key["dimensions"].similarity is None and not by_key["dimensions"].in_right
    assert by_key["knowledge"].in_right and not by_key["knowledge"].in_left
    assert [s.label for s in result.left_only_skills] == ["budgets"]
    assert [s.label for s in result.right_only_skills] == ["negotiation"]
    assert result.skill_overlap == round(1 / 3, 4)


def test_skill_gap_ranks_missing_skills_by_importance():
    current = [_skill("budgets")]
    target = [
        _skill("budgets"),
        _skill("scope", 0.9, "nature_and_scope"),
        _skill("law", 0.8, "qualifications"),
        _skill("policy", 0.95, "specific_accountabilities"),
    ]
    gap = skill_gap(current, target)
    assert [g.label for g in gap] == ["policy", "law", "scope"]
    assert gap[0].importance == 0.95


def test_career_paths_one_and_two_levels_up_in_same_group():
    current = _doc("me", "01", [_skill("budgets")])
    candidates = [
        _doc("ex2-close", "02", [_skill("budgets")]),
        _doc("ex2-far", "02", [_skill("law"), _skill("policy")]),
        _doc("ex3", "03", [_skill("law")]),
        _doc("ex4", "04", []),
        _doc("peer", "01", []),
        _doc("other-group", "02", [], group="PM"),
    ]
    steps = career_paths(current, candidates)
    assert [(s.document_id, s.levels_up) for s in steps] == [
        ("ex2-close", 1),
        ("ex2-far", 1),
        ("ex3", 2),
    ]
    assert [g.label for g in steps[1].gap] == ["law", "policy"]
    assert steps[0].similarity == 1.0


def test_career_paths_need_a_classification():
    assert career_paths(_doc("x", None, []), [_doc("y", "02", [])]) == []
