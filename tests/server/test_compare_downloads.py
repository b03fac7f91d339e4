"""The comparison page can be taken away (issue 15, item 6): ``/compare?...&format=F``.

Each download is byte for byte what ``mla-kg compare ... -f F`` prints, offered as a file, and
linked from the page; the page's columns and checkboxes name instruments by their short titles.
"""

from __future__ import annotations

import html
import re
import subprocess
from collections.abc import Callable, Iterator

import httpx
import pytest

from mla_kg import KnowledgeGraph

RunCli = Callable[..., subprocess.CompletedProcess[str]]
IDS = ["eu-jp-mla", "eu-us-mla", "jp-us-mlat"]
FORMATS = {
    "csv": "text/csv",
    "json": "application/json",
    "md": "text/markdown",
    "html": "text/html",
    "latex": "application/x-latex",
}


@pytest.fixture(scope="module")
def client(server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url.rstrip("/"), timeout=120) as http:
        yield http


@pytest.mark.parametrize("format", sorted(FORMATS))
def test_download_is_what_the_command_prints(
    format: str, client: httpx.Client, run_cli: RunCli
) -> None:
    query = "&".join(f"i={i}" for i in IDS)
    response = client.get(f"/compare?{query}&format={format}")
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith(FORMATS[format])
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;") and "comparison-eu-jp-mla-eu-us-mla" in disposition
    cli = run_cli("compare", *IDS, "-f", format)
    assert cli.returncode == 0, cli.stderr
    assert response.content == cli.stdout.encode("utf-8")


def test_download_of_one_group_is_the_commands(client: httpx.Client, run_cli: RunCli) -> None:
    response = client.get("/compare?i=eu-jp-mla&i=eu-us-mla&group=refusal&format=csv")
    assert response.status_code == 200, response.text[:500]
    cli = run_cli("compare", "eu-jp-mla", "eu-us-mla", "-g", "refusal", "-f", "csv")
    assert cli.returncode == 0, cli.stderr
    assert response.text == cli.stdout
    assert len(response.text.splitlines()) > 2


def test_page_links_every_download_and_names_instruments(
    client: httpx.Client, kg: KnowledgeGraph
) -> None:
    page = client.get("/compare?i=eu-jp-mla&i=jp-us-mlat", headers={"Accept": "text/html"}).text
    links = re.findall(r'<a href="(/compare\?[^"]+)" download>([^<]+)</a>', page)
    assert [label for _, label in links] == ["CSV", "JSON", "Markdown", "HTML", "LaTeX"]
    for href, _ in links:
        target = html.unescape(href)
        assert target.startswith("/compare?i=eu-jp-mla&i=jp-us-mlat&format=")
        assert client.get(target).status_code == 200
    # Columns and checkboxes show short titles, with the id kept in the tooltip.
    assert ">EU-Japan MLA Agreement</a></th>" in page
    assert re.search(r'value="jp-us-mlat" checked> Japan-US MLAT</label>', page)


def test_unknown_format_is_a_400_page(client: httpx.Client) -> None:
    response = client.get("/compare?i=eu-jp-mla&format=pdf", headers={"Accept": "text/html"})
    assert response.status_code == 400
    assert "use format= one of csv, json, md, html, latex" in response.text
