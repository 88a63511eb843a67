"""Real PDF, Word and Excel files made in the tests (reportlab, python-docx, openpyxl)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

# Three pages of a Chinese report. Each page's lines are drawn as they are (one PDF line each):
# paragraphs wrap across lines, one runs on over a page break, and every page carries the
# same running header and a page number at its foot.
REPORT_HEADER = "阿里地区卫生健康委员会  2024年度工作报告"
REPORT_PAGES: tuple[tuple[str, ...], ...] = (
    (
        "医疗援助工作",
        "河北省援藏工作队在阿里地区妇幼保健院新建了手术室，配备了无影灯、手术床和监护仪等各",
        "种医疗设备，还有先进的手术消毒和空气净化系统。",
        "全年共培训当地医护人员三百二十名，开展新技术新项目四十五项，填补了阿里地区多项医疗技",
        "术空白。",
    ),
    (
        "教育援助工作",
        "援藏教师在噶尔县中学开设了双语课堂，全年授课一千二百课时，学生的数学平均成绩提高了十",
        "五分。工作队还捐建了三座图书室，共有藏书一万八千册，向全校师生开放，每周开放六天，并",
    ),
    (
        "由援藏教师轮流管理。",
        "产业援助工作",
        "工作队帮助当地建设了牦牛乳制品加工厂，年产值达到二千六百万元，带动四百户牧民增收。",
    ),
)


def make_pdf(path: Path, pages: Sequence[Sequence[str]] = REPORT_PAGES, *, header: str | None = REPORT_HEADER,
             title: str | None = "阿里地区援藏工作报告") -> Path:
    """A text PDF with Chinese lines (reportlab's CID font STSong-Light), header and page numbers."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    pdf = canvas.Canvas(str(path), pagesize=A4)
    if title:
        pdf.setTitle(title)
    for number, lines in enumerate(pages, start=1):
        if header:
            pdf.setFont("STSong-Light", 9)
            pdf.drawString(72, 800, header)
        pdf.setFont("STSong-Light", 11)
        y = 760
        for line in lines:
            pdf.drawString(60, y, line)
            y -= 20
        pdf.setFont("STSong-Light", 9)
        pdf.drawCentredString(297, 40, f"- {number} -")
        pdf.showPage()
    pdf.save()
    return path


def make_image_pdf(path: Path, pages: int = 2) -> Path:
    """A PDF of images only, like a scan: no text layer at all."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = Image.new("RGB", (400, 200), "white")
    ImageDraw.Draw(image).rectangle((40, 40, 360, 160), outline="black", width=4)
    pdf = canvas.Canvas(str(path))
    for _ in range(pages):
        pdf.drawImage(ImageReader(image), 72, 500, width=400, height=200)
        pdf.showPage()
    pdf.save()
    return path


def make_encrypted_pdf(path: Path) -> Path:
    """A PDF that needs a password to open."""
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), encrypt="secret")
    pdf.drawString(72, 700, "confidential")
    pdf.save()
    return path


def make_docx(path: Path) -> Path:
    """A Word file: title, two heading levels, paragraphs and a table with a header row."""
    import docx

    word = docx.Document()
    word.add_heading("援藏干部年度总结", level=0)
    word.add_heading("第一章 医疗", level=1)
    word.add_paragraph("工作队全年接诊牧民患者一万二千人次，开展巡回义诊二十六次。")
    word.add_heading("1.1 人才培养", level=2)
    word.add_paragraph("通过师带徒方式培养了本地骨干医生十八名，其中五名已能独立完成剖宫产手术。")
    word.add_heading("第二章 资金", level=1)
    word.add_paragraph("各项目资金使用情况见下表。")
    table = word.add_table(rows=3, cols=3)
    for row, cells in zip(table.rows, (("项目", "金额", "负责单位"), ("医院改造", "680万元", "阿里地区卫健委"),
                                       ("学校食堂", "240万元", "噶尔县教育局")), strict=True):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    word.core_properties.created = dt.datetime(2024, 3, 1, 9, 0)
    word.save(str(path))
    return path


def make_xlsx(path: Path) -> Path:
    """A workbook with two sheets, each with a header row."""
    import openpyxl

    book = openpyxl.Workbook()
    first = book.active
    first.title = "预算"
    first.append(["部门", "年份", "预算"])
    first.append(["财务部", 2024, "300万元"])
    first.append(["人事部", 2024, "120万元"])
    second = book.create_sheet("人员")
    second.append(["姓名", "职务", "电话"])
    second.append(["张明", "队长", "0897-2821234"])
    second.append(["李华", "副队长", "0897-2825678"])
    second.append(["王芳", "联络员", "0897-2829012"])
    book.properties.created = dt.datetime(2024, 1, 15, 8, 30)
    book.save(str(path))
    return path


CSV_ROWS = (
    ("站点", "海拔", "年均气温"),
    ("狮泉河镇", "4280米", "零上0.3摄氏度"),
    ("普兰县城", "3900米", "零上3.2摄氏度"),
)


def make_csv(path: Path, encoding: str = "gb18030") -> Path:
    """A CSV file in ``encoding`` (GB18030 by default, as Chinese Excel saves it)."""
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer).writerows(CSV_ROWS)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path
