"""The chat page's words in English, Simplified and Traditional Chinese.

English and Simplified Chinese are written here; Traditional Chinese is made from the
Simplified text by OpenCC (``s2twp``: Taiwan characters and wording), so the three cannot
drift apart. The language is chosen from the browser's ``Accept-Language`` and can be
switched on the page.
"""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache

from qa.textnorm import to_traditional


class Lang(StrEnum):
    """Interface languages (BCP 47 tags)."""

    EN = "en"
    ZH_HANS = "zh-Hans"
    ZH_HANT = "zh-Hant"


# What the language switch shows: each language in itself.
LANG_NAMES: dict[Lang, str] = {Lang.ZH_HANS: "简体中文", Lang.ZH_HANT: "繁體中文", Lang.EN: "English"}

EN: dict[str, str] = {
    "title": "Ask the documents",
    "intro": "Answers are quoted word for word from **{documents} documents** ({passages} passages), "
             "with where each quote comes from.",
    "placeholder": "Ask a question about the documents…",
    "ask": "Ask",
    "chat_tab": "Chat",
    "chat": "Answers",
    "chat_empty": "Ask a question: the answer is a sentence quoted from the documents, with its source.",
    "clear": "Clear chat",
    "settings": "Settings",
    "language": "Language",
    "language_info": "Language of this page (chosen from your browser's language).",
    "k": "Passages to search",
    "k_info": "How many of the best-matching passages are read for each answer; the others are listed under it.",
    "scores": "Show scores",
    "scores_info": "Show the numbers behind each answer: its confidence (0-1, the chance the quote answers) "
                   "and each passage's ranking scores (fused rank, cosine similarity to the question, BM25).",
    "script": "Chinese script of quotes",
    "script_info": "Quotes are copied exactly as the documents write them. Choose a script to also show each "
                   "quote converted (by OpenCC) into Simplified or Traditional characters when it differs.",
    "script_original": "As written",
    "script_simplified": "Also in Simplified",
    "script_traditional": "Also in Traditional",
    "filter_docs": "Search only these documents",
    "filter_docs_info": "None chosen: all documents are searched.",
    "filter_folders": "Search only these folders",
    "filter_folders_info": "Folders under the corpus folder; none chosen: all.",
    "date_from": "Dated from",
    "date_from_info": "YYYY, YYYY-MM or YYYY-MM-DD; empty: no lower limit.",
    "date_to": "Dated up to",
    "date_to_info": "YYYY, YYYY-MM or YYYY-MM-DD; empty: no upper limit.",
    "filter_error": "Check the filters in Settings: {error}",
    "index_unavailable": "The index cannot be reached right now, so this question was not answered. {error}",
    "scope_all": "Searching all {n} documents.",
    "scope_only": "Searching only: {parts}.",
    "scope_docs": "{n} chosen document(s)",
    "scope_folders": "folder {folders}",
    "scope_dates": "dated {low} to {high}",
    "scope_or": " or ",
    "scope_and": "; ",
    "examples": "Example questions",
    "counter": "{used} / {limit} characters",
    "counter_full": "{used} / {limit} characters: the limit; longer text is cut",
    "not_found": "The documents don't answer this.",
    "not_found_hint": "Try other words, or a question about something the documents cover.",
    "possibly_related": "Possibly related passages, not an answer ({n})",
    "other_passages": "Other passages ({n})",
    "confidence": "Confidence: {word}",
    "conf_high": "high",
    "conf_medium": "medium",
    "conf_low": "low",
    "conf_hint": "confidence {score:.2f} of 1: the estimated chance that this quote answers the question",
    "scores_hint": "rank score {score:.4f} (fused ranking); cosine {cosine} (meaning, -1..1); "
                   "BM25 {bm25} (shared words)",
    "source": "Open the source",
    "paragraph": "paragraph {n}",
    "converted_simplified": "In Simplified characters:",
    "converted_traditional": "In Traditional characters:",
    "note": "Note: {text}",
    "copy": "Copy",
    "copied": "Copied",
    "source_title": "Source",
    "source_empty": "Click a citation to read the whole document here.",
    "close": "Close",
    "source_gone": "This passage is no longer in the index (the documents were rebuilt); ask again.",
    "error": "Sorry, something went wrong while answering. The error was logged; please try again.",
    "refused": "I did not search for this: {reason}. Please ask a question in words.",
    "refused_not_text": "it is not text",
    "refused_no_words": "it has no words, only punctuation or symbols",
    "refused_digits_only": "it has only digits and punctuation",
    "refused_markup_only": "it is only markup or code",
    "refused_single_token": "one word or code token alone is not a question",
    "truncated": "Your question was {chars:,} characters long; only the first {limit:,} were used.",
    # The Documents tab (qa/interface/documents_tab.py).
    "docs_tab": "Documents",
    "docs_readonly": "Read-only.",
    "docs_share_readonly": "Managing documents is turned off: this app is served on a public --share link without "
                           "a login, so anyone with the link could change the corpus. Restart with --auth "
                           "USER:PASSWORD to manage documents.",
    "docs_upload": "Add documents (drop files here or click; {types}; up to {mb} MB each)",
    "docs_columns": "Title|File|Format|Date|Source|Passages|Id",
    "docs_table": "Indexed documents",
    "docs_pick": "Document to delete",
    "docs_delete": "Delete document",
    "docs_confirm": "Delete document {id} and its file from the corpus?",
    "docs_nothing_deleted": "Nothing deleted (choose a document, then confirm).",
    "docs_indexing": "Indexing…",
    "docs_ready": "Ready.",
    "docs_failed": "Indexing failed.",
    "docs_embedding": "Embedding new passages: {done} of {total} ({share})…",
    "docs_reading": "Reading the documents and updating the index…",
    "docs_holds": "The chat now answers from {documents} documents ({passages} passages).",
    "docs_added": "added",
    "docs_skipped": "skipped",
    "docs_refused": "refused",
    "docs_deleted": "deleted",
    "docs_n_added": "{n} added",
    "docs_n_skipped": "{n} skipped",
    "docs_n_refused": "{n} refused",
    "docs_n_deleted": "{n} deleted",
    "docs_sep": ", ",
    "docs_background": "; indexing in the background.",
    "docs_end": ".",
    "docs_no_file": "No file was uploaded.",
}

ZH_HANS: dict[str, str] = {
    "title": "向文档提问",
    "intro": "回答逐字引自 **{documents} 篇文档**（{passages} 个段落），并注明每句引文的出处。",
    "placeholder": "就这些文档提一个问题……",
    "ask": "提问",
    "chat_tab": "对话",
    "chat": "回答",
    "chat_empty": "请提问：回答是从文档中原样引用的一句话，并附出处。",
    "clear": "清空对话",
    "settings": "设置",
    "language": "界面语言",
    "language_info": "本页面的语言（按浏览器语言自动选择）。",
    "k": "检索段落数",
    "k_info": "每次回答时阅读的最相关段落数量；其余段落列在回答下方。",
    "scores": "显示分数",
    "scores_info": "显示回答背后的数字：置信度（0–1，引文确实回答问题的概率）以及每个段落的排序分数"
                   "（融合排名、与问题的余弦相似度、BM25）。",
    "script": "引文简繁转换",
    "script_info": "引文与文档原文一字不差。若引文是另一种字形（简体或繁体），"
                   "可在下方另附由 OpenCC 转换的简体或繁体版本。",
    "script_original": "保持原文",
    "script_simplified": "另附简体",
    "script_traditional": "另附繁体",
    "filter_docs": "只检索这些文档",
    "filter_docs_info": "不选：检索全部文档。",
    "filter_folders": "只检索这些文件夹",
    "filter_folders_info": "语料文件夹下的子文件夹；不选：全部。",
    "date_from": "日期从",
    "date_from_info": "YYYY、YYYY-MM 或 YYYY-MM-DD；留空：不限。",
    "date_to": "日期到",
    "date_to_info": "YYYY、YYYY-MM 或 YYYY-MM-DD；留空：不限。",
    "filter_error": "请检查设置中的筛选条件：{error}",
    "index_unavailable": "目前无法连接索引，所以这个问题没有回答。{error}",
    "scope_all": "检索全部 {n} 篇文档。",
    "scope_only": "只检索：{parts}。",
    "scope_docs": "选定的 {n} 篇文档",
    "scope_folders": "文件夹 {folders}",
    "scope_dates": "日期 {low} 至 {high}",
    "scope_or": " 或 ",
    "scope_and": "；",
    "examples": "示例问题",
    "counter": "{used} / {limit} 字",
    "counter_full": "{used} / {limit} 字：已达上限，超出部分会被截去",
    "not_found": "文档中没有找到这个问题的答案。",
    "not_found_hint": "可以换个说法，或问文档涉及的内容。",
    "possibly_related": "可能相关的段落（并非答案）（{n}）",
    "other_passages": "其他段落（{n}）",
    "confidence": "置信度：{word}",
    "conf_high": "高",
    "conf_medium": "中",
    "conf_low": "低",
    "conf_hint": "置信度 {score:.2f}（满分 1）：估计这句引文回答了问题的概率",
    "scores_hint": "排序分 {score:.4f}（融合排名）；余弦 {cosine}（语义，-1..1）；BM25 {bm25}（共同词语）",
    "source": "查看原文",
    "paragraph": "第 {n} 段",
    "converted_simplified": "简体：",
    "converted_traditional": "繁体：",
    "note": "注意：{text}",
    "copy": "复制",
    "copied": "已复制",
    "source_title": "原文",
    "source_empty": "点击引文出处，即可在此阅读整篇文档。",
    "close": "关闭",
    "source_gone": "索引已重建，这个段落已不在其中；请重新提问。",
    "error": "抱歉，回答时出错了。错误已记录，请重试。",
    "refused": "没有检索这个问题：{reason}。请用文字提问。",
    "refused_not_text": "它不是文字",
    "refused_no_words": "其中没有词语，只有标点或符号",
    "refused_digits_only": "其中只有数字和标点",
    "refused_markup_only": "其中只有标记或代码",
    "refused_single_token": "单独一个英文词或代码片段不是问题",
    "truncated": "问题长 {chars:,} 字，只用了前 {limit:,} 字。",
    "docs_tab": "文档",
    "docs_readonly": "只读。",
    "docs_share_readonly": "文档管理已关闭：本应用通过公开的 --share 链接提供且没有登录，任何拿到链接的人都能修改语料。"
                           "请用 --auth 用户名:密码 重新启动，以管理文档。",
    "docs_upload": "添加文档（拖放文件到这里或点击选择；{types}；每个文件不超过 {mb} MB）",
    "docs_columns": "标题|文件|格式|日期|来源|段落数|编号",
    "docs_table": "已索引的文档",
    "docs_pick": "要删除的文档",
    "docs_delete": "删除文档",
    "docs_confirm": "从语料中删除文档 {id} 及其文件？",
    "docs_nothing_deleted": "没有删除（请先选择文档，再确认）。",
    "docs_indexing": "正在建立索引……",
    "docs_ready": "就绪。",
    "docs_failed": "索引失败。",
    "docs_embedding": "正在嵌入新段落：{done} / {total}（{share}）……",
    "docs_reading": "正在读取文档并更新索引……",
    "docs_holds": "对话现在依据 {documents} 篇文档（{passages} 个段落）作答。",
    "docs_added": "已添加",
    "docs_skipped": "已跳过",
    "docs_refused": "已拒绝",
    "docs_deleted": "已删除",
    "docs_n_added": "添加 {n} 个",
    "docs_n_skipped": "跳过 {n} 个",
    "docs_n_refused": "拒绝 {n} 个",
    "docs_n_deleted": "删除 {n} 个",
    "docs_sep": "，",
    "docs_background": "；正在后台建立索引。",
    "docs_end": "。",
    "docs_no_file": "没有上传文件。",
}


@lru_cache(maxsize=1)
def _zh_hant() -> dict[str, str]:
    return {key: to_traditional(text, config="s2twp") for key, text in ZH_HANS.items()}


def labels(lang: str) -> dict[str, str]:
    """Every label of the page in ``lang`` (unknown languages get English)."""
    if lang == Lang.ZH_HANS:
        return ZH_HANS
    if lang == Lang.ZH_HANT:
        return _zh_hant()
    return EN


def text(lang: str, key: str, **values: object) -> str:
    """One label in ``lang``, with ``values`` filled in.

    Example:
        >>> text("zh-Hans", "paragraph", n=3)
        '第 3 段'
    """
    return labels(lang)[key].format(**values)


def pick_language(accept_language: str | None) -> Lang:
    """The page language for a browser's ``Accept-Language`` header (or ``navigator.language``).

    The first Chinese or English entry by preference wins: ``zh-TW``, ``zh-HK``, ``zh-MO`` and
    ``zh-Hant`` get Traditional, other Chinese tags Simplified; anything else English.

    Example:
        >>> pick_language("zh-TW,zh;q=0.9,en;q=0.8"), pick_language("fr-FR,en;q=0.5")
        (<Lang.ZH_HANT: 'zh-Hant'>, <Lang.EN: 'en'>)
    """
    entries = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag:
            entries.append((-quality, position, tag.strip().lower()))
    for _, _, tag in sorted(entries):
        if tag.startswith("zh"):
            traditional = any(mark in tag for mark in ("-hant", "-tw", "-hk", "-mo"))
            return Lang.ZH_HANT if traditional else Lang.ZH_HANS
        if tag.startswith("en"):
            return Lang.EN
    return Lang.EN
