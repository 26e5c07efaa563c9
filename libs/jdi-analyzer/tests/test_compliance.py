from jdi_analyzer.compliance import ComplianceInput, check_compliance


def _checks(sections, group="EX", level="01", job="100001"):
    doc = ComplianceInput("en", group, level, job, sections)
    return {check.id: check for check in check_compliance(doc)}


def test_complete_synthetic_form_passes_every_check(sections):
    checks = _checks(sections)
    assert {c.id: c.passed for c in checks.values()} == dict.fromkeys(checks, True)
    assert all(c.why for c in checks.values())


def test_each_check_fails_on_what_it_checks(sections):
    bare = [(k, h, t) for k, h, t in sections if k not in ("dimensions", "other")]
    checks = _checks(bare, group="AS", level="07", job=None)
    failed = {c.id for c in checks.values() if not c.passed}
    assert failed == {
        "classification-stated",
        "position-number-stated",
        "core-sections-present",
        "dimensions-quantified",
        "official-language-requirement",
        "security-level-stated",
        "employment-equity-statement",
    }
    assert "dimensions" in checks["core-sections-present"].detail
    assert "AS-07" in checks["classification-stated"].detail


def test_incumbent_name_fails_without_repeating_the_name(sections):
    checks = _checks([*sections, ("other", "Signatures", "Incumbent: Jane Example")])
    assert not checks["no-personal-information"].passed
    assert "Jane" not in checks["no-personal-information"].detail
