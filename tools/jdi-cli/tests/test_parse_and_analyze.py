"""`jdi parse` and `jdi analyze` on synthetic files: JSON shape, rejections and exit codes."""

import json
from pathlib import Path

import pytest

from jdi_analyzer.analyzer import AnalysisSettings, Analyzer
from jdi_analyzer.skills.taxonomy import SkillTaxonomy
from jdi_cli.analyze_output import analyze_file_to_json
from jdi_cli.files import InputFile
from jdi_cli.main import main
from jdi_contracts.events import Analyzed
from jdi_contracts.identity import document_id_for
from jdi_samples import generate_job_description


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer(AnalysisSettings(), SkillTaxonomy.load())


@pytest.fixture
def job_folder(tmp_path: Path) -> Path:
    """Two synthetic job descriptions (one nested), an image and an empty file."""
    (tmp_path / "nested").mkdir()
    (tmp_path / "director.txt").write_text(generate_job_description(3, "en").text, encoding="utf-8")
    (tmp_path / "nested" / "directeur.md").write_text(generate_job_description(4, "fr").markdown, encoding="utf-8")
    (tmp_path / "scan.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    (tmp_path / "empty.txt").write_bytes(b"")
    return tmp_path


def run_jsonl(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, dict]]:
    code = main(list(argv))
    lines = capsys.readouterr().out.splitlines()
    results = [json.loads(line) for line in lines]
    return code, {Path(result["source"]).name: result for result in results}


def test_parse_prints_one_object_per_file_with_reasons_for_rejections(job_folder, capsys) -> None:
    code, results = run_jsonl(capsys, "parse", "--jsonl", str(job_folder))

    assert code == 0
    assert set(results) == {"director.txt", "directeur.md", "scan.png", "empty.txt"}
    sample = generate_job_description(3, "en")
    assert results["director.txt"]["classification"] == sample.classification
    assert results["director.txt"]["language"] == "en"
    assert results["directeur.md"]["language"] == "fr"
    assert results["scan.png"]["rejected"]["reason"] == "unsupported_media_type"
    assert results["empty.txt"]["rejected"]["reason"] == "empty_document"


def test_analyze_prints_the_analyzed_event_data_per_file(job_folder, capsys) -> None:
    code, results = run_jsonl(capsys, "analyze", "--no-embeddings", "--jsonl", str(job_folder))

    assert code == 0
    assert set(results) == {"director.txt", "directeur.md", "scan.png", "empty.txt"}
    for name in ("director.txt", "directeur.md"):
        result = results[name]
        # Everything but `source` is exactly the data of a `jdi.documents.analyzed.v1` event.
        data = Analyzed.model_validate({key: value for key, value in result.items() if key != "source"})
        assert data.quality.components and 0 <= data.quality.score <= 100
        assert data.compliance
        assert set(result["findings_summary"]) >= {"total", "by_category"}
    english = results["director.txt"]
    assert english["skills"], "the synthetic director description names ESCO skills"
    assert {"uri", "label", "confidence", "section", "evidence"} <= set(english["skills"][0])
    # Same id `jdi submit` would give the file: source system "cli", reference relative to the folder.
    assert results["directeur.md"]["document_id"] == document_id_for("cli", "nested/directeur.md")
    assert results["scan.png"] == {
        "source": str(job_folder / "scan.png"),
        "rejected": {"reason": "unsupported_media_type", "message": "PNG image is not a supported format"},
    }
    assert results["empty.txt"]["rejected"]["reason"] == "empty_document"


def test_analyze_reports_inclusive_language_findings_with_offsets(tmp_path, analyzer) -> None:
    text = generate_job_description(5, "en").text.replace(
        "Represents the department", "Acts as chairman of committees and represents the department"
    )
    assert "chairman" in text
    path = tmp_path / "chair.txt"
    path.write_text(text, encoding="utf-8")

    result = analyze_file_to_json(InputFile(path, "chair.txt"), analyzer)

    chairman = [finding for finding in result["findings"] if finding["term"].lower() == "chairman"]
    assert len(chairman) == 1
    assert chairman[0]["category"] == "gendered-term"
    assert chairman[0]["end"] - chairman[0]["start"] == len("chairman")
    assert chairman[0]["suggestion"]
    assert result["findings_summary"]["by_category"]["gendered-term"] >= 1


def test_analyze_rejects_a_missing_file_with_a_reason(tmp_path, analyzer) -> None:
    missing = tmp_path / "gone.txt"

    result = analyze_file_to_json(InputFile(missing, "gone.txt"), analyzer)

    assert result["source"] == str(missing)
    assert result["rejected"]["reason"] == "unreadable_file"
    assert result["rejected"]["message"]


def test_pretty_output_is_the_default(job_folder, capsys) -> None:
    assert main(["parse", str(job_folder / "director.txt")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("{\n  ")
    assert json.loads(out)["source"] == str(job_folder / "director.txt")


def test_a_command_is_required() -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([])
    assert exit_info.value.code == 2
