"""The request form (``/request``) over real HTTP against ``mla-kg serve``, and in real Chromium.

The check's JSON and the drafts are compared with what the CLI (``mla-kg check-request -f json``,
``mla-kg draft``) gives for the same description; expected rows come from the graph (the
embedded store), never from a copy written into the test.
"""

from __future__ import annotations

import html
import io
import json
import random
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import docx
import httpx
import pytest
import yaml
from chromium import SCREENSHOTS, chromium
from chromium import wait as _wait
from markupsafe import escape

from mla_kg import KnowledgeGraph
from mla_kg.drafting import RequestDescription, to_markdown
from mla_kg.drafting.check import EXAMPLE
from mla_kg.server.request_form import description_fields, fields_mapping
from mla_kg.server.request_page import MAX_DESCRIPTION_BYTES

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "drafting"
DE_JP = FIXTURES / "de-to-jp-videoconference.yaml"
SCENARIOS = [EXAMPLE, *sorted(FIXTURES.glob("*.yaml"))]
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
YAML = {"Content-Type": "application/yaml"}
JSON_ACCEPT = {"Accept": "application/json"}
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>")


@pytest.fixture(scope="module")
def client(server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url.rstrip("/"), timeout=120) as http:
        yield http


def _pairs(values: dict) -> list[tuple[str, str]]:
    """Return form values as the browser sends them (one pair per checked measure)."""
    out: list[tuple[str, str]] = [("source", "form")]
    for name, value in values.items():
        out += [(name, v) for v in value] if isinstance(value, list) else [(name, value)]
    return out


def _measures(kg: KnowledgeGraph) -> list[str]:
    rows = kg.run("checklist_features").rows
    return [str(r["featureId"]) for r in rows if str(r["groupId"]) == "measures"]


def _bad(change: str) -> str:
    """Return the example with one change applied (``old=>new`` on its text)."""
    old, new = change.split("=>")
    text = EXAMPLE.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


# --- the form ----------------------------------------------------------------------------------


def test_form_offers_the_graphs_measures(client: httpx.Client, kg: KnowledgeGraph) -> None:
    response = client.get("/request")
    assert response.status_code == 200
    page = response.text
    offered = re.findall(r'<input type="checkbox" name="measure" value="([^"]+)"', page)
    assert offered == _measures(kg)
    checked = re.findall(r'name="measure" value="([^"]+)" checked', page)
    assert checked == RequestDescription.from_file(EXAMPLE).measure_ids
    assert "Content-Security-Policy" in response.headers
    assert not INLINE_SCRIPT.search(page)
    assert '<script src="/static/request.js" defer></script>' in page
    assert client.get("/static/request.js").status_code == 200


def test_form_is_filled_with_the_documented_example(client: httpx.Client) -> None:
    page = client.get("/request").text
    values = description_fields(RequestDescription.from_file(EXAMPLE))
    for name in ("requesting.state", "requested.state", "date", "requesting.authority"):
        assert f'name="{name}" value="{escape(values[name])}"' in page, name
    facts = re.search(r'<textarea name="offence.facts"[^>]*>([^<]*)</textarea>', page)
    assert facts and html.unescape(facts.group(1)) == values["offence.facts"]
    textarea = re.search(r'<textarea name="yaml"[^>]*>([^<]*)</textarea>', page, re.S)
    assert textarea and html.unescape(textarea.group(1)) == EXAMPLE.read_text(encoding="utf-8")
    # ... and it arrives checked: the example is complete.
    assert 'id="verdict"' in page and "<strong>Complete</strong>" in page


def test_site_navigation_links_the_form(client: httpx.Client) -> None:
    assert '<a href="/request">Draft a request</a>' in client.get("/compare").text
    assert '<a href="/request" aria-current="page">' in client.get("/request").text


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_form_fields_stand_for_the_description(path: Path) -> None:
    description = RequestDescription.from_file(path)
    mapping = fields_mapping(_pairs(description_fields(description)))
    assert RequestDescription.from_mapping(mapping) == description


# --- the check ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [EXAMPLE, DE_JP], ids=["be-to-jp-bank", "de-to-jp-video"])
def test_check_json_is_the_clis(client: httpx.Client, run_cli, path: Path) -> None:
    cli = run_cli("check-request", str(path), "-f", "json")
    assert cli.returncode in (0, 1), cli.stderr
    response = client.post(
        "/request/check", content=path.read_bytes(), headers={**YAML, **JSON_ACCEPT}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.content == cli.stdout.encode("utf-8")
    assert json.loads(response.text)["complete"] is (path == EXAMPLE)


def test_form_fields_check_as_the_yaml_does(client: httpx.Client) -> None:
    values = description_fields(RequestDescription.from_file(EXAMPLE))
    empty = client.post("/request/check", content=b"", headers={**FORM, **JSON_ACCEPT})
    assert empty.status_code == 400  # an empty form names the first missing key
    assert empty.json()["message"].startswith("request description: requesting: missing")
    by_form = client.post(
        "/request/check", content=urlencode(_pairs(values)), headers={**FORM, **JSON_ACCEPT}
    )
    by_yaml = client.post(
        "/request/check", content=EXAMPLE.read_bytes(), headers={**YAML, **JSON_ACCEPT}
    )
    assert by_form.status_code == by_yaml.status_code == 200
    assert by_form.json() == by_yaml.json()


def _rows(fragment: str, table: str) -> list[tuple[str, str]]:
    """Return (state, provision) of each row of a check table of the fragment."""
    body = re.search(rf'<table[^>]*id="{table}".*?<tbody>(.*?)</tbody>', fragment, re.S)
    assert body, table
    found = re.findall(
        r'<td class="state">([^<]+)</td>\s*<td class="provision">(.*?)</td>', body.group(1), re.S
    )
    return [(s, html.unescape(re.sub(r"<[^>]+>", "", p))) for s, p in found]


def test_check_fragment_of_the_belgian_bank_request(
    client: httpx.Client, kg: KnowledgeGraph
) -> None:
    check = kg.check_request(EXAMPLE)
    assert check.complete
    response = client.post(
        "/request/check?view=fragment", content=EXAMPLE.read_bytes(), headers=YAML
    )
    assert response.status_code == 200
    fragment = response.text
    assert "<html" not in fragment and 'data-state="complete"' in fragment
    assert _rows(fragment, "requirements") == [("yes", r.provision) for r in check.requirements]
    title = check.plan.guidance_title
    assert title and str(escape(title)) in fragment
    expected = [("yes", r.provision.removeprefix(f"{title}, ")) for r in check.guidance]
    assert _rows(fragment, "guidance") == expected
    for risk in check.risks:
        assert f'data-ground="{risk.ground}"' in fragment
    # A recalled provision carries the dagger, explained.
    assert any(r.verification == "recalled" for r in check.requirements)
    assert '<span class="dagger" title="' in fragment


def test_check_fragment_cites_the_missing_item(client: httpx.Client, kg: KnowledgeGraph) -> None:
    check = kg.check_request(DE_JP)
    gap = next(r for r in check.requirements if r.counts)
    response = client.post("/request/check?view=fragment", content=DE_JP.read_bytes(), headers=YAML)
    assert response.status_code == 200
    fragment = response.text
    assert 'data-state="incomplete"' in fragment and "<strong>Incomplete</strong>" in fragment
    assert ("MISSING", gap.provision) in _rows(fragment, "requirements")
    row = re.search(rf'<tr class="missing" data-item="{gap.item}">.*?</tr>', fragment, re.S)
    assert row, gap.item
    for key in gap.missing:
        assert f"<code>{escape(key)}</code>" in row.group(0)


def test_check_without_javascript_answers_the_whole_page(client: httpx.Client) -> None:
    values = description_fields(RequestDescription.from_file(DE_JP))
    response = client.post("/request/check", data=dict(_pairs(values)))
    assert response.status_code == 200
    page = response.text
    assert "<form" in page and "<strong>Incomplete</strong>" in page
    # The form comes back as it was sent.
    assert f'name="requesting.authority" value="{escape(values["requesting.authority"])}"' in page
    assert 'value="videoconference-hearing" checked' in page
    assert response.headers["cache-control"] == "no-store"


# --- the downloads -----------------------------------------------------------------------------


def test_markdown_download_is_the_clis(client: httpx.Client, run_cli, tmp_path: Path) -> None:
    written = tmp_path / "x.md"
    assert run_cli("draft", str(EXAMPLE), "-o", str(written)).returncode == 0
    response = client.post(
        "/request/draft", params={"format": "md"}, content=EXAMPLE.read_bytes(), headers=YAML
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/markdown; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="request.md"'
    assert response.content == written.read_bytes()


def _document(data: bytes) -> list[tuple[str, str]]:
    document = docx.Document(io.BytesIO(data))
    parts = [(p.style.name, p.text) for p in document.paragraphs]
    for table in document.tables:
        parts += [("cell", cell.text) for row in table.rows for cell in row.cells]
    return parts


@pytest.mark.parametrize("path", [EXAMPLE, DE_JP], ids=["be-to-jp-bank", "de-to-jp-video"])
def test_docx_download_is_the_clis(
    client: httpx.Client, run_cli, tmp_path: Path, path: Path
) -> None:
    written = tmp_path / "x.docx"
    assert run_cli("draft", str(path), "-o", str(written)).returncode == 0
    values = description_fields(RequestDescription.from_file(path))
    response = client.post("/request/draft?format=docx", data=dict(_pairs(values)))
    assert response.status_code == 200
    assert response.headers["content-type"] == DOCX_TYPE
    assert response.headers["content-disposition"] == 'attachment; filename="request.docx"'
    assert _document(response.content) == _document(written.read_bytes())
    assert len(_document(response.content)) > 20


# --- bad input ---------------------------------------------------------------------------------

BAD = {
    "unknown-measure": "id: bank-information=>id: bank-informatio",
    "malformed-date": "date: 2025-03-01 =>date: 2025-13-01 ",
    "misspelt-key": "urgency:=>urgncy:",
    "missing-penalty-flag": "    death_penalty: false =>",
    "not-a-state": "  state: JP=>  state: Japan",
}


@pytest.mark.parametrize("change", BAD.values(), ids=BAD.keys())
def test_bad_description_is_400_with_the_clis_line(
    client: httpx.Client, run_cli, tmp_path: Path, change: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(_bad(change), encoding="utf-8")
    cli = run_cli("check-request", str(path))
    assert cli.returncode == 2
    line = cli.stderr.strip().removeprefix("error: ")
    for url in ("/request/check", "/request/draft?format=md", "/request/draft?format=docx"):
        response = client.post(url, content=path.read_bytes(), headers={**YAML, **JSON_ACCEPT})
        assert response.status_code == 400, url
        assert response.json()["message"] == line
    page = client.post("/request/check", data={"source": "yaml", "yaml": _bad(change)})
    assert page.status_code == 400 and 'id="check-error"' in page.text
    assert str(escape(line)) in page.text
    # The pasted text comes back in its box, for the drafter to correct.
    assert str(escape(_bad(change))) in page.text
    fragment = client.post("/request/check?view=fragment", content=path.read_bytes(), headers=YAML)
    assert fragment.status_code == 400 and str(escape(line)) in fragment.text


def test_unknown_measure_from_the_form_names_it(client: httpx.Client) -> None:
    values = description_fields(RequestDescription.from_file(EXAMPLE))
    values["measure"] = ["bank-information", "mind-reading"]
    response = client.post(
        "/request/check", content=urlencode(_pairs(values)), headers={**FORM, **JSON_ACCEPT}
    )
    assert response.status_code == 400
    assert response.json()["message"].startswith(
        "request description: measures.1.id: 'mind-reading' is not a known measure"
    )


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("requesting: [unclosed\n", "not valid YAML at line 2"),
        ("a: &x [1]\nb: *x\n", "anchors and aliases"),
        ("[" * 5000, "nested too deeply"),
        ("- just\n- a list\n", "expected a mapping of keys"),
    ],
    ids=["unclosed", "alias", "deep", "list"],
)
def test_unreadable_yaml_is_400(client: httpx.Client, body: str, words: str) -> None:
    response = client.post("/request/check", content=body, headers={**YAML, **JSON_ACCEPT})
    assert response.status_code == 400
    assert words in response.json()["message"]


def test_oversize_description_is_413(client: httpx.Client) -> None:
    body = EXAMPLE.read_bytes() + b"#" * MAX_DESCRIPTION_BYTES
    for url in ("/request/check", "/request/draft?format=md"):
        response = client.post(url, content=body, headers={**YAML, **JSON_ACCEPT})
        assert response.status_code == 413, url
        assert "64 KiB" in response.json()["message"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: the cap holds while reading
        for _ in range(MAX_DESCRIPTION_BYTES // 4096 + 2):
            yield b"#" * 4096

    response = client.post("/request/check", content=chunks(), headers={**YAML, **JSON_ACCEPT})
    assert response.status_code == 413


def test_other_media_types_and_formats_are_refused(client: httpx.Client) -> None:
    response = client.post(
        "/request/check", content=b"\x89PNG", headers={"Content-Type": "image/png", **JSON_ACCEPT}
    )
    assert response.status_code == 415
    response = client.post(
        "/request/draft?format=pdf", content=EXAMPLE.read_bytes(), headers={**YAML, **JSON_ACCEPT}
    )
    assert response.status_code == 400 and "docx or md" in response.json()["message"]
    response = client.post("/request/check", content=b"\xff\xfe", headers={**YAML, **JSON_ACCEPT})
    assert response.status_code == 400 and "UTF-8" in response.json()["message"]
    assert client.get("/request/check").status_code == 405


def _odd_bodies() -> list[tuple[str, bytes]]:
    """Return bodies a client may send by mistake or malice: none may get a 500."""
    rng = random.Random(18)
    form = "application/x-www-form-urlencoded"
    bodies = [
        (form, b"measure=" + b"x" * 5000),
        (form, b"measure.bank-information.details=" + b"%ff%fe"),
        (form, b"person.999.name=A&person.0.date_of_birth=yesterday&measure=examination"),
        (form, b"&".join([b"a=b"] * 3000)),
        (form, b"offence.maximum_penalty.death_penalty=perhaps&requesting.state=be"),
        (form, b"source=yaml&yaml=" + b"%00" * 10),
        ("application/yaml", b"!!python/object:os.system ['true']"),
        ("application/yaml", b"date: !!timestamp 2025-03-01"),
        ("application/yaml", b"\x00\x01"),
        ("application/json", b'{"requesting": {"state": "BE", "authority": "x"}}'),
        ("text/plain", b"\t- [a, {b: c}]"),
    ]
    bodies += [
        (rng.choice([form, "application/yaml"]), rng.randbytes(rng.randint(0, 600)))
        for _ in range(40)
    ]
    return bodies


def test_no_body_gets_a_500(client: httpx.Client) -> None:
    for content_type, body in _odd_bodies():
        for url in ("/request/check", "/request/draft?format=md", "/request/check?view=fragment"):
            response = client.post(url, content=body, headers={"Content-Type": content_type})
            assert 200 <= response.status_code < 500, (url, content_type, body[:80], response.text)
            assert "Traceback" not in response.text


# --- in the browser ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("request-downloads")


@pytest.fixture(scope="module")
def browser(downloads: Path) -> Iterator[object]:
    with chromium(downloads) as driver:
        yield driver


def _shot(driver, name: str, width: int, full: bool = True) -> Path:
    """Save a screenshot ``request-<name>.png`` at this width (the whole page when ``full``)."""
    height = driver.execute_script("return document.documentElement.scrollHeight") if full else 1000
    driver.set_window_size(width, min(int(height), 6000))
    path = SCREENSHOTS / f"request-{name}.png"
    assert driver.save_screenshot(str(path)), f"screenshot {path} failed"
    return path


def _state(driver) -> str:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.ID, "check-body").get_attribute("data-state")


def test_the_page_checks_live_and_downloads_the_draft(
    browser, server, kg: KnowledgeGraph, downloads: Path
) -> None:
    from selenium.webdriver.common.by import By

    browser.set_window_size(1400, 1000)
    browser.get(f"{server.url}request")
    assert _state(browser) == "complete"
    _shot(browser, "1400", 1400)
    browser.set_window_size(1400, 1000)
    facts = browser.find_element(By.NAME, "offence.facts")
    original = facts.get_property("value")
    facts.clear()
    facts.send_keys(" ")  # an input event: the page checks again, without a submit
    _wait(browser, lambda d: _state(d) == "incomplete")
    assert browser.current_url == f"{server.url}request"
    row = browser.find_element(By.CSS_SELECTOR, "#requirements tr.missing")
    assert "offence.facts" in row.text
    # The verdict beside the buttons follows, for a check scrolled out of sight.
    summary = browser.find_element(By.CSS_SELECTOR, "#request-form .check-summary")
    assert summary.text.startswith("Incomplete: 1 missing")
    _shot(browser, "1400-incomplete", 1400, full=False)

    facts.clear()
    facts.send_keys(original)
    _wait(browser, lambda d: _state(d) == "complete")
    checks = int(browser.find_element(By.ID, "check-result").get_attribute("data-checks"))
    assert checks >= 2

    target = downloads / "request.md"
    target.unlink(missing_ok=True)
    browser.find_element(By.ID, "download-md").click()
    _wait(browser, lambda d: target.exists() and target.stat().st_size > 0)
    assert target.read_bytes() == to_markdown(kg.draft_request(EXAMPLE)).encode("utf-8")

    browser.set_window_size(800, 1000)
    browser.get(f"{server.url}request")
    assert _state(browser) == "complete"
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 800
    _shot(browser, "800", 800)


def test_the_yaml_box_checks_live(browser, server) -> None:
    from selenium.webdriver.common.by import By

    browser.set_window_size(1400, 1000)
    browser.get(f"{server.url}request")
    browser.find_element(By.CSS_SELECTOR, "#yaml-box > summary").click()
    box = browser.find_element(By.ID, "yaml")
    text = yaml.safe_load(box.get_property("value"))
    assert text["requested"] == {"state": "JP"}
    browser.execute_script(
        "arguments[0].value = arguments[0].value.replace('date: 2025-03-01', 'date: 2025-02-30');"
        "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
        box,
    )
    _wait(browser, lambda d: _state(d) == "error")
    error = browser.find_element(By.ID, "check-error").text
    assert "date: '2025-02-30' is not a date (expected YYYY-MM-DD" in error
    _shot(browser, "1400-yaml-error", 1400, full=False)
