"""The ``documents`` section: how fast PDF, Word, Excel and CSV files are read into documents.

Files are made from CMRC2018 article text (the smoke run: the six made-up facts): a PDF of
Chinese lines with a running header and page numbers (reportlab, CID font STSong-Light), a
``.docx`` of the same paragraphs under headings, and an ``.xlsx``/``.csv`` of rows. Each is
read with :func:`qa.ingest.loaders.load_file` (cleaning included, no embedding) several
times; the median gives pages, paragraphs or rows per second.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.config import BenchConfig
from benchmarks.datasets import load_cmrc
from benchmarks.smoke_data import smoke_set
from benchmarks.timing import median
from qa.ingest.chunking import chunk_documents
from qa.ingest.loaders import load_file

LINE_CHARS = 38
LINES_PER_PAGE = 36


def _paragraphs(config: BenchConfig) -> list[str]:
    docs = smoke_set()[0] if config.smoke else load_cmrc(articles=60 if config.quick else 200)[0]
    return [p for doc in docs for p in doc.text.split("\n") if p.strip()]


def _pdf(path: Path, paragraphs: list[str], pages: int) -> int:
    """A PDF of ``pages`` pages of wrapped paragraphs; returns the pages written."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    lines = [p[i : i + LINE_CHARS] for p in paragraphs for i in range(0, len(p), LINE_CHARS)]
    pdf = canvas.Canvas(str(path), pagesize=A4)
    written = 0
    while written < pages:
        page_lines = [lines[(written * LINES_PER_PAGE + i) % len(lines)] for i in range(LINES_PER_PAGE)]
        pdf.setFont("STSong-Light", 9)
        pdf.drawString(60, 800, "基准测试文件  页眉")
        pdf.setFont("STSong-Light", 12)
        for i, line in enumerate(page_lines):
            pdf.drawString(60, 770 - 20 * i, line)
        pdf.setFont("STSong-Light", 9)
        pdf.drawCentredString(297, 30, f"- {written + 1} -")
        pdf.showPage()
        written += 1
    pdf.save()
    return written


def _docx(path: Path, paragraphs: list[str]) -> int:
    import docx

    word = docx.Document()
    for n, text in enumerate(paragraphs):
        if n % 10 == 0:
            word.add_heading(f"第{n // 10 + 1}节", level=1)
        word.add_paragraph(text)
    word.save(str(path))
    return len(paragraphs)


def _rows(paragraphs: list[str], count: int) -> list[list[str]]:
    return [[f"R{n:05d}", paragraphs[n % len(paragraphs)][:30], str(n * 7 % 1000), f"2024-{1 + n % 12:02d}-01"]
            for n in range(count)]


def _xlsx(path: Path, rows: list[list[str]]) -> int:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["编号", "摘要", "金额", "日期"])
    for row in rows:
        sheet.append(row)
    book.save(str(path))
    return len(rows)


def _csv(path: Path, rows: list[list[str]]) -> int:
    import csv

    with path.open("w", encoding="gb18030", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["编号", "摘要", "金额", "日期"])
        writer.writerows(rows)
    return len(rows)


def _time_load(path: Path, runs: int) -> dict[str, Any]:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        docs = load_file(path)
        seconds.append(time.perf_counter() - started)
    chunks = chunk_documents(docs)
    return {"seconds_median": round(median(seconds), 4), "runs": runs, "chars": sum(len(d.text) for d in docs),
            "chunks": len(chunks), "bytes": path.stat().st_size}


def run_section(config: BenchConfig) -> dict[str, Any]:
    """Make the four files and time reading each."""
    paragraphs = _paragraphs(config)
    pages = 5 if config.smoke else 40 if config.quick else 200
    row_count = 50 if config.smoke else 2000 if config.quick else 10000
    runs = 1 if config.smoke else 3
    rows = _rows(paragraphs, row_count)
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        made = {
            "pdf": ("pages", _pdf(folder / "bench.pdf", paragraphs, pages)),
            "docx": ("paragraphs", _docx(folder / "bench.docx", paragraphs)),
            "xlsx": ("rows", _xlsx(folder / "bench.xlsx", rows)),
            "csv": ("rows", _csv(folder / "bench.csv", rows)),
        }
        for fmt, (unit, count) in made.items():
            timing = _time_load(folder / f"bench.{fmt}", runs)
            out[fmt] = {"unit": unit, "count": count, **timing,
                        "per_second": round(count / max(timing["seconds_median"], 1e-9), 1)}
    return {"formats": out}


def render(sec: dict[str, Any]) -> str:
    """Markdown table: per format, what was read, how long, how many per second."""
    from benchmarks.report import table

    rows = [[fmt, f"{f['count']} {f['unit']}", f"{f['bytes'] / 1e6:.1f} MB", f['chars'], f['chunks'],
             f"{f['seconds_median']:.2f}", f"**{f['per_second']:.0f} {f['unit']}/s**"]
            for fmt, f in sec["formats"].items()]
    return ("Reading files made from CMRC2018 text with `qa.ingest.loaders.load_file` (decoding, layout, "
            "cleaning; no embedding), median of the runs. PDF: Chinese lines with a running header and page "
            "numbers (reportlab, STSong-Light), read with pypdfium2; `.docx` with a heading every 10 paragraphs; "
            "`.xlsx`/`.csv` (GB18030) of 4-column rows. Reproduce: `python -m benchmarks --sections documents`.\n\n"
            + table(["format", "file", "size", "chars kept", "chunks", "seconds", "speed"], rows))
