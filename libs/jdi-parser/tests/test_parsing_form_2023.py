"""The 2023 job-description template: Part 1 fields and statements, Part 2's sentence-case headings (no
infrastructure; synthetic forms)."""

from jdi_parser import parse_text
from jdi_parser.headings import find_headings

# As OCR writes it: a page per line, headings inline in the running text, O and I for 0 and 1.
FORM_2023_OCR = (
    "Government of Canada Gouvernement du Canada Job Description Part I: Position information and signatures "
    "_ Position number 54321 _ Position title Director, Data Stewardship _ Position classification EX-OI _ "
    "Position Effective date 2O24-O6-OI Job Code IO9876 National occupational classification 4OOIO "
    "Department/Agency Name Employment and Social Development Canada (ESDC) _ Geographic location NCR "
    "Organizational component (Branch/Division) Chief Data Office / Data Stewardship Office code _ Language "
    "requirements _ Linguistic profile CBC Communications requirements Security requirements Secret "
    "Supervisor position number IOI234 Supervisor position title Director General, Data Supervisor "
    "classification EX-O3 Employee statement I have been given the opportunity to read and comment on the "
    "content of this job description. Employee name: Jane Doe Employee signature: Date: 2024-06-03 Supervisor "
    "statement I certify, in compliance with the Values and Ethics Code for the Public Sector, that this job "
    "description accurately describes the work assigned to this position. Supervisor name: John Roe "
    "Supervisor signature: Date: Director, Data Stewardship Page I of 3 June I, 2O24\n"
    "Manager authorization I certify, in compliance with the Values and Ethics Code for the Public Sector, "
    "that this job description accurately describes the work assigned to this position. Manager name: Mary "
    "Major Manager signature: Date: Part 2: Job description General accountability The Director is "
    "accountable for: leading the stewardship of the data of the department. Organization structure The "
    "Director is one of four positions reporting to the Director General. Nature and scope The unit serves "
    "every region of the country and the nature and scope of its work grow. Dimensions FTEs: I2 Salaries: "
    "$9OO,OOO Director, Data Stewardship Page 2 of 3 June I, 2O24\n"
    "Specific accountabilities Directs the stewardship program. Working conditions Physical The work is done "
    "in an office."
)
SIGNATURE_STATEMENTS = ("opportunity to read", "I certify", "Values and Ethics")


def test_part_one_fields() -> None:
    parsed = parse_text(FORM_2023_OCR, "x.txt")
    assert parsed.position_number == "54321"
    assert parsed.title == "Director, Data Stewardship"
    assert parsed.classification is not None and parsed.classification.code == "EX-01"
    assert parsed.job_number == "109876"
    assert parsed.department == "Employment and Social Development Canada (ESDC)"
    assert parsed.fields["effective_date"] == "2024-06-01"
    assert parsed.fields["location"] == "NCR"
    assert parsed.fields["branch"] == "Chief Data Office / Data Stewardship"
    assert parsed.fields["reports_to"] == "Director General, Data"
    assert parsed.fields["supervisor_position_number"] == "101234"
    assert parsed.fields["supervisor_classification"] == "EX-03"
    assert parsed.fields["ftes"] == 12


def test_part_two_sections_from_inline_sentence_case_headings() -> None:
    parsed = parse_text(FORM_2023_OCR, "x.txt")
    assert [(section.key, section.heading) for section in parsed.sections] == [
        ("general_accountability", "General accountability"),
        ("organization_structure", "Organization structure"),
        ("nature_and_scope", "Nature and scope"),
        ("dimensions", "Dimensions"),
        ("specific_accountabilities", "Specific accountabilities"),
        ("working_conditions", "Working conditions"),
    ]
    assert (
        parsed.sections[0].text
        == "The Director is accountable for: leading the stewardship of the data of the department."
    )
    # "the nature and scope of its work" in lower case is prose, not a heading.
    assert parsed.sections[2].text.endswith("the nature and scope of its work grow.")
    assert parsed.warnings == []


def test_signature_statements_stay_out_of_sections_and_signers_are_redacted() -> None:
    parsed = parse_text(FORM_2023_OCR, "x.txt")
    section_text = " ".join(section.text for section in parsed.sections)
    assert [statement for statement in SIGNATURE_STATEMENTS if statement in section_text] == []
    assert [name for name in ("Jane", "Doe", "John", "Roe", "Mary", "Major") if name in parsed.text] == []


def test_the_form_as_a_text_layer_with_headings_on_their_own_lines() -> None:
    text = (
        "Part I: Position information and signatures\nPosition title | Director, Data Stewardship\n"
        "Employee's statement\nI have been given the opportunity to read and comment on this job description.\n"
        "Part 2: Job description\nGeneral accountability\nThe Director is accountable for the data.\n"
        "Nature and scope\nThe unit serves every region.\n"
    )
    parsed = parse_text(text, "x.txt")
    assert parsed.title == "Director, Data Stewardship"
    assert [(section.key, section.text) for section in parsed.sections] == [
        ("general_accountability", "The Director is accountable for the data."),
        ("nature_and_scope", "The unit serves every region."),
    ]


def test_the_french_form() -> None:
    text = (
        "Partie I : Renseignements sur le poste et signatures Titre du poste : Directeur, Données "
        "Partie 2 : Description de travail Responsabilités générales Le directeur est responsable des données. "
        "Structure organisationnelle Le directeur relève du directeur général."
    )
    parsed = parse_text(text, "x.txt")
    assert [section.key for section in parsed.sections] == ["general_accountability", "organization_structure"]


def test_sentence_case_inline_headings_count_only_on_the_2023_form() -> None:
    text = "The unit grew. Nature and scope The unit serves every region."
    assert find_headings(text) == []
    assert [heading.key for heading in find_headings(text, sentence_case=True)] == ["nature_and_scope"]
    assert parse_text(text, "x.txt").warnings == ["no_sections_found"]


def test_older_forms_keep_signature_statements_out_of_the_last_section() -> None:
    text = (
        "SPECIFIC ACCOUNTABILITIES 1. Directs the unit. Employee's Statement - Déclaration de l'employé "
        "I have been given the opportunity to comment on this work description. Employee name: Jane Doe"
    )
    parsed = parse_text(text, "x.txt")
    assert [(section.key, section.text) for section in parsed.sections] == [
        ("specific_accountabilities", "1. Directs the unit.")
    ]
