"""Seeded generator of synthetic English and French job descriptions in the style of federal
executive work descriptions. Deterministic for a seed; every sentence is written here.

Used by tests, the demo data of ``make up`` and as the load generator of benchmarks.
"""

import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypedDict

from jdi_contracts.events import Classification, Parsed, Section

_SUBJECTS_EN = (
    "Digital Services",
    "Policy Integration",
    "Labour Market Analysis",
    "Client Relations",
    "Program Delivery",
    "Grants and Contributions",
    "Corporate Planning",
    "Accessibility Programs",
    "Data Strategy",
    "Regional Operations",
)
_SUBJECTS_FR = (
    "Services numériques",
    "Intégration des politiques",
    "Analyse du marché du travail",
    "Relations avec la clientèle",
    "Prestation des programmes",
    "Subventions et contributions",
    "Planification ministérielle",
    "Programmes d'accessibilité",
    "Stratégie des données",
    "Opérations régionales",
)
_ROLES = (
    ("EX-01", "Director", "Directeur"),
    ("EX-02", "Executive Director", "Directeur exécutif"),
    ("EX-03", "Director General", "Directeur général"),
)
_DEPARTMENTS = (
    ("Employment and Social Development Canada", "Emploi et Développement social Canada"),
    ("Service Canada", "Service Canada"),
    ("Labour Program", "Programme du travail"),
)
_LOCATIONS = ("Gatineau, Quebec", "Ottawa, Ontario", "Halifax, Nova Scotia", "Winnipeg, Manitoba")
_MONTHS_EN = ("January", "March", "May", "June", "September", "November")
_MONTHS_FR = ("janvier", "mars", "mai", "juin", "septembre", "novembre")
_DUTIES_EN = (
    "Directs the design and delivery of {subject} initiatives and sets priorities for the division.",
    "Provides strategic advice to the {boss} and senior officials on emerging issues and risks.",
    "Leads consultations with provinces, territories and stakeholders to shape program options.",
    "Manages the human and financial resources of the directorate in line with departmental policies.",
    "Oversees performance measurement and reporting on the results of {subject} activities.",
    "Represents the department on interdepartmental committees and working groups.",
    "Builds partnerships with Indigenous organisations and community groups to improve service outcomes.",
)
_DUTIES_FR = (
    "Dirige la conception et la prestation des initiatives de {subject} et établit les priorités de la division.",
    "Fournit des conseils stratégiques au {boss} et aux cadres supérieurs sur les enjeux et les risques.",
    "Mène des consultations avec les provinces, les territoires et les intervenants sur les options de programme.",
    "Gère les ressources humaines et financières de la direction conformément aux politiques du ministère.",
    "Supervise la mesure du rendement et la production de rapports sur les résultats des activités.",
    "Représente le ministère au sein des comités interministériels et des groupes de travail.",
    "Établit des partenariats avec les organisations autochtones et les groupes communautaires.",
)


@dataclass(frozen=True)
class SampleJobDescription:
    seed: int
    language: str
    job_number: str
    classification: str
    title: str
    department: str
    text: str
    markdown: str
    sections: tuple[Section, ...]

    def parsed_record(self, document_id: str, version: int = 1) -> Parsed:
        """The record ingestion would publish for this description (for tests and load generation)."""
        group, _, level = self.classification.partition("-")
        return Parsed(
            document_id=document_id,
            submission_id=f"submission-{document_id}-{version}",
            version=version,
            sha256=hashlib.sha256(self.markdown.encode()).hexdigest(),
            source_reference=f"synthetic/{self.seed}",
            file_name=f"{document_id}.md",
            media_type="text/markdown",
            language="fr" if self.language == "fr" else "en",
            job_number=self.job_number,
            classification=Classification(group=group, level=level, code=self.classification),
            title=self.title,
            department=self.department,
            sections=list(self.sections),
            redactions=0,
        )


class _Facts(TypedDict):
    """The random facts one description is written around."""

    job_number: str
    position_number: str
    location: str
    ftes: int
    salary: float
    operating: int
    day: int
    month: int
    year: int
    duties: list[int]


def generate_job_description(seed: int, language: str | None = None) -> SampleJobDescription:
    """One synthetic job description; the language is drawn from the seed unless given ("en" or "fr")."""
    rng = random.Random(seed)  # noqa: S311 - reproducible synthetic text, not a secret
    language = language or rng.choice(("en", "en", "fr"))
    code, role_en, role_fr = rng.choice(_ROLES)
    subject_index = rng.randrange(len(_SUBJECTS_EN))
    department_en, department_fr = rng.choice(_DEPARTMENTS)
    facts: _Facts = {
        "job_number": str(rng.randint(100_000, 109_999)),
        "position_number": str(rng.randint(10_000, 99_999)),
        "location": rng.choice(_LOCATIONS),
        "ftes": rng.randint(5, 120),
        "salary": round(rng.uniform(0.5, 12.0), 1),
        "operating": rng.randint(100, 900),
        "day": rng.randint(1, 28),
        "month": rng.randrange(len(_MONTHS_EN)),
        "year": rng.randint(2005, 2024),
        "duties": rng.sample(range(len(_DUTIES_EN)), k=rng.randint(4, len(_DUTIES_EN))),
    }
    if language == "fr":
        title = f"{role_fr}, {_SUBJECTS_FR[subject_index]}"
        department = department_fr
        blocks = _french_blocks(title, code, department, _SUBJECTS_FR[subject_index].lower(), facts)
    else:
        title = f"{role_en}, {_SUBJECTS_EN[subject_index]}"
        department = department_en
        blocks = _english_blocks(title, code, department, _SUBJECTS_EN[subject_index].lower(), facts)
    return SampleJobDescription(
        seed=seed,
        language=language,
        job_number=facts["job_number"],
        classification=code,
        title=title,
        department=department,
        text=_as_text(blocks),
        markdown=_as_markdown(blocks),
        sections=_as_sections(blocks),
    )


def generate_job_descriptions(count: int, seed: int = 0) -> Iterator[SampleJobDescription]:
    """``count`` descriptions, deterministic for ``seed``; suitable as a load generator at 10k+ documents."""
    for index in range(count):
        yield generate_job_description(seed * 1_000_003 + index)


# A document is a title, a list of (label, value) form fields and a list of (heading, paragraphs) sections.
_Blocks = tuple[str, list[tuple[str, str]], list[tuple[str, list[str]]]]


def _english_blocks(title: str, code: str, department: str, subject: str, facts: _Facts) -> _Blocks:
    boss = "Assistant Deputy Minister" if code == "EX-03" else "Director General"
    form = [
        ("Position Title", title),
        ("Classification", code),
        ("Job Code", facts["job_number"]),
        ("Position Number", facts["position_number"]),
        ("Department", department),
        ("Geographic Location", facts["location"]),
        ("Reports to", f"{boss}, {subject.title()}"),
        ("Effective Date", f"{_MONTHS_EN[facts['month']]} {facts['day']}, {facts['year']}"),
    ]
    sections = [
        (
            "General Accountability",
            [
                (
                    f"The {title} is accountable for the leadership, planning and delivery of {subject} programs "
                    "and for providing strategic advice that supports departmental priorities."
                )
            ],
        ),
        (
            "Organization Structure",
            [
                (
                    f"The position is one of several executive positions reporting to the {boss}. Reporting to the "
                    "incumbent are managers responsible for policy, operations and performance reporting."
                )
            ],
        ),
        (
            "Nature and Scope",
            [
                (
                    f"The directorate operates in a complex environment where {subject} must respond to changing "
                    "client needs, new legislation and the expectations of central agencies."
                ),
                "The incumbent must balance competing priorities and maintain strong relationships with partners.",
            ],
        ),
        (
            "Dimensions",
            [
                f"FTEs: {facts['ftes']}",
                f"Salary budget: ${facts['salary']}M",
                f"Operating budget: ${facts['operating']}K",
            ],
        ),
        (
            "Specific Accountabilities",
            [_DUTIES_EN[index].format(subject=subject, boss=boss) for index in facts["duties"]],
        ),
    ]
    return "Job Description", form, sections


def _french_blocks(title: str, code: str, department: str, subject: str, facts: _Facts) -> _Blocks:
    boss = "sous-ministre adjoint" if code == "EX-03" else "directeur général"
    form = [
        ("Titre du poste", title),
        ("Groupe et niveau", code),
        ("Numéro d'emploi", facts["job_number"]),
        ("Numéro du poste", facts["position_number"]),
        ("Ministère", department),
        ("Emplacement géographique", facts["location"]),
        ("Relève de", boss),
        ("Date d'entrée en vigueur", f"{facts['day']} {_MONTHS_FR[facts['month']]} {facts['year']}"),
    ]
    sections = [
        (
            "Responsabilités générales",
            [
                (
                    f"Le titulaire du poste de {title.lower()} est responsable de la direction, de la planification "
                    f"et de la prestation des programmes de {subject} et des conseils stratégiques qui appuient les "
                    "priorités."
                )
            ],
        ),
        (
            "Structure organisationnelle",
            [
                (
                    f"Le poste fait partie des postes de direction qui relèvent du {boss}. Les gestionnaires des "
                    "politiques, des opérations et des rapports sur le rendement relèvent du titulaire."
                )
            ],
        ),
        (
            "Nature et portée",
            [
                (
                    f"La direction évolue dans un milieu complexe où les programmes de {subject} doivent répondre aux "
                    "besoins changeants de la clientèle et aux attentes des organismes centraux."
                )
            ],
        ),
        (
            "Données chiffrées",
            [
                f"ETP : {facts['ftes']}",
                f"Budget salarial : {str(facts['salary']).replace('.', ',')} millions de dollars",
            ],
        ),
        (
            "Responsabilités spécifiques",
            [_DUTIES_FR[index].format(subject=subject, boss=boss) for index in facts["duties"]],
        ),
    ]
    return "Description de Travail", form, sections


def _as_text(blocks: _Blocks) -> str:
    heading, form, sections = blocks
    lines = [heading.upper(), *(f"{label}: {value}" for label, value in form)]
    for section_heading, paragraphs in sections:
        lines += ["", section_heading.upper(), *paragraphs]
    return "\n".join(lines) + "\n"


# Both languages write their sections in this order.
_SECTION_KEYS = (
    "general_accountability",
    "organization_structure",
    "nature_and_scope",
    "dimensions",
    "specific_accountabilities",
)


def _as_sections(blocks: _Blocks) -> tuple[Section, ...]:
    _, _, sections = blocks
    return tuple(
        Section(key=key, heading=heading, text="\n".join(paragraphs))
        for key, (heading, paragraphs) in zip(_SECTION_KEYS, sections, strict=True)
    )


def _as_markdown(blocks: _Blocks) -> str:
    heading, form, sections = blocks
    lines = [f"# {heading}", "", *(f"*   **{label}:** {value}" for label, value in form)]
    for section_heading, paragraphs in sections:
        lines += ["", f"## {section_heading}", "", *paragraphs]
    return "\n".join(lines) + "\n"
