"""Exclusionary and gender-coded wording, English and French.

Gender-coded words follow Gaucher, Friesen & Kay (2011), "Evidence that gendered
wording in job advertisements exists and sustains gender inequality", JPSP
101(1). The paper lists word stems ("compet*"); here every stem is spelled out
as the whole words it stands for, because matching a bare prefix would flag
"responsible" for "respon*" (whose intended words are "responsive" and
"responsiveness"). French lists are the same ideas in French word forms.
"""

from dataclasses import dataclass
from typing import Literal

Category = Literal[
    "gender-coded-masculine",
    "gender-coded-feminine",
    "gendered-term",
    "age",
    "disability",
    "cultural",
]


@dataclass(frozen=True)
class LexiconEntry:
    category: Category
    forms: tuple[str, ...]
    suggestion: str


def _entries(category: Category, suggestion: str, *families: str) -> list[LexiconEntry]:
    """One entry per word family; a family is its whole-word forms separated by '|'."""
    return [LexiconEntry(category, tuple(family.split("|")), suggestion) for family in families]


_MASCULINE_EN = "Gaucher et al. masculine-coded; balance with communal wording or use a neutral verb such as "
_FEMININE_EN = "Gaucher et al. feminine-coded; fine in moderation, balance with agentic wording such as "

ENGLISH: list[LexiconEntry] = [
    *_entries(
        "gender-coded-masculine",
        _MASCULINE_EN + "'motivated', 'keen', 'capable'.",
        "active",
        "adventurous",
        "aggressive|aggressively|aggression",
        "ambitious|ambition",
        "assertive|assertively|assertiveness",
        "athletic",
        "autonomous|autonomy",
        "boast|boasts|boastful",
        "challenging",
        "competitive|competitively|competitiveness|compete|competes|competing",
        "confident|self-confident|self-confidence",
        "courageous|courage",
        "decisive|decisively|decisiveness",
        "determined|determination",
        "dominant|dominance|dominate|dominates|dominating",
        "forceful|forcefully",
        "greedy",
        "headstrong",
        "hierarchical|hierarchy",
        "hostile|hostility",
        "impulsive",
        "independent|independently|independence",
        "intellect|intellectual",
        "lead|leads|leading|leader|leaders|leadership",
        "logic",
        "masculine",
        "objective",
        "outspoken",
        "persist|persistent|persistence",
        "reckless",
        "self-reliant|self-reliance",
        "self-sufficient|self-sufficiency",
        "stubborn",
        "superior",
    ),
    *_entries(
        "gender-coded-feminine",
        _FEMININE_EN + "'drive', 'deliver', 'decide'.",
        "affectionate",
        "cheerful|cheer",
        "committed|commitment|commitments",
        "communal",
        "compassion|compassionate",
        "considerate",
        "cooperative|cooperate|cooperates|cooperation",
        "emotional|emotionally",
        "empathy|empathetic|empathic",
        "feminine",
        "gentle",
        "honest|honesty",
        "interpersonal",
        "interdependent|interdependence",
        "kind|kindness",
        "loyal|loyalty",
        "modest|modesty",
        "nurture|nurturing",
        "pleasant",
        "polite",
        "quiet",
        "responsive|responsiveness",
        "sensitive|sensitivity",
        "submissive",
        "supportive",
        "sympathetic|sympathy",
        "tender",
        "together",
        "trust|trusting",
        "understanding",
        "warm|warmth",
        "yield|yielding",
    ),
    LexiconEntry("gendered-term", ("chairman", "chairmen"), "Use 'chair' or 'chairperson'."),
    LexiconEntry("gendered-term", ("manpower",), "Use 'staff', 'workforce' or 'personnel'."),
    LexiconEntry(
        "gendered-term",
        ("man-hours", "man hours"),
        "Use 'person-hours' or 'work hours'.",
    ),
    LexiconEntry(
        "gendered-term",
        ("workmanlike", "craftsman", "craftsmen"),
        "Use 'skilled', 'artisan' or 'trades worker'.",
    ),
    LexiconEntry(
        "gendered-term",
        ("he or she", "he/she", "his or her", "his/her", "s/he"),
        "Use 'they' or 'their'.",
    ),
    LexiconEntry(
        "gendered-term",
        ("salesman", "salesmen"),
        "Use 'salesperson' or 'sales representative'.",
    ),
    LexiconEntry(
        "age",
        ("young", "youthful"),
        "Describe the work, not the age of the person: remove it.",
    ),
    LexiconEntry(
        "age",
        ("energetic",),
        "Age-coded; say what pace the work has, e.g. 'fast-paced environment'.",
    ),
    LexiconEntry(
        "age",
        ("recent graduate", "recent graduates", "new graduate"),
        "Say the education needed instead.",
    ),
    LexiconEntry(
        "age",
        ("digital native", "digital natives"),
        "Name the digital skills needed instead.",
    ),
    LexiconEntry(
        "age",
        ("overqualified",),
        "Remove: it screens out experienced (often older) candidates.",
    ),
    LexiconEntry(
        "age",
        ("seasoned",),
        "Age-coded; say 'experienced' with the years or skills needed.",
    ),
    LexiconEntry(
        "disability",
        ("able-bodied",),
        "State the actual physical task, with accommodation available.",
    ),
    LexiconEntry(
        "disability",
        ("physically fit",),
        "State the actual physical task, with accommodation available.",
    ),
    LexiconEntry("disability", ("handicapped",), "Use 'person with a disability'."),
    LexiconEntry(
        "disability",
        ("wheelchair-bound", "confined to a wheelchair"),
        "Use 'wheelchair user'.",
    ),
    LexiconEntry("disability", ("crippled", "crippling"), "Use 'severe' or 'disabling'."),
    LexiconEntry("disability", ("lame",), "Use 'weak' or 'unconvincing'."),
    LexiconEntry("disability", ("crazy", "insane"), "Use 'unexpected' or 'unreasonable'."),
    LexiconEntry("disability", ("sanity check",), "Use 'quick check' or 'confidence check'."),
    LexiconEntry("disability", ("tone-deaf",), "Use 'insensitive'."),
    LexiconEntry(
        "cultural",
        ("native english speaker", "native speaker", "native speakers"),
        "Name the language proficiency level needed.",
    ),
    LexiconEntry("cultural", ("mother tongue",), "Name the language proficiency level needed."),
    LexiconEntry(
        "cultural",
        ("canadian experience",),
        "Name the experience needed; the Ontario Human Rights Commission treats a 'Canadian experience' "
        "requirement as discrimination.",
    ),
    LexiconEntry(
        "cultural",
        ("culture fit", "cultural fit"),
        "Name the values or behaviours needed.",
    ),
    LexiconEntry(
        "cultural",
        ("clean-shaven",),
        "Remove unless a documented safety requirement; it excludes some religious practice.",
    ),
    LexiconEntry(
        "cultural",
        ("blacklist", "blacklists", "whitelist", "whitelists"),
        "Use 'blocklist' or 'allowlist'.",
    ),
]

_MASCULINE_FR = "Codé masculin (Gaucher et al.); équilibrez avec une formulation collaborative ou neutre."
_FEMININE_FR = "Codé féminin (Gaucher et al.); à équilibrer avec une formulation orientée vers l'action."

FRENCH: list[LexiconEntry] = [
    *_entries(
        "gender-coded-masculine",
        _MASCULINE_FR,
        "ambitieux|ambitieuse|ambitieuses|ambition",
        "agressif|agressive|agressifs|agressives|agressivité",
        "affirmé|affirmée|affirmés|affirmées",
        "audacieux|audacieuse|audace",
        "autonome|autonomes|autonomie",
        "compétitif|compétitive|compétitifs|compétitives|compétitivité",
        "décisif|décisive|décisifs|décisives",
        "déterminé|déterminée|déterminés|déterminées|détermination",
        "dominant|dominante|dominants|dominantes|dominer",
        "indépendant|indépendante|indépendants|indépendantes|indépendance",
        "leader|leaders|leadership",
        "persévérant|persévérante|persévérance",
        "têtu|têtue",
    ),
    *_entries(
        "gender-coded-feminine",
        _FEMININE_FR,
        "bienveillant|bienveillante|bienveillants|bienveillantes|bienveillance",
        "chaleureux|chaleureuse|chaleureuses",
        "compatissant|compatissante|compassion",
        "empathique|empathiques|empathie",
        "engagé|engagée|engagés|engagées|engagement",
        "honnête|honnêtes|honnêteté",
        "loyal|loyale|loyaux|loyales|loyauté",
        "sensible|sensibles|sensibilité",
        "solidaire|solidaires|solidarité",
        "doux|douce|douceur",
    ),
    LexiconEntry(
        "gendered-term",
        ("main-d'œuvre masculine", "homme de métier"),
        "Utilisez une formulation épicène : « personnel », « gens de métier ».",
    ),
    LexiconEntry(
        "gendered-term",
        ("homme d'affaires", "hommes d'affaires"),
        "Utilisez « gens d'affaires ».",
    ),
    LexiconEntry("age", ("jeune", "jeunes"), "Décrivez le travail, non l'âge de la personne."),
    LexiconEntry(
        "age",
        (
            "jeune diplômé",
            "jeune diplômée",
            "jeunes diplômés",
            "récemment diplômé",
            "récemment diplômée",
        ),
        "Précisez plutôt la formation exigée.",
    ),
    LexiconEntry(
        "age",
        ("surqualifié", "surqualifiée", "surqualifiés"),
        "À retirer : exclut les personnes d'expérience.",
    ),
    LexiconEntry(
        "disability",
        ("handicapé", "handicapée", "handicapés", "handicapées"),
        "Utilisez « personne en situation de handicap ».",
    ),
    LexiconEntry(
        "disability",
        ("en bonne forme physique", "apte physiquement"),
        "Décrivez la tâche physique réelle et l'adaptation offerte.",
    ),
    LexiconEntry(
        "disability",
        ("confiné à un fauteuil roulant", "cloué dans un fauteuil roulant"),
        "Utilisez « personne utilisant un fauteuil roulant ».",
    ),
    LexiconEntry(
        "cultural",
        ("langue maternelle",),
        "Précisez le niveau de compétence linguistique exigé.",
    ),
    LexiconEntry(
        "cultural",
        ("expérience canadienne",),
        "Précisez l'expérience exigée; l'exigence d'une « expérience canadienne » est discriminatoire.",
    ),
    LexiconEntry("cultural", ("de souche",), "À retirer : exclut selon l'origine."),
]

# "young" and "jeunes" usually name the clients of a program ("young Canadians",
# "programmes pour les jeunes"), not the candidate; these neighbours mark that use.
CLIENT_GROUP_NEXT_WORDS = {
    "people",
    "persons",
    "canadians",
    "workers",
    "offenders",
    "adults",
    "children",
    "gens",
}
CLIENT_GROUP_PREVIOUS_WORDS = {"les", "des", "aux", "pour"}
