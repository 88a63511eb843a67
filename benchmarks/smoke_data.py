"""A tiny made-up evaluation set, so the smoke run (CI) needs neither ../shared nor a network."""

from __future__ import annotations

from benchmarks.datasets import EvalQuestion
from qa.types import Document

_FACTS = (
    (
        "青山湖",
        "青山湖位于临安城东，湖面面积约十平方公里，建于1964年。湖边有一座三层的观景塔。",
        "青山湖建于哪一年？",
        "1964年",
    ),
    (
        "云岭茶园",
        "云岭茶园种植绿茶，每年四月采摘春茶。茶园海拔约一千二百米，共有工人八十名。",
        "云岭茶园每年几月采摘春茶？",
        "四月",
    ),
    (
        "北港大桥",
        "北港大桥全长2.6公里，2015年通车，连接北港新区与老城区。大桥为双向六车道。",
        "北港大桥全长多少？",
        "2.6公里",
    ),
    (
        "林溪小学",
        "林溪小学创办于1952年，现有学生六百余人。学校的图书馆藏书三万册。",
        "林溪小学的图书馆藏书多少册？",
        "三万册",
    ),
    (
        "白石山",
        "白石山主峰海拔2096米，山上多奇石。每年秋天有大量游客前来观赏红叶。",
        "白石山主峰海拔多少米？",
        "2096米",
    ),
    (
        "东湖机场",
        "东湖机场于2008年启用，有两条跑道。2019年旅客吞吐量达到一千五百万人次。",
        "东湖机场有几条跑道？",
        "两条",
    ),
)


def smoke_set() -> tuple[list[Document], list[EvalQuestion]]:
    """Six one-paragraph documents, one answerable question each, and one unanswerable question."""
    docs, questions = [], []
    for n, (title, text, question, answer) in enumerate(_FACTS):
        doc_id = f"smoke-{n:02d}"
        docs.append(Document(id=doc_id, title=title, text=text, path=f"smoke/{doc_id}"))
        questions.append(EvalQuestion(f"s{n}", question, doc_id, (answer,)))
    questions.append(EvalQuestion("s-none", "火星上的第一家咖啡馆叫什么名字？", None, ()))
    return docs, questions
