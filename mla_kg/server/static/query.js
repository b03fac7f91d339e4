// The query page: load a named query into the editor, run it on /sparql, show or download
// the answer. Text from the server is put into the page with textContent only, never as HTML.
"use strict";

(function () {
  const SHOWN_ROWS = 1000;
  const form = document.getElementById("query-form");
  const editor = document.getElementById("query");
  const select = document.getElementById("example");
  const statusLine = document.getElementById("status");
  const errorBox = document.getElementById("error");
  const results = document.getElementById("results");
  const examples = JSON.parse(document.getElementById("examples-data").textContent);
  const byName = new Map(examples.map((q) => [q.name, q]));
  const prefixes = Object.entries(JSON.parse(document.getElementById("prefixes-data").textContent));
  const LOCAL_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

  // Show an IRI as prefix:name where a known prefix covers it (as the server's compact()).
  function compact(iri) {
    for (const [prefix, namespace] of prefixes) {
      if (iri.startsWith(namespace) && LOCAL_NAME.test(iri.slice(namespace.length))) {
        return prefix + ":" + iri.slice(namespace.length);
      }
    }
    return iri;
  }

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function showExample(name, load) {
    const info = document.getElementById("example-info");
    const query = byName.get(name);
    if (!query) {
      info.hidden = true;
      return;
    }
    if (load) editor.value = query.text;
    document.getElementById("example-name").textContent = query.name + ".rq";
    document.getElementById("example-description").textContent = query.description || "";
    const params = document.getElementById("example-params");
    params.replaceChildren();
    if (query.params.length) {
      params.append(el("p", "Parameters (left open here, so the query covers every value; " +
        "the CLI and Python API bind them):", "params-intro"));
      const list = el("ul", null, "params");
      for (const p of query.params) {
        const item = el("li");
        item.append(el("code", "?" + p.name), " (" + p.type + ") ");
        if (p.meaning) item.append("— " + p.meaning);
        if (p.default) item.append(el("span", " default: " + p.default, "muted"));
        list.append(item);
      }
      params.append(list);
    }
    info.hidden = false;
  }

  function setStatus(text) {
    statusLine.textContent = text;
  }

  function showError(title, detail) {
    errorBox.replaceChildren(el("strong", title), el("pre", detail));
    errorBox.hidden = false;
  }

  async function errorText(response) {
    const body = await response.text();
    const type = response.headers.get("Content-Type") || "";
    if (type.includes("json")) {
      try {
        const data = JSON.parse(body);
        return data.message || data.detail || data.error || body;
      } catch (e) {
        return body;
      }
    }
    if (type.includes("html")) {
      const doc = new DOMParser().parseFromString(body, "text/html");
      const message = doc.querySelector(".message");
      return (message || doc.body).textContent.trim();
    }
    return body.trim();
  }

  async function post(accept) {
    return fetch("/sparql", {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8",
        Accept: accept,
      },
      body: new URLSearchParams({ query: editor.value }),
    });
  }

  function termCell(term) {
    const td = el("td");
    if (!term) return td;
    if (term.type === "uri") {
      const base = "https://w3id.org/mla-kg/";
      let href = term.value;
      if (href.startsWith(base + "ontology#")) href = "/ontology#" + href.slice((base + "ontology#").length);
      else if (href.startsWith(base + "id/") || href.startsWith(base + "feature/")) href = "/" + href.slice(base.length);
      if (/^(https?:\/\/|\/)/.test(href)) {
        const a = el("a", compact(term.value));
        a.href = href;
        a.title = term.value;
        td.append(a);
      } else {
        td.append(el("span", compact(term.value), "iri"));
      }
    } else {
      td.append(el("span", term.value, "literal"));
      if (term["xml:lang"]) td.append(el("span", "@" + term["xml:lang"], "lang"));
    }
    if (term.type === "uri" && term.value.endsWith("ontology#recalled")) td.classList.add("is-recalled");
    return td;
  }

  function showSelect(data, truncated) {
    const vars = data.head.vars || [];
    const rows = data.results.bindings;
    const table = el("table", null, "result-table");
    const head = el("tr");
    for (const v of vars) head.append(el("th", "?" + v));
    table.append(el("thead"));
    table.tHead.append(head);
    const body = el("tbody");
    for (const row of rows.slice(0, SHOWN_ROWS)) {
      const tr = el("tr");
      for (const v of vars) tr.append(termCell(row[v]));
      body.append(tr);
    }
    table.append(body);
    results.replaceChildren();
    let summary = rows.length + (rows.length === 1 ? " row" : " rows");
    if (rows.length > SHOWN_ROWS) summary += ", the first " + SHOWN_ROWS + " shown (download for all)";
    if (truncated) summary += " — " + truncated;
    results.append(el("p", summary, "result-count"), table);
  }

  async function run(event) {
    event.preventDefault();
    errorBox.hidden = true;
    setStatus("Running…");
    const started = performance.now();
    let response;
    try {
      response = await post("application/sparql-results+json, text/turtle;q=0.9");
    } catch (e) {
      setStatus("");
      showError("The server could not be reached", String(e));
      return;
    }
    const elapsed = ((performance.now() - started) / 1000).toFixed(2) + " s";
    if (!response.ok) {
      setStatus("");
      results.replaceChildren();
      showError("Error " + response.status + " " + response.statusText, await errorText(response));
      return;
    }
    const type = response.headers.get("Content-Type") || "";
    const truncated = response.headers.get("MLA-KG-Truncated");
    if (type.includes("sparql-results+json")) {
      const data = await response.json();
      if (typeof data.boolean === "boolean") {
        results.replaceChildren(el("p", "ASK answer: " + data.boolean, "ask-answer"));
      } else {
        showSelect(data, truncated || data.truncated);
      }
    } else {
      results.replaceChildren(el("pre", await response.text(), "graph-answer"));
    }
    setStatus("Done in " + elapsed);
  }

  async function download(accept, extension) {
    errorBox.hidden = true;
    setStatus("Preparing download…");
    const response = await post(accept);
    if (!response.ok) {
      setStatus("");
      showError("Error " + response.status + " " + response.statusText, await errorText(response));
      return;
    }
    const blob = await response.blob();
    const link = el("a");
    link.href = URL.createObjectURL(blob);
    link.download = (select.value || "query") + "." + extension;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
    setStatus("Downloaded " + link.download);
  }

  select.addEventListener("change", () => showExample(select.value, true));
  form.addEventListener("submit", run);
  document.getElementById("download-csv").addEventListener("click", () => download("text/csv", "csv"));
  document.getElementById("download-json").addEventListener("click", () =>
    download("application/sparql-results+json", "json"));
  editor.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) form.requestSubmit();
  });
  // /?example=<name> preselects a query; /?query=<text> keeps the text the server put in.
  if (select.value) showExample(select.value, !new URLSearchParams(location.search).has("query"));
})();
