"""Synthetic inputs of the analysis service's handler tests (no corpus text). The taxonomy and sections
repeat the analyzer's test fixtures until the handler tests run on the service's own wiring."""

import pytest

from jdi_analyzer.skills.taxonomy import SkillConcept, SkillTaxonomy

PREFIX = "http://data.europa.eu/esco/skill/"


@pytest.fixture
def taxonomy() -> SkillTaxonomy:
    return SkillTaxonomy(
        version="test-1",
        concepts=(
            SkillConcept(
                PREFIX + "budget",
                "manage budgets",
                ("administer budgets", "budget"),
                ("gérer les budgets", "gestion budgétaire"),
            ),
            SkillConcept(PREFIX + "policy", "develop policies", ("create policies",), ("élaborer des politiques",)),
            SkillConcept(PREFIX + "accounting", "accounting", (), ("comptabilité",)),
            SkillConcept(
                PREFIX + "negotiate", "negotiate agreements", ("negotiate contracts",), ("négocier des ententes",)
            ),
            SkillConcept(PREFIX + "stakeholders", "liaise with stakeholders"),
        ),
    )


SCOPE_PARAGRAPH = (
    "The directorate serves applicants in every province and works with partners in other orders "
    "of government. The Director sets priorities each year, negotiates agreements with partners "
    "and reports on results to senior management."
)


@pytest.fixture
def sections() -> list[tuple[str, str, str]]:
    return [
        (
            "general_accountability",
            "General Accountability",
            (
                "The Director, Widget Programs (DWP) is accountable for the design and delivery of national widget "
                "programs, and for the development of policies that govern widget grants across the country."
            ),
        ),
        (
            "organization_structure",
            "Organization Structure",
            (
                "The Director reports to the Director General, Widget Branch. Three managers report to the Director: "
                "the Manager, Policy, who leads a team of eight analysts; the Manager, Operations, who runs grant "
                "intake; and the Manager, Finance, who manages budgets and forecasts for the directorate as a whole."
            ),
        ),
        (
            "nature_and_scope",
            "Nature and Scope",
            " ".join([SCOPE_PARAGRAPH] * 8),
        ),
        (
            "specific_accountabilities",
            "Specific Accountabilities",
            (
                "1. Manages the budgets of the directorate.\n2. Liaises with stakeholders, ministers and partners.\n"
                "3. Directs the development of policies on widget grants.\n4. Oversees finances of the "
                "directorate, with a strong and competitive leadership style.\n5. Negotiates agreements with "
                "provinces and reviews grant decisions made by regional offices."
            ),
        ),
        (
            "dimensions",
            "Dimensions",
            "Employees: 40 FTEs. Operating budget: $3.2 million. Grants: $45 million.",
        ),
        (
            "other",
            "Language and Security",
            (
                "Linguistic profile: bilingual imperative CBC/CBC. Security level: Secret. "
                "The department is committed to employment equity."
            ),
        ),
    ]
