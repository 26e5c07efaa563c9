"""Print the skills extracted from the first N corpus documents, for judging precision by hand.

    uv run python tests/corpus/review_analysis_skills.py [N] [--embed]

--embed adds embedding similarity with jdi_embedder (the first run embeds every
ESCO label, about 1.5 minutes on 2 cores; later runs read the cache).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from test_analysis_corpus import corpus_files, load_document

from jdi_analyzer.skills.matcher import SkillMatcher, SkillMatcherSettings
from jdi_analyzer.skills.taxonomy import SkillTaxonomy


def main(count: int, embed: bool) -> None:
    embedder = None
    if embed:
        from jdi_embedder import OnnxEmbedder

        embedder = OnnxEmbedder.load()
    cache = Path(__file__).resolve().parents[2] / ".work" / "analysis-cache"
    matcher = SkillMatcher(SkillTaxonomy.load(), embedder, SkillMatcherSettings(cache_dir=cache))
    for path in corpus_files()[:count]:
        document = load_document(path)
        skills = matcher.extract(document.sections, document.language)
        print(f"== {path.name} ({len(skills)} skills)")
        for skill in skills:
            print(f"   {skill.method:9} {skill.confidence:.2f} {skill.label!r:45} <- {skill.evidence!r}")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(int(args[0]) if args else 20, "--embed" in sys.argv)
