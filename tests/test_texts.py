"""The official-text readers on the real files of ``../shared/official-texts`` (and on garbage).

Each Dutch treaty-database record is read whole: every article, numbered 1..N as printed, with
its heading where the text prints headings, and the Dutch translation beside the authentic text.
The Formex XML and the EUR-Lex HTML of Regulation (EU) 2024/903 must give the same structure.
Garbage (unknown format, empty, binary) is refused with a typed error, and the command line
exits 2 on it.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from mla_kg.texts import Article, Paragraph, Point, UnreadableText, read_text

#: file -> (language, articles, whether the articles carry headings, translation language)
TEXTS = {
    "eu-us-mla.nl.md": ("nl", 18, True, None),
    "coe-mla-1959.en.md": ("en", 30, False, "nl"),
    "coe-mla-ap-1978.en.md": ("en", 12, False, "nl"),
    "coe-mla-2ap-2001.en.md": ("en", 35, True, "nl"),
    "budapest-2001.en.md": ("en", 48, True, "nl"),
    "untoc-2000.en.md": ("en", 41, True, "nl"),
    "uncac-2003.en.md": ("en", 71, True, "nl"),
    "un-drugs-1988.en.md": ("en", 34, True, "nl"),
}
REG = "official-texts/eurlex-formats/reg-2024-903/"


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_every_article_is_found_with_its_heading(
    name: str, shared_path: Callable[[str], Path]
) -> None:
    language, count, headed, translated = TEXTS[name]
    text = read_text(shared_path(f"official-texts/{name}"))
    assert text.format == "overheid-md"
    assert text.language == language
    assert [a.number for a in text.articles] == [str(n) for n in range(1, count + 1)]
    headings = [a.number for a in text.articles if a.heading]
    assert headings == ([a.number for a in text.articles] if headed else [])
    if translated:
        assert text.translation is not None and text.translation.language == translated
        assert [a.number for a in text.translation.articles] == [a.number for a in text.articles]
        assert all(a.heading for a in text.translation.articles) == headed
    else:
        assert text.translation is None


def test_eu_us_agreement_articles_paragraphs_points_and_subpoints(
    shared_path: Callable[[str], Path],
) -> None:
    text = read_text(shared_path("official-texts/eu-us-mla.nl.md"))
    art4 = text.article("4")
    assert art4 is not None and art4.heading == "Identificatie van bankgegevens"
    assert [p.number for p in art4.paragraphs] == ["1", "2", "3", "4", "5", "6", "7"]
    assert art4.paragraphs[3].points == (Point("a", ("i", "ii", "iii")), Point("b"))
    assert "Art 4(4)(a)(ii)" in {s.citation for s in text.subdivisions()}
    # The Explanatory Note follows the articles: an annex, not more articles.
    assert [a.heading.split()[0] for a in text.annexes if a.heading] == ["Toelichting"]


def test_points_directly_under_an_article(shared_path: Callable[[str], Path]) -> None:
    text = read_text(shared_path("official-texts/coe-mla-1959.en.md"))
    assert text.article("2") == Article("2", None, (Paragraph(None, (Point("a"), Point("b"))),))
    art15 = text.article("15")
    assert art15 is not None and len(art15.paragraphs) == 10


def test_point_i_after_h_is_a_point(shared_path: Callable[[str], Path]) -> None:
    text = read_text(shared_path("official-texts/untoc-2000.en.md"))
    art18 = text.article("18")
    assert art18 is not None
    labels = [p.label for p in art18.paragraphs[2].points]
    assert labels == list("abcdefghi")


def test_formex_and_html_give_the_same_structure(shared_path: Callable[[str], Path]) -> None:
    formex = read_text(shared_path(REG + "L_202400903EN.000101.fmx.xml"))
    page = read_text(shared_path(REG + "DOC_1.html"))
    assert (formex.format, page.format) == ("formex", "eurlex-html")
    assert formex.language == page.language == "en"
    assert len(formex.articles) == len(page.articles) == 23
    assert [a.number for a in formex.articles] == [str(n) for n in range(1, 24)]
    assert [a.heading for a in formex.articles] == [a.heading for a in page.articles]
    assert all(a.heading for a in formex.articles)
    assert [len(a.paragraphs) for a in formex.articles] == [
        len(a.paragraphs) for a in page.articles
    ]
    assert formex.articles == page.articles  # points and sub-points too
    assert formex.article("1") == page.article("1")
    assert len(formex.article("1").paragraphs) == 5  # type: ignore[union-attr]


def test_formex_descriptor_is_refused_with_the_file_to_give(
    shared_path: Callable[[str], Path],
) -> None:
    with pytest.raises(UnreadableText, match="document descriptor"):
        read_text(shared_path(REG + "L_202400903EN.doc.fmx.xml"))


GARBAGE = {
    "empty": (b"", "empty"),
    "blank": (b"  \n\n", "empty"),
    "binary": (b"%PDF-1.7\n\x00\x01\x02\xff\xfe binary", "binary"),
    "latin-1": ("Übereinkommen über die Rechtshilfe".encode("latin-1"), "UTF-8"),
    "unknown": (b"Just some prose about a treaty.\nNo structure here.\n", "unknown format"),
    "no article": (b"## Titel\n\n#### Title\n\nText without articles.\n", "no article"),
    "broken xml": (b"<?xml version='1.0'?><ACT><ARTICLE>", "well-formed"),
}


@pytest.mark.parametrize("case", sorted(GARBAGE))
def test_garbage_is_a_typed_error(case: str, tmp_path: Path) -> None:
    content, message = GARBAGE[case]
    path = tmp_path / "text.md"
    path.write_bytes(content)
    with pytest.raises(UnreadableText, match=message) as error:
        read_text(path)
    assert error.value.exit_code == 2
    assert str(path) in str(error.value)


def test_missing_file_and_unknown_format_name(tmp_path: Path) -> None:
    with pytest.raises(UnreadableText, match="no such file"):
        read_text(tmp_path / "absent.md")
    (tmp_path / "x.md").write_text("## a\n### Article 1\n", encoding="utf-8")
    with pytest.raises(UnreadableText, match="unknown format 'pdf'"):
        read_text(tmp_path / "x.md", format="pdf")


@pytest.mark.parametrize("case", ["empty", "binary", "unknown"])
def test_cli_exits_2_on_garbage(
    case: str, tmp_path: Path, run_cli: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    path = tmp_path / "text.md"
    path.write_bytes(GARBAGE[case][0])
    result = run_cli("verify", "eu-us-mla", "--text", path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert GARBAGE[case][1] in result.stderr + result.stdout


def test_point_labels_running_into_the_text(shared_path: Callable[[str], Path]) -> None:
    # "a)access ..." (Budapest Art 32) and "a.Verzoeken ..." (EU-US Art 8(2)) are points.
    budapest = read_text(shared_path("official-texts/budapest-2001.en.md"))
    assert budapest.article("32") == Article(
        "32",
        budapest.article("32").heading,
        (Paragraph(None, (Point("a"), Point("b"))),),  # type: ignore[union-attr]
    )
    eu_us = read_text(shared_path("official-texts/eu-us-mla.nl.md"))
    art8 = eu_us.article("8")
    assert art8 is not None and [p.label for p in art8.paragraphs[1].points] == ["a", "b"]


def test_amending_articles_are_marked_printed_elsewhere(
    shared_path: Callable[[str], Path],
) -> None:
    # The database prints Arts 1-6 of the Second Additional Protocol as a note that they amend
    # the 1959 Convention (their text is in the Convention's record), Art 4 of the 1978 one too.
    second = read_text(shared_path("official-texts/coe-mla-2ap-2001.en.md"))
    assert [a.number for a in second.articles if a.printed_elsewhere] == list("123456")
    assert all(not a.paragraphs for a in second.articles if a.printed_elsewhere)
    first = read_text(shared_path("official-texts/coe-mla-ap-1978.en.md"))
    assert [a.number for a in first.articles if a.printed_elsewhere] == ["4"]


def test_a_point_label_run_into_a_lowercase_word_is_a_point(tmp_path: Path) -> None:
    from mla_kg.texts import read_text

    text = tmp_path / "record.md"
    text.write_text(
        "## Verdrag\n\n####Example Convention\n\n### Article  3\n\n####Scope\n\n"
        "The Convention applies to:\n\na.the service of documents;\n\n"
        "b.measures relating to sentences;\n\ni.e. nothing else.\n\n"
        "### Article  4\n\n####Other\n\n1. A paragraph.\n",
        encoding="utf-8",
    )
    structure = read_text(text, "overheid-md")
    (paragraph,) = structure.article("3").paragraphs
    assert [p.label for p in paragraph.points] == ["a", "b"]  # "i.e." is not a point
