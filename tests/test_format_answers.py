"""Questions about PDF, Word, Excel and CSV files get the right quote with its page or row."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa import QA
from qa.index.store import current_version
from qa.interface.citation import answer_to_dict, cite
from qa.settings import Settings
from tests.conftest import FakeEncoder
from tests.document_files import make_csv, make_docx, make_image_pdf, make_pdf, make_xlsx

# The fake encoder's cosines lie far below a real model's: its own band, so the answer
# decision (not under test here) lets the best sentence through.
FAKE_BAND = Settings(dense_floor=0.1, dense_ceiling=0.5, answer_threshold=0.3)


def make_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    make_pdf(folder / "report.pdf")
    make_docx(folder / "summary.docx")
    make_xlsx(folder / "budget.xlsx")
    make_csv(folder / "stations.csv")
    make_image_pdf(folder / "scan.pdf")
    return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[QA, str]:
    root = tmp_path_factory.mktemp("formats")
    engine, report = QA.build_with_report(make_corpus(root / "corpus"), root / "index", encoder=FakeEncoder(),
                                          settings=FAKE_BAND)
    return engine, report.summary()


@pytest.mark.parametrize(("question", "quoted", "citation"), [
    ("牦牛乳制品加工厂的年产值是多少？", "年产值达到二千六百万元", "阿里地区援藏工作报告 · 2026"),
    ("援藏教师管理的图书室有多少藏书？", "共有藏书一万八千册", "pp. 2–3"),
    ("本地骨干医生培养了多少名？", "培养了本地骨干医生十八名", "第一章 医疗 > 1.1 人才培养 · ¶2"),
    ("医院改造的金额是多少？", "医院改造 | 金额: 680万元", "第二章 资金"),
    ("财务部的预算是多少？", "部门: 财务部 | 年份: 2024 | 预算: 300万元", "sheet 预算, row 2"),
    ("李华的电话是多少？", "姓名: 李华 | 职务: 副队长 | 电话: 0897-2825678", "sheet 人员, row 3"),
    ("普兰县城的海拔是多少？", "站点: 普兰县城 | 海拔: 3900米", "stations.csv · row 3"),
])
def test_questions_get_the_quote_with_its_place(built: tuple[QA, str], question: str, quoted: str,
                                                citation: str) -> None:
    engine, _ = built
    answer = engine.ask(question)
    assert answer.found, [h.chunk.text for h in answer.passages[:2]]
    assert quoted in answer.quote.text
    assert citation in cite(answer.quote.chunk)


def test_pdf_page_citation(built: tuple[QA, str]) -> None:
    answer = built[0].ask("牦牛乳制品加工厂的年产值是多少？")
    assert cite(answer.quote.chunk).endswith(" · p. 3")
    data = answer_to_dict(answer)["quote"]
    assert (data["page"], data["last_page"], data["sheet"], data["row"]) == (3, 3, None, None)


def test_build_summary_names_the_scanned_pdf_once(built: tuple[QA, str]) -> None:
    engine, summary = built
    warnings = [line for line in summary.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "scan.pdf" in warnings[0] and "no text layer" in warnings[0]
    assert "scan" not in {d.id for d in engine.documents}


def test_places_survive_the_index_and_an_up_to_date_build_keeps_the_warning(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus")
    QA.build(corpus, tmp_path / "index", encoder=FakeEncoder())
    engine, report = QA.build_with_report(corpus, tmp_path / "index", encoder=FakeEncoder())
    assert report.up_to_date and len(report.warnings) == 1 and "scan.pdf" in report.warnings[0]
    by_doc = {c.doc_id: c for c in engine.chunks}
    assert (by_doc["budget"].sheet, by_doc["stations"].row, by_doc["report"].page) == ("人员", 3, 3)
    docs = {d.id: d for d in engine.documents}
    assert (docs["report"].format, docs["report"].pages, docs["budget"].sheets) == ("pdf", 3, ("预算", "人员"))
    assert docs["summary"].locations[0].section == "第一章 医疗"


def test_index_of_the_previous_format_is_rebuilt(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus")
    QA.build(corpus, tmp_path / "index", encoder=FakeEncoder())
    manifest_path = current_version(tmp_path / "index") / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["format_version"] = 1
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    _, report = QA.build_with_report(corpus, tmp_path / "index", encoder=FakeEncoder())
    assert not report.up_to_date and report.embedded == 0  # rewritten, vectors reused


@pytest.mark.slow
def test_real_model_quotes_pdf_word_and_excel_with_their_places(tmp_path: Path) -> None:
    engine = QA.build(make_corpus(tmp_path / "corpus"), tmp_path / "index")
    expected = {
        "牦牛乳制品加工厂的年产值是多少？": ("二千六百万元", "p. 3"),
        "阿里地区培养了多少名本地骨干医生？": ("十八名", "1.1 人才培养"),
        "财务部2024年的预算是多少？": ("300万元", "sheet 预算, row 2"),
    }
    for question, (quoted, place) in expected.items():
        answer = engine.ask(question)
        assert answer.found and quoted in answer.quote.text, (question, answer.passages[:1])
        assert place in cite(answer.quote.chunk)


def test_broken_files_never_stop_a_build(tmp_path: Path) -> None:
    from tests.test_formats import _broken_files

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    expected = _broken_files(corpus)
    make_xlsx(corpus / "budget.xlsx")
    engine, report = QA.build_with_report(corpus, tmp_path / "index", encoder=FakeEncoder())
    assert [d.id for d in engine.documents] == ["budget"] and report.chunks == 5
    assert len(report.warnings) == len(expected)
    assert all(any(f"{name}'" in w for w in report.warnings) for name in expected)
    assert report.summary().count("\nwarning: ") == len(expected)
