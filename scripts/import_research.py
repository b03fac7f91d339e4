"""Convert the research fact sheets (YAML) into the canonical Turtle files of ``data/``.

A developer tool, not part of the ``mla_kg`` package. Usage, from the repository root::

    python scripts/import_research.py            # writes data/*.ttl
    python scripts/import_research.py --out /tmp/x --instrument eu-jp-mla

One Turtle file per instrument (``data/<id>.ttl``), plus ``data/sources.ttl`` (every source the
converted fact sheets cite, the seed article, one research record per fact sheet) and
``data/states.ttl``. Output is deterministic (no blank nodes, rdflib's sorted Turtle, fixed
prefixes). Anything the converter cannot map raises :class:`ResearchError` naming the file and the
key; every item is either converted or reported on stderr as skipped, with the reason.
Decisions that cannot be derived mechanically live in ``research/curation.yaml``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_RESEARCH_DIR = REPO_ROOT / "research"
DEFAULT_OUT_DIR = REPO_ROOT / "data"
CURATION_FILE = REPO_ROOT / "research" / "curation.yaml"

#: Fact sheets converted by default (every instrument sheet of research/).
DEFAULT_INSTRUMENTS = (
    "eu-jp-mla",
    "eu-us-mla",
    "jp-us-mlat",
    "eu-mla-conv-2000",
    "eu-us-extradition",
    "coe-mla-1959",
    "coe-mla-2ap-2001",
    "coe-mla-ap-1978",
    "eu-mla-prot-2001",
    "eio-directive-2014",
    "un-model-law-mla-2007",
    "untoc-2000",
    "uncac-2003",
    "budapest-2001",
    "un-drugs-1988",
    "jp-kr-mlat",
    "jp-cn-mlat",
    "jp-hk-mlaa",
    "jp-ru-mlat",
    "jp-vn-mlat",
    "jp-br-mlat",
    "jp-ca-mlat",
)

BASE = "https://w3id.org/mla-kg/"
MLA = Namespace(BASE + "ontology#")
FEAT = Namespace(BASE + "feature/")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
INSTRUMENT = Namespace(BASE + "id/instrument/")
STATE = Namespace(BASE + "id/state/")
ORG = Namespace(BASE + "id/org/")
SOURCE = Namespace(BASE + "id/source/")
AUTHORITY = Namespace(BASE + "id/authority/")

SEED_PATH = "shared/seeds/weyembergh-wieczorek-eu-japan-mla.txt"
SEED_MOJ_PATH = "shared/seeds/japan-moj-mla-page.txt"
RESEARCH_RECORD_URL = "data/README.md"

STATUSES = {"official": MLA.official, "scholarly": MLA.scholarly, "recalled": MLA.recalled}
#: Strength of a status, for the "never upgrade" guard.
STATUS_RANK = {"recalled": 0, "scholarly": 1, "official": 2}

KIND_CLASSES = {
    "bilateral-treaty": MLA.BilateralTreaty,
    "bilateral-agreement": MLA.BilateralAgreement,
    "multilateral-convention": MLA.MultilateralConvention,
    "protocol": MLA.Protocol,
    "directive": MLA.EUAct,
    "eu-act": MLA.EUAct,
    "model-law": MLA.ModelLaw,
    "domestic-law": MLA.DomesticLaw,
}

# ISO 3166-1 alpha-2 code -> (English name, Japanese name, English alternative names).
EU_MEMBER_STATES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "AT": ("Austria", "オーストリア", ()),
    "BE": ("Belgium", "ベルギー", ()),
    "BG": ("Bulgaria", "ブルガリア", ()),
    "HR": ("Croatia", "クロアチア", ()),
    "CY": ("Cyprus", "キプロス", ()),
    "CZ": ("Czechia", "チェコ", ("Czech Republic",)),
    "DK": ("Denmark", "デンマーク", ()),
    "EE": ("Estonia", "エストニア", ()),
    "FI": ("Finland", "フィンランド", ()),
    "FR": ("France", "フランス", ()),
    "DE": ("Germany", "ドイツ", ()),
    "GR": ("Greece", "ギリシャ", ()),
    "HU": ("Hungary", "ハンガリー", ()),
    "IE": ("Ireland", "アイルランド", ()),
    "IT": ("Italy", "イタリア", ()),
    "LV": ("Latvia", "ラトビア", ()),
    "LT": ("Lithuania", "リトアニア", ()),
    "LU": ("Luxembourg", "ルクセンブルク", ()),
    "MT": ("Malta", "マルタ", ()),
    "NL": ("Netherlands", "オランダ", ()),
    "PL": ("Poland", "ポーランド", ()),
    "PT": ("Portugal", "ポルトガル", ()),
    "RO": ("Romania", "ルーマニア", ()),
    "SK": ("Slovakia", "スロバキア", ()),
    "SI": ("Slovenia", "スロベニア", ()),
    "ES": ("Spain", "スペイン", ()),
    "SE": ("Sweden", "スウェーデン", ()),
}
OTHER_STATES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "GB": ("United Kingdom", "英国", ("United Kingdom of Great Britain and Northern Ireland",)),
    "JP": ("Japan", "日本", ()),
    "US": ("United States of America", "アメリカ合衆国", ("United States",)),
    "KR": ("Republic of Korea", "大韓民国", ("South Korea",)),
    "CN": ("China", "中華人民共和国", ("People's Republic of China",)),
    "HK": ("Hong Kong", "香港", ("Hong Kong Special Administrative Region of China",)),
    "RU": ("Russian Federation", "ロシア連邦", ("Russia",)),
    "VN": ("Viet Nam", "ベトナム社会主義共和国", ("Vietnam", "Socialist Republic of Viet Nam")),
    "BR": ("Brazil", "ブラジル連邦共和国", ("Federative Republic of Brazil",)),
    "CA": ("Canada", "カナダ", ()),
}
STATES = {**EU_MEMBER_STATES, **OTHER_STATES}
#: Codes EU documents use where they differ from ISO 3166 (fact sheets sometimes write them).
EU_CODES = {"EL": "GR"}
#: Non-State subjects of annex entries: code -> (organisation IRI, label).
NON_STATE_SUBJECTS = {"EU-EPPO": (ORG.EU, "European Public Prosecutor's Office (EU)")}
# Protocols Nos 21 and 22 to the EU Treaties: for an agreement the EU concludes in the area of
# freedom, security and justice, Ireland (and the UK until its withdrawal) is bound only by opting
# in and Denmark is not bound. Used to set mla:mode where a fact sheet states only whether a
# State is bound.
PROTOCOL_21_STATES = {"IE", "GB"}
PROTOCOL_22_STATES = {"DK"}

PREFIXES = {
    "mla": MLA,
    "feat": FEAT,
    "eli": ELI,
    "dct": DCTERMS,
    "skos": SKOS,
    "rdfs": RDFS,
    "rdf": RDF,
    "xsd": XSD,
    "owl": OWL,
    "state": STATE,
    "source": SOURCE,
    "authority": AUTHORITY,
    "prov": PROV,
}

ROMAN = re.compile(r"^[IVXLCDM]+$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MONTHS = {
    m: i
    for i, m in enumerate(
        (
            "january february march april may june july august september october november december"
        ).split(),
        start=1,
    )
}
STOP_WORDS = {"the", "of", "at", "for", "in", "and", "or", "to", "a", "an", "by", "on", "with"}


class ResearchError(Exception):
    """A fact-sheet item the converter cannot map; the message names the file and the key."""

    def __init__(self, file: str, key: str, problem: str) -> None:
        super().__init__(f"{file}: {key}: {problem}")
        self.file = file
        self.key = key
        self.problem = problem


# ---------------------------------------------------------------------------------------------
# Small pure helpers
# ---------------------------------------------------------------------------------------------


def slug(text: str) -> str:
    """Return a path segment: lower-case letters, digits and '-'.

    >>> slug("2-3 (approx.)")
    '2-3-approx'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower().replace("'", "")).strip("-")


def annex_segment(number: str) -> str:
    """Return the IRI segment of an annex: roman numerals stay upper-case, others are slugged."""
    return number if ROMAN.match(number) else slug(number)


def label_slug(label: str, words: int = 6) -> str:
    """Return a short slug of a body's name (text before any parenthesis or comma).

    >>> label_slug("Drug Enforcement Administration attachés at the US embassy (DEA matters)")
    'drug-enforcement-administration-attaches'
    """
    head = re.split(r"[(;,]", label, maxsplit=1)[0]
    kept = slug(head).split("-")[:words]
    while kept and kept[-1] in STOP_WORDS:
        kept.pop()
    return "-".join(kept)


def has_japanese(text: str) -> bool:
    """Tell whether a string contains Japanese script (kana or CJK ideographs)."""
    return any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in text)


def as_text(value: Any) -> str:
    """Render a YAML scalar as text (dates as ISO strings)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def norm_space(text: str) -> str:
    """Collapse runs of whitespace (YAML folded scalars keep line ends)."""
    return re.sub(r"\s+", " ", text).strip()


# ---------------------------------------------------------------------------------------------
# Reading fact sheets with key accounting
# ---------------------------------------------------------------------------------------------


class Item:
    """A mapping from a fact sheet whose every key must be consumed.

    Converters read keys through :meth:`get`; :meth:`finish` raises on keys nobody read, so a new
    kind of fact in a fact sheet stops the converter instead of being dropped.
    """

    def __init__(self, sheet: Sheet, data: Any, path: str) -> None:
        if not isinstance(data, dict):
            raise ResearchError(
                sheet.file, path, f"expected a mapping, found {type(data).__name__}"
            )
        self.sheet = sheet
        self.data = data
        self.path = path
        self.used: set[str] = set()

    def key(self, name: str) -> str:
        """Return the dotted path of one of this item's keys, for messages."""
        return f"{self.path}.{name}" if self.path else name

    def get(self, name: str, default: Any = None) -> Any:
        """Return the value of a key (marking it as handled), or ``default``."""
        self.used.add(name)
        value = self.data.get(name, default)
        return default if value is None else value

    def has(self, name: str) -> bool:
        """Tell whether the key is present with a non-null value (without consuming it)."""
        return self.data.get(name) is not None

    def require(self, name: str) -> Any:
        """Return the value of a key that must be present and non-null."""
        value = self.get(name)
        if value is None or value == "":
            raise self.error(name, "required value is missing")
        return value

    def text(self, name: str) -> str | None:
        """Return a key's value as normalised text, or None."""
        value = self.get(name)
        return None if value is None else norm_space(as_text(value))

    def items(self, name: str) -> list[tuple[Item | Any, str]]:
        """Return the list under a key with each element's path (mappings wrapped as Item)."""
        value = self.get(name) or []
        if not isinstance(value, list):
            raise self.error(name, f"expected a list, found {type(value).__name__}")
        out: list[tuple[Item | Any, str]] = []
        for index, element in enumerate(value):
            path = f"{self.key(name)}[{index}]"
            out.append(
                (Item(self.sheet, element, path) if isinstance(element, dict) else element, path)
            )
        return out

    def sub(self, name: str) -> Item | None:
        """Return the mapping under a key as an Item, or None."""
        value = self.get(name)
        return None if value is None else Item(self.sheet, value, self.key(name))

    def error(self, name: str, problem: str) -> ResearchError:
        """Return a ResearchError about one of this item's keys."""
        return ResearchError(self.sheet.file, self.key(name), problem)

    def finish(self) -> None:
        """Raise if a key of this mapping was not handled by any converter."""
        left = sorted(set(self.data) - self.used)
        if left:
            raise ResearchError(
                self.sheet.file,
                self.key(left[0]),
                f"key not handled by the converter (all unhandled: {', '.join(left)}); "
                "map it in scripts/import_research.py or mark it as deliberately skipped",
            )


@dataclass
class Report:
    """Counts per section of what was converted and what was skipped (printed to stderr)."""

    converted: Counter[str] = field(default_factory=Counter)
    skipped: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    remarks: list[str] = field(default_factory=list)

    def add(self, section: str, count: int = 1) -> None:
        """Count converted items of a section."""
        self.converted[section] += count

    def skip(self, section: str, where: str, reason: str) -> None:
        """Record a deliberately skipped item with its reason."""
        self.skipped[section].append(f"{where}: {reason}")

    def remark(self, text: str) -> None:
        """Record a conversion decision worth a reader's attention."""
        self.remarks.append(text)

    def print(self, instrument: str, stream: Any = sys.stderr) -> None:
        """Print the summary of one fact sheet."""
        print(f"== {instrument}", file=stream)
        sections = sorted(set(self.converted) | set(self.skipped))
        for section in sections:
            skipped = self.skipped.get(section, [])
            print(
                f"  {section}: {self.converted[section]} converted, {len(skipped)} skipped",
                file=stream,
            )
            for line in skipped:
                print(f"    skipped {line}", file=stream)
        for line in self.remarks:
            print(f"  note: {line}", file=stream)


# ---------------------------------------------------------------------------------------------
# The conversion of one fact sheet
# ---------------------------------------------------------------------------------------------


@dataclass
class Paragraph:
    """What the converter remembers about a paragraph while converting its points."""

    node: URIRef
    citation: str
    status: str  # the paragraph's own (core) status: no point may claim more
    point_status: str  # default for points: the status of the summary's finer detail, if given
    sources: list[URIRef]


class Sheet:
    """One fact sheet being converted into one instrument graph."""

    def __init__(
        self,
        path: Path,
        features: set[str],
        curation: dict[str, Any],
        sources_graph: Graph,
    ) -> None:
        self.file = path.name
        with path.open(encoding="utf-8") as handle:
            raw = yaml.safe_load(handle)
        self.root = Item(self, raw, "")
        self.id = str(self.root.require("id"))
        if self.id != path.stem:
            raise ResearchError(self.file, "id", f"id {self.id!r} differs from the file name")
        self.iri = INSTRUMENT[self.id]
        self.ns = Namespace(str(self.iri) + "/")
        self.features = features
        self.curation = Item(self, curation.get(self.id) or {}, f"curation[{self.id}]")
        self.graph = new_graph()
        self.graph.bind(self.id.replace("-", ""), self.ns)
        self.sources_graph = sources_graph
        self.report = Report()
        self.source_keys: dict[str, URIRef] = {}
        self.copies: dict[URIRef, URIRef] = {}
        self.new_feature_ids: set[str] = set()
        self.research_record = SOURCE[f"research-{self.id}"]
        self.claim_count = 0
        self.authority_slugs: set[str] = set()
        self.curated_points: dict[str, Item] = {}
        self.used_curated_points: set[str] = set()
        self.used_authority_keys: set[str] = set()
        self.used_source_classes: set[str] = set()
        self.used_identifier_sources: set[str] = set()

    # -- graph helpers -----------------------------------------------------------------------

    def add(self, s: URIRef, p: URIRef, o: Any) -> None:
        """Add one triple to the instrument graph."""
        self.graph.add((s, p, o))

    def note(self, node: URIRef, text: str | None) -> None:
        """Attach an own-words research note."""
        if text:
            self.add(node, MLA.note, Literal(norm_space(text), lang="en"))

    def status(self, item: Item, name: str = "status", default: str | None = None) -> str:
        """Return a status value from the closed list (or the default; fail when neither)."""
        value = item.get(name)
        if value is None:
            if default is None:
                raise item.error(name, "a verification status is required")
            return default
        if value not in STATUSES:
            raise item.error(name, f"unknown status {value!r}; expected one of {sorted(STATUSES)}")
        return str(value)

    def source_list(self, item: Item, name: str = "source") -> list[URIRef]:
        """Return the source IRIs under a key ('a; b' strings and lists both accepted)."""
        return self.resolve_sources(item.get(name), item, name)

    def resolve_sources(self, value: Any, item: Item, name: str) -> list[URIRef]:
        """Resolve fact-sheet source keys to source IRIs, failing on unknown keys."""
        if value is None:
            return []
        keys: list[str] = []
        for part in value if isinstance(value, list) else [value]:
            keys.extend(k for k in re.split(r"[;,]", str(part)) if k.strip())
        out = []
        for key in (k.strip() for k in keys):
            if key not in self.source_keys:
                raise item.error(name, f"unknown source key {key!r}; add it to the sheet's sources")
            out.append(self.source_keys[key])
        return out

    def source_names(self, value: Any) -> str:
        """Render source keys for a note ('s1, s2')."""
        if value is None:
            return ""
        parts = value if isinstance(value, list) else [value]
        return ", ".join(k.strip() for p in parts for k in re.split(r"[;,]", str(p)) if k.strip())

    def source_clause(self, value: Any) -> str:
        """Render source keys as the clause notes append after a status (', source s1, s2')."""
        where = self.source_names(value)
        return f", source {where}" if where else ""

    def provenance(
        self,
        node: URIRef,
        item: Item,
        *,
        default_status: str | None = None,
        default_sources: list[URIRef] | None = None,
        notes: bool = True,
    ) -> tuple[str, list[URIRef]]:
        """Attach verification, sources, pinpoint and notes of an item; return status and sources.

        A fact without a source cites the research record (the fact sheet itself).
        """
        status = self.status(item, default=default_status)
        sources = self.source_list(item) or list(default_sources or [])
        if not sources:
            sources = [self.research_record]
        self.add(node, MLA.verification, STATUSES[status])
        for source in sources:
            self.add(node, MLA.source, source)
            if source in self.copies:
                self.add(node, PROV.wasDerivedFrom, self.copies[source])
        pinpoint = item.text("pinpoint")
        if pinpoint:
            self.add(node, MLA.pinpoint, Literal(pinpoint))
        if notes:
            for key in ("notes", "note"):
                self.note(node, item.text(key))
            corroboration = item.text("corroboration")
            if corroboration:
                self.note(node, f"Corroboration: {corroboration}")
            support = item.text("content_support")
            if support:
                self.note(node, f"Support for the content: {support}")
            if item.has("detail_status"):
                detail = self.status(item, "detail_status")
                self.resolve_sources(item.get("detail_source"), item, "detail_source")
                where = self.source_names(item.data.get("detail_source"))
                self.note(
                    node,
                    f"The core claim is {status}; finer detail of the summary is {detail}"
                    + (f" (source: {where})." if where else "."),
                )
        return status, sources

    def fact_note(self, node: URIRef, label: str, value: Any, path: str) -> None:
        """Render an instrument-level fact with its status and sources as a note.

        Used for sections the ontology has no dedicated terms for (negotiation history, domestic
        approval steps, related instruments, open questions, ...): they stay in the graph as
        readable notes that keep the fact sheet's status and source keys.
        """
        if value is None:
            return
        if isinstance(value, list):
            for index, element in enumerate(value):
                self.fact_note(node, label, element, f"{path}[{index}]")
            return
        if not isinstance(value, dict):
            self.note(node, f"{label}: {as_text(value)}")
            return
        item = Item(self, value, path)
        body: list[str] = []
        for key in list(value):
            if key in ("status", "source", "pinpoint", "notes", "note"):
                continue
            if (
                re.search(r"_(status|source|notes?)$", key)
                and re.sub(r"_(status|source|notes?)$", "", key) in value
            ):
                continue  # rendered with its base key below
            sub = item.get(key)
            if isinstance(sub, dict | list):
                self.fact_note(node, f"{label} - {key.replace('_', ' ')}", sub, item.key(key))
                continue
            text = "not known" if sub is None else norm_space(as_text(sub))
            extra = []
            if f"{key}_status" in value:
                extra.append(self.status(item, f"{key}_status"))
            if f"{key}_source" in value:
                self.resolve_sources(item.get(f"{key}_source"), item, f"{key}_source")
                extra.append("source: " + self.source_names(value[f"{key}_source"]))
            for suffix in ("_notes", "_note"):
                if f"{key}{suffix}" in value:
                    extra.append(norm_space(as_text(item.get(f"{key}{suffix}"))))
            rendered = text + (f" [{'; '.join(extra)}]" if extra else "")
            body.append(rendered if key in _PLAIN_KEYS else f"{key.replace('_', ' ')}: {rendered}")
        prov = []
        if item.has("status"):
            prov.append(self.status(item))
        if item.has("source"):
            self.source_list(item)
            prov.append("source: " + self.source_names(value["source"]))
        if item.has("pinpoint"):
            prov.append("pinpoint: " + norm_space(as_text(item.get("pinpoint"))))
        if body:
            text = f"{label}: " + "; ".join(body) + (f" [{'; '.join(prov)}]" if prov else "")
        elif prov:
            text = f"{label}: " + "; ".join(prov)
        else:
            text = ""  # only nested sections, each rendered as its own note
        for key in ("notes", "note"):
            extra_note = item.text(key)
            if extra_note:
                text += f" Note: {extra_note}"
        for key in value:  # suffix keys consumed above through item.get
            item.used.add(key)
        item.finish()
        self.note(node, text.strip())

    def state_iri(self, code: Any, item: Item, name: str) -> URIRef:
        """Return the IRI of a State, the EU, or fail naming the unknown code."""
        text = str(code).strip()
        if text == "EU":
            return ORG.EU
        iso = EU_CODES.get(text, text)
        if iso not in STATES:
            raise item.error(
                name, f"unknown State code {text!r}; add it to STATES in the converter"
            )
        return STATE[iso]

    def iso(self, code: Any, item: Item, name: str) -> str:
        """Return the ISO 3166 code of a State code as written in a fact sheet."""
        iri = self.state_iri(code, item, name)
        if iri == ORG.EU:
            raise item.error(name, "expected a State, found the EU")
        return str(iri).rsplit("/", 1)[1]

    def feature(self, fid: Any, item: Item, name: str) -> URIRef:
        """Return the IRI of a feature of the scheme, failing on unknown ids."""
        if fid not in self.features:
            raise item.error(name, f"feature {fid!r} is not in features.yaml")
        return FEAT[str(fid)]

    def add_features(self, node: URIRef, item: Item) -> None:
        """Attach features, candidate features and proposed features of a provision."""
        for fid in item.get("features") or []:
            if fid in self.features:
                self.add(node, MLA.hasFeature, FEAT[fid])
            elif fid in self.new_feature_ids:
                self.add(node, MLA.proposedFeature, Literal(fid))
            else:
                raise item.error(
                    "features", f"feature {fid!r} is neither in features.yaml nor in new_features"
                )
        for key in ("candidate_features", "features_uncertain"):
            for fid in item.get(key) or []:
                self.add(node, MLA.candidateFeature, self.feature(fid, item, key))
        for fid in item.get("new_features") or []:
            if fid not in self.new_feature_ids:
                raise item.error("new_features", f"{fid!r} is not declared under new_features")
            self.add(node, MLA.proposedFeature, Literal(fid))

    def subdivision(
        self,
        node: URIRef,
        cls: URIRef,
        parent: URIRef,
        number: str,
        order: int,
        citation: str,
    ) -> None:
        """Add the structural triples every subdivision carries."""
        self.add(node, RDF.type, cls)
        self.add(node, RDF.type, MLA.Subdivision)
        self.add(node, ELI.is_part_of, parent)
        self.add(parent, ELI.has_part, node)
        self.add(node, MLA.inInstrument, self.iri)
        self.add(node, MLA.number, Literal(number))
        self.add(node, MLA.order, Literal(order))
        self.add(node, MLA.citation, Literal(citation))

    def node(self, relative: str) -> URIRef:
        """Return the IRI of a node of this instrument from its relative path."""
        return URIRef(f"{self.iri}/{relative}")

    # -- the sections ------------------------------------------------------------------------

    def convert(self) -> None:
        """Convert the whole fact sheet."""
        root = self.root
        self.convert_sources(root)
        self.new_feature_ids = {
            str(nf.data.get("id")) for nf, _ in root.items("new_features") if isinstance(nf, Item)
        }
        self.convert_instrument(root)
        self.convert_signatures(root)
        self.convert_entry_into_force(root)
        self.convert_publication(root)
        self.convert_identifiers(root)
        self.convert_languages(root)
        self.convert_structure(root)
        self.convert_background(root)
        self.convert_participation(root)
        self.convert_japan(root)
        self.convert_party_participation(root)
        self.convert_curated_participation()
        self.convert_articles(root)
        self.convert_unplaced(root)
        self.convert_annexes(root)
        self.convert_attestations(root, "present_features", MLA.Presence, "presence")
        self.convert_attestations(root, "absent_features", MLA.Absence, "absence")
        self.convert_clause_check(root)
        self.convert_channels(root)
        self.convert_claims(root)
        # After the claims, so that claim numbers follow the fact sheet's commentary_claims list.
        self.convert_central_authorities(root)
        self.convert_new_features(root)
        self.convert_open_questions(root)
        root.finish()
        self.check_curation_used()

    def convert_sources(self, root: Item) -> None:
        """Map the sheet's source keys to source nodes (written to sources.ttl)."""
        sources = root.sub("sources")
        if sources is None:
            raise root.error("sources", "a fact sheet needs a sources section")
        g = self.sources_graph
        record = self.research_record
        g.add((record, RDF.type, MLA.Source))
        g.add((record, RDF.type, MLA.ResearchRecord))
        g.add((record, DCTERMS.title, Literal(f"mla-kg research fact sheet: {self.id}", lang="en")))
        g.add((record, MLA.url, Literal(RESEARCH_RECORD_URL, datatype=XSD.anyURI)))
        g.add((record, MLA.sourceKey, Literal(f"research-{self.id}")))
        for key in list(sources.data):
            entry = sources.sub(key)
            assert entry is not None
            url = entry.text("url")
            if key == "seed" or url == SEED_PATH:
                iri = SOURCE.seed
                add_seed_record(g)
            elif key == "seed_moj" or url == SEED_MOJ_PATH:
                iri = SOURCE["seed-moj"]
                add_seed_moj_record(g)
            elif url is None and "recollection" in (entry.text("what") or ""):
                # The compiler's own recollection is the fact sheet itself, not a source of its
                # own: cite the research record (which keeps the sheet's wording as a note).
                iri = record
                what = entry.text("what")
                g.add((record, MLA.note, Literal(f"Source key {key!r}: {what}", lang="en")))
            else:
                iri = SOURCE[f"{self.id}-{slug(key)}"]
                self.add_source_node(iri, key, entry, url)
            entry.get("what")  # the seed records carry fixed titles
            entry.finish()
            self.source_keys[key] = iri
            self.report.add("sources")

    def add_source_node(self, iri: URIRef, key: str, entry: Item, url: str | None) -> None:
        """Add one source, classified as official, scholarly or non-official."""
        g = self.sources_graph
        what = entry.text("what") or ""
        reliability = entry.text("reliability") or ""
        seen_via = entry.text("seen_via")
        curated = (self.curation.get("source_classes") or {}).get(key)
        if curated is not None:
            c_item = Item(self, curated, f"curation[{self.id}].source_classes.{key}")
            name = c_item.require("class")
            if name not in SOURCE_CLASSES:
                raise c_item.error("class", f"expected one of {sorted(SOURCE_CLASSES)}")
            cls = SOURCE_CLASSES[name]
            reason = f"Classified by curation: {c_item.require('reason')}"
            g.add((iri, MLA.note, Literal(reason, lang="en")))
            c_item.finish()
            self.used_source_classes.add(key)
        else:
            cls = classify_source(key, what, reliability, url, entry)
        g.add((iri, RDF.type, MLA.Source))
        g.add((iri, RDF.type, cls))
        g.add((iri, DCTERMS.title, Literal(what, lang="en")))
        g.add((iri, MLA.sourceKey, Literal(key)))
        if url:
            for one in (u.strip() for u in url.split(" ; ")):
                g.add((iri, MLA.url, Literal(one, datatype=XSD.anyURI)))
        if reliability:
            g.add((iri, MLA.note, Literal(f"Reliability: {reliability}", lang="en")))
        if seen_via:
            g.add((iri, MLA.note, Literal(f"Seen via: {seen_via}", lang="en")))
        g.add((iri, MLA.note, Literal(f"Cited by the fact sheet {self.id}", lang="en")))
        copy = entry.sub("derived_from")
        if copy is not None:
            self.copies[iri] = self.add_copy_node(iri, copy)

    def add_copy_node(self, record: URIRef, copy: Item) -> URIRef:
        """Add the copy of an official record that was actually read (PROV).

        A fact citing ``record`` is then ``prov:wasDerivedFrom`` this copy: the record is the
        source, the copy is what the reader had in hand.
        """
        g = self.sources_graph
        repository = copy.require("repository")
        commit = copy.require("commit")
        path = copy.require("path")
        copy.finish()
        node = URIRef(f"{record}/copy-read")
        g.add((node, RDF.type, PROV.Entity))
        g.add((node, RDF.type, MLA.Source))
        g.add((node, RDF.type, MLA.NonOfficialSource))
        title = f"Copy read of {record.rsplit('/', 1)[-1]}: {repository} at {commit}, {path}"
        g.add((node, DCTERMS.title, Literal(title, lang="en")))
        g.add(
            (
                node,
                MLA.url,
                Literal(
                    f"https://github.com/{repository}/blob/{commit}/{path}", datatype=XSD.anyURI
                ),
            )
        )
        g.add((node, PROV.wasDerivedFrom, record))
        return node

    def convert_instrument(self, root: Item) -> None:
        """Convert titles, short title, kind, parties and the instrument record's own status."""
        g_iri = self.iri
        self.add(g_iri, RDF.type, MLA.Instrument)
        kind = root.require("kind")
        if kind not in KIND_CLASSES:
            raise root.error(
                "kind", f"unknown kind {kind!r}; expected one of {sorted(KIND_CLASSES)}"
            )
        self.add(g_iri, RDF.type, KIND_CLASSES[kind])
        self.add(g_iri, MLA.instrumentId, Literal(self.id))
        self.add(g_iri, DCTERMS.title, Literal(norm_space(root.require("title")), lang="en"))
        title_ja = root.text("title_ja")
        variants = root.items("title_variants")
        for variant, path in variants:
            if not isinstance(variant, Item):
                raise ResearchError(self.file, path, "a title variant needs text/status/source")
            text = norm_space(variant.require("text"))
            lang = "ja" if has_japanese(text) else "en"
            if lang == "ja" and title_ja is None:
                title_ja = text
                self.report.remark(f"dct:title@ja taken from title variant {path}")
            else:
                self.add(g_iri, DCTERMS.alternative, Literal(text, lang=lang))
            status = self.status(variant)
            self.source_list(variant)
            self.note(
                g_iri,
                f"Title variant '{text}' ({variant.text('note') or 'no note'}): {status}"
                + self.source_clause(variant.get("source")),
            )
            variant.finish()
            self.report.add("title_variants")
        if title_ja:
            self.add(g_iri, DCTERMS.title, Literal(title_ja, lang="ja"))
        short = root.text("short_title")
        if short:
            match = re.match(r"^(.*?)\s*\(([^()]*)\)$", short)
            if match and has_japanese(match.group(2)) and not has_japanese(match.group(1)):
                self.add(g_iri, MLA.shortTitle, Literal(match.group(1), lang="en"))
                self.add(g_iri, MLA.shortTitle, Literal(match.group(2), lang="ja"))
            else:
                self.add(
                    g_iri,
                    MLA.shortTitle,
                    Literal(short, lang="ja" if has_japanese(short) else "en"),
                )
            if root.has("short_title_status"):
                status = self.status(root, "short_title_status")
                self.source_list(root, "short_title_source")
                clause = self.source_clause(root.data.get("short_title_source"))
                self.note(g_iri, f"Short title: {status}{clause}")
        status = root.get("title_status")
        if status is None:
            self.report.remark("no title_status: the instrument record is marked recalled")
            self.note(g_iri, "The fact sheet gives no status for the title; recorded as recalled.")
        self.provenance_named(
            g_iri, root, "title_status", "title_source", default_status="recalled"
        )
        for code in root.get("parties") or []:
            self.add(g_iri, MLA.party, self.state_iri(code, root, "parties"))
        parties_note = root.get("parties_note")
        if parties_note is not None:
            self.fact_note(g_iri, "Parties", parties_note, root.key("parties_note"))

    def provenance_named(
        self, node: URIRef, item: Item, status_key: str, source_key: str, default_status: str
    ) -> None:
        """Attach verification and sources stored under custom key names."""
        status = self.status(item, status_key, default=default_status)
        sources = self.source_list(item, source_key) or [self.research_record]
        self.add(node, MLA.verification, STATUSES[status])
        for source in sources:
            self.add(node, MLA.source, source)

    def convert_signatures(self, root: Item) -> None:
        """One mla:Signature per signature event; mla:dateSigned is the first date."""
        dates = []
        for index, (sig, path) in enumerate(root.items("signed"), start=1):
            if not isinstance(sig, Item):
                raise ResearchError(self.file, path, "a signature needs by/date/place/status")
            if sig.data.get("date") is None:
                # A signature node needs a date; an undated signing is a note on the instrument.
                self.fact_note(self.iri, "Signature (date not known)", sig.data, sig.path)
                sig.used.update(sig.data)
                sig.finish()
                self.report.skip("signed", sig.path, "no date: kept as a note on the instrument")
                continue
            node = self.node(f"signature/{index}")
            self.add(self.iri, MLA.signature, node)
            self.add(node, RDF.type, MLA.Signature)
            by = sig.require("by")
            for code in by if isinstance(by, list) else [by]:
                text = str(code)
                if re.fullmatch(r"[A-Z]{2}", text) or text == "EU":
                    self.add(node, MLA.signatory, self.state_iri(text, sig, "by"))
                else:
                    self.note(node, f"Signed by: {norm_space(text)}")
            date = sig.get("date")
            if date is not None:
                self.add(node, MLA.date, date_literal(date, sig, "date"))
                dates.append(date_literal(date, sig, "date"))
            place = sig.text("place")
            if place:
                self.add(node, MLA.place, Literal(place))
            signatory = sig.text("signatory")
            if signatory:
                self.add(node, MLA.signedBy, Literal(signatory))
            self.provenance(node, sig)
            sig.finish()
            self.report.add("signed")
        if dates:
            self.add(self.iri, MLA.dateSigned, min(dates, key=lambda lit: lit.toPython()))

    def convert_entry_into_force(self, root: Item) -> None:
        """Convert the entry-into-force date with its status and sources; the rest as notes."""
        eif = root.sub("entry_into_force")
        if eif is None:
            return
        date = eif.get("date")
        if date is not None:
            self.add(self.iri, MLA.entryIntoForce, date_literal(date, eif, "date"))
        self.add(self.iri, MLA.entryIntoForceStatus, STATUSES[self.status(eif)])
        for source in self.source_list(eif) or [self.research_record]:
            self.add(self.iri, MLA.entryIntoForceSource, source)
        notes = eif.text("notes")
        if notes:
            self.note(self.iri, f"Entry into force: {notes}")
        rest = {k: v for k, v in eif.data.items() if k not in ("date", "status", "source", "notes")}
        if rest:
            self.fact_note(self.iri, "Entry into force", rest, eif.path)
            eif.used.update(rest)
        eif.finish()
        self.report.add("entry_into_force")

    def convert_publication(self, root: Item) -> None:
        """Convert the publication citation; its status and sources become a note."""
        pub = root.sub("publication")
        if pub is None:
            return
        citation = pub.text("citation")
        if citation:
            self.add(self.iri, MLA.publicationCitation, Literal(citation))
        rest = {k: v for k, v in pub.data.items() if k != "citation"}
        self.fact_note(self.iri, "Publication citation", rest, pub.path)
        pub.used.update(rest)
        pub.finish()
        self.report.add("publication")

    def convert_identifiers(self, root: Item) -> None:
        """One mla:Identifier node per identifier, with scheme, value, status and sources."""
        ids = root.sub("identifiers")
        if ids is None:
            return
        for key in sorted(ids.data):
            if (
                re.search(r"_(status|source|note|notes)$", key)
                and re.sub(r"_(status|source|note|notes)$", "", key) in ids.data
            ):
                continue
            value = ids.get(key)
            if value is None:
                self.report.skip(
                    "identifiers", ids.key(key), "null in the fact sheet (no such identifier)"
                )
                continue
            scheme = IDENTIFIER_SCHEMES.get(key, slug(key))
            node = self.node(f"identifier/{scheme}")
            self.add(self.iri, MLA.identifier, node)
            self.add(node, RDF.type, MLA.Identifier)
            self.add(node, MLA.scheme, Literal(scheme))
            if isinstance(value, dict):
                sub = Item(self, value, ids.key(key))
                self.add(node, RDF.value, Literal(norm_space(as_text(sub.require("value")))))
                self.provenance(node, sub, default_status="recalled")
                if not sub.has("status"):
                    self.note(node, "The fact sheet gives no status; recorded as recalled.")
                sub.finish()
            else:
                text = norm_space(as_text(value))
                embedded = re.match(r"^(.*) - (official|scholarly|recalled) \(([^)]*)\)$", text)
                if embedded:
                    text, status, keys = embedded.groups()
                    sources = self.resolve_sources(keys, ids, key)
                else:
                    status = self.status(ids, f"{key}_status", default="recalled")
                    sources = self.source_list(ids, f"{key}_source")
                    if not ids.has(f"{key}_status"):
                        self.note(node, "The fact sheet gives no status; recorded as recalled.")
                    curated = (self.curation.get("identifier_sources") or {}).get(key)
                    if curated is not None and not sources:
                        c_item = Item(
                            self, curated, f"curation[{self.id}].identifier_sources.{key}"
                        )
                        sources = self.source_list(c_item)
                        self.note(node, f"Source linked by curation: {c_item.require('reason')}")
                        c_item.finish()
                        self.used_identifier_sources.add(key)
                self.add(node, RDF.value, Literal(text))
                self.add(node, MLA.verification, STATUSES[status])
                for source in sources or [self.research_record]:
                    self.add(node, MLA.source, source)
                for suffix in ("_note", "_notes"):
                    self.note(node, ids.text(f"{key}{suffix}"))
            self.report.add("identifiers")
        for key in ids.data:
            ids.used.add(key)
        ids.finish()
        for key in self.curation.get("official_text") or []:
            if key not in self.source_keys:
                raise self.curation.error("official_text", f"unknown source key {key!r}")
            urls = list(self.sources_graph.objects(self.source_keys[key], MLA.url))
            if not urls:
                raise self.curation.error("official_text", f"source {key!r} has no URL")
            for url in urls:
                self.add(self.iri, MLA.officialText, URIRef(str(url)))
            self.report.add("official_text")

    def convert_languages(self, root: Item) -> None:
        """Convert authentic languages (BCP 47 tags); their status and sources become a note."""
        langs = root.get("authentic_languages") or []
        if isinstance(langs, str):
            # A description instead of a list of tags (e.g. 'all 24 official EU languages'): kept
            # as a note rather than expanded into tags the fact sheet does not give.
            status = self.status(root, "authentic_languages_status", default="recalled")
            self.note(self.iri, f"Authentic languages: {norm_space(langs)} ({status}).")
            self.report.add("authentic_languages")
            return
        for lang in langs:
            if not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]+)*", str(lang)):
                raise root.error("authentic_languages", f"{lang!r} is not a BCP 47 language tag")
            self.add(self.iri, MLA.authenticLanguage, Literal(str(lang)))
        if langs:
            rest = {
                k: root.data[k]
                for k in (
                    "authentic_languages_status",
                    "authentic_languages_source",
                    "authentic_languages_note",
                )
                if k in root.data
            }
            status = self.status(root, "authentic_languages_status", default="recalled")
            where = self.source_names(rest.get("authentic_languages_source"))
            self.source_list(root, "authentic_languages_source")
            text = f"Authentic languages ({', '.join(map(str, langs))}): {status}"
            text += f", source {where}." if where else "."
            note = root.text("authentic_languages_note")
            self.note(self.iri, text + (f" {note}" if note else ""))
            self.report.add("authentic_languages", len(langs))

    def convert_structure(self, root: Item) -> None:
        """Convert the structure summary to mla:structureNote; its provenance becomes a note."""
        structure = root.sub("structure")
        if structure is None:
            return
        summary = structure.text("summary")
        if summary:
            self.add(self.iri, MLA.structureNote, Literal(summary, lang="en"))
        rest = {k: v for k, v in structure.data.items() if k != "summary"}
        self.fact_note(self.iri, "Structure", rest, structure.path)
        structure.used.update(rest)
        structure.finish()
        self.report.add("structure")

    def convert_background(self, root: Item) -> None:
        """Keep sections without dedicated ontology terms as notes with status and sources."""
        for key, label in BACKGROUND_SECTIONS.items():
            value = root.get(key)
            if value is None:
                continue
            self.fact_note(self.iri, label, value, key)
            self.report.add(key, len(value) if isinstance(value, list) else 1)

    def convert_open_questions(self, root: Item) -> None:
        """Keep open research questions as notes on the instrument."""
        for question, path in root.items("open_questions"):
            if not isinstance(question, str):
                raise ResearchError(self.file, path, "an open question must be a string")
            self.note(self.iri, f"Open question: {question}")
            self.report.add("open_questions")

    def convert_participation(self, root: Item) -> None:
        """Convert application_to_states to one mla:Participation per State."""
        app = root.sub("application_to_states")
        if app is None:
            return
        self.note(
            self.iri,
            f"Application to States: {app.text('summary')}" if app.has("summary") else None,
        )
        for key in ("territories", "new_member_states_clause"):
            value = app.get(key)
            if value is not None:
                self.fact_note(self.iri, key.replace("_", " ").capitalize(), value, app.key(key))
                self.report.add(f"application_to_states.{key}")
        parties = {str(p) for p in root.data.get("parties") or []}
        for entry, path in app.items("states"):
            if not isinstance(entry, Item):
                raise ResearchError(self.file, path, "a participation needs state/bound/status")
            codes, grouped = participation_codes(entry)
            for code in codes:
                self.add_participation(entry, code, grouped, parties)
            entry.finish()
        app.finish()

    def add_participation(self, entry: Item, code: str, grouped: bool, parties: set[str]) -> None:
        """Add one participation node for one State."""
        iso = self.iso(code, entry, "state")
        node = self.node(f"participation/{iso}")
        if (node, RDF.type, MLA.Participation) in self.graph:
            raise entry.error("state", f"second participation entry for {iso}")
        self.add(node, RDF.type, MLA.Participation)
        self.add(node, MLA.instrument, self.iri)
        self.add(node, MLA.participant, STATE[iso])
        bound, start, until, bound_note = parse_bound(entry)
        self.add(node, MLA.bound, Literal(bound))
        if start:
            self.add(node, MLA["from"], Literal(start, datatype=XSD.date))
        if until:
            self.add(node, MLA.until, Literal(until, datatype=XSD.date))
        explicit = entry.get("mode")
        if explicit:
            mode = MLA[str(explicit)]
        elif iso in parties:
            mode = MLA.asParty
        elif "EU" in parties and iso in PROTOCOL_22_STATES and not bound:
            mode = MLA.optOut
        elif "EU" in parties and iso in PROTOCOL_21_STATES and bound:
            mode = MLA.optIn
        elif bound and "accession" in str(entry.data.get("bound")):
            mode = MLA.accession
        elif "EU" in parties and bound and grouped:
            mode = MLA.throughMembership
        else:
            raise entry.error("state", f"cannot tell how {iso} participates; add an explicit mode")
        self.add(node, MLA.mode, mode)
        if bound_note:
            self.note(node, f"Bound as the fact sheet puts it: {bound_note}")
        if grouped:
            self.note(
                node, f"From the fact sheet's grouped entry: {norm_space(str(entry.data['state']))}"
            )
        self.provenance(node, entry)
        self.report.add("application_to_states.states")

    def convert_japan(self, root: Item) -> None:
        """Convert a multilateral sheet's ``japan`` section to Japan's mla:Participation.

        ``entry_into_force_for_japan`` gives mla:from with its own status and sources; the other
        steps (signature, Diet approval, deposit, publication) become notes on the participation,
        each with its status and source keys; ``reservations_declarations`` become
        mla:reservation summaries plus a note carrying their status and sources.
        """
        japan = root.sub("japan")
        if japan is None:
            return
        node = self.node("participation/JP")
        if (node, RDF.type, MLA.Participation) in self.graph:
            raise japan.error("", "Japan's participation is given twice")
        self.add(node, RDF.type, MLA.Participation)
        self.add(node, MLA.instrument, self.iri)
        self.add(node, MLA.participant, STATE.JP)
        self.add(node, MLA.bound, Literal(True))
        self.add(node, MLA.mode, MLA.asParty)
        eif = japan.sub("entry_into_force_for_japan")
        if eif is None:
            raise japan.error("entry_into_force_for_japan", "the date Japan is bound is required")
        self.add(node, MLA["from"], date_literal(eif.require("date"), eif, "date"))
        self.provenance(node, eif)
        eif.finish()
        self.note(node, japan.text("notes"))
        for entry, path in japan.items("reservations_declarations"):
            if not isinstance(entry, Item):
                raise ResearchError(self.file, path, "a reservation needs provision/summary/status")
            provision = norm_space(as_text(entry.require("provision")))
            summary = norm_space(entry.require("summary"))
            self.add(node, MLA.reservation, Literal(f"{provision}: {summary}", lang="en"))
            status = self.status(entry)
            self.source_list(entry)
            clause = self.source_clause(entry.data.get("source"))
            self.note(
                node, f"Reservation or declaration on {provision} ({status}{clause}): {summary}"
            )
            entry.finish()
            self.report.add("japan.reservations_declarations")
        labels = {
            "acceptance_deposited": "Instrument of acceptance deposited",
            "instrument_deposited": "Instrument deposited",
            "diet_approval": "Diet approval",
            "domestic_publication": "Japanese publication",
            "ratification_year": "Ratification year",
        }
        for key in list(japan.data):
            if key in ("entry_into_force_for_japan", "notes", "reservations_declarations"):
                continue
            if key not in labels:
                raise japan.error(key, "unknown step of Japan's participation; add it to labels")
            self.fact_note(node, labels[key], japan.get(key), japan.key(key))
        japan.finish()
        self.report.add("japan")

    def convert_channels(self, root: Item) -> None:
        """Convert ``channels`` (how requests travel) to one mla:Presence per feature it names.

        The summary becomes the presence's note; a feature already attested under
        present_features keeps that attestation and gets the channel summary as a note.
        """
        channels = root.sub("channels")
        if channels is None:
            return
        summary = channels.require("summary")
        features = channels.get("features") or []
        if not features:
            raise channels.error("features", "a channels section needs the features it attests")
        for fid in features:
            node = self.node(f"presence/{fid}")
            if (node, RDF.type, MLA.Presence) not in self.graph:
                self.add(node, RDF.type, MLA.Presence)
                self.add(node, MLA.instrument, self.iri)
                self.add(node, MLA.feature, self.feature(fid, channels, "features"))
                self.provenance(node, channels, notes=False)
            self.note(node, f"From the fact sheet's channels section: {norm_space(summary)}")
            self.report.add("channels (presences)")
        self.note(self.iri, f"Channels: {norm_space(summary)}")
        channels.finish()

    def participation_node(self, code: str, item: Item, name: str) -> URIRef:
        """Create the participation node of a State (or the EU) and return it."""
        participant = self.state_iri(code, item, name)
        key = "EU" if participant == ORG.EU else str(participant).rsplit("/", 1)[1]
        node = self.node(f"participation/{key}")
        if (node, RDF.type, MLA.Participation) in self.graph:
            raise item.error(name, f"second participation for {key}")
        self.add(node, RDF.type, MLA.Participation)
        self.add(node, MLA.instrument, self.iri)
        self.add(node, MLA.participant, participant)
        return node

    def convert_party_participation(self, root: Item) -> None:
        """Give each party of a bilateral instrument a participation from the entry into force.

        Only where the sheet has no application_to_states: a bilateral treaty or agreement binds
        its two parties from its entry into force, with the status and sources of that date.
        """
        kind = root.data.get("kind")
        if kind not in ("bilateral-treaty", "bilateral-agreement"):
            return
        if root.data.get("application_to_states") is not None:
            return
        eif = root.data.get("entry_into_force")
        if eif is None:
            self.report.skip(
                "participation", "parties", "no entry_into_force: the parties' dates are unknown"
            )
            return
        item = Item(self, eif, "entry_into_force")
        status = self.status(item)
        sources = self.source_list(item) or [self.research_record]
        for code in root.data.get("parties") or []:
            node = self.participation_node(str(code), root, "parties")
            self.add(node, MLA.bound, Literal(True))
            self.add(node, MLA.mode, MLA.asParty)
            if eif.get("date") is not None:
                self.add(node, MLA["from"], date_literal(eif["date"], item, "date"))
            self.add(node, MLA.verification, STATUSES[status])
            for source in sources:
                self.add(node, MLA.source, source)
            self.note(
                node,
                "Bound as a contracting party from the instrument's entry into force "
                f"(entry_into_force, {status}).",
            )
            self.report.add("participation (parties, from entry into force)")

    def sheet_value(self, path: str, item: Item, name: str) -> Any:
        """Return the value at a dotted path of the raw fact sheet ('japan.notes', 'signed[1]')."""
        value: Any = self.root.data
        for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
            try:
                value = value[int(part[1:-1])] if part.startswith("[") else value[part]
            except (KeyError, IndexError, TypeError):
                raise item.error(name, f"{path!r} is not in the fact sheet") from None
        return value

    def convert_curated_participation(self) -> None:
        """Add the participations the curation file reads from the sheet's own statements.

        Each entry names the fact-sheet item it rests on (``fact``); the participation takes that
        item's status and sources. ``status`` may only weaken it: a weaker status means the
        participation is an inference from the item (e.g. 'near-universal'), so it cites the
        research record only and a note names the item. Dates come from sheet paths, never from
        the curation file.
        """
        for index, entry in enumerate(self.curation.get("participation") or []):
            item = Item(self, entry, f"curation[{self.id}].participation[{index}]")
            fact_path = item.require("fact")
            fact = self.sheet_value(fact_path, item, "fact")
            if not isinstance(fact, dict):
                raise item.error("fact", f"{fact_path} is not a fact-sheet item with a status")
            fact_item = Item(self, fact, fact_path)
            fact_status = self.status(fact_item)
            fact_sources = self.source_list(fact_item) or [self.research_record]
            status = self.status(item, default=fact_status)
            if STATUS_RANK[status] > STATUS_RANK[fact_status]:
                raise item.error("status", f"{status} is stronger than {fact_path}'s {fact_status}")
            inferred = status != fact_status or bool(item.get("inferred"))
            sources = [self.research_record] if inferred else fact_sources
            codes = []
            for code in (str(c) for c in item.require("states")):
                codes.extend(sorted(EU_MEMBER_STATES) if code == "EU-MEMBER-STATES" else [code])
            codes = [c for c in codes if c not in (item.get("except") or [])]
            reason = norm_space(item.require("reason"))
            bound = item.require("bound")
            mode = item.get("mode")
            start = item.get("from")
            until = item.get("until")
            for code in codes:
                node = self.participation_node(code, item, "states")
                self.add(node, MLA.bound, Literal(bool(bound)))
                if mode:
                    if mode not in ("asParty", "throughMembership", "optIn", "optOut", "accession"):
                        raise item.error("mode", f"unknown mode {mode!r}")
                    self.add(node, MLA.mode, MLA[mode])
                for prop, path in ((MLA["from"], start), (MLA.until, until)):
                    if path:
                        value = self.sheet_value(path, item, path)
                        self.add(node, prop, date_literal(value, item, path))
                for prop, key in ((MLA["from"], "from_in_text"), (MLA.until, "until_in_text")):
                    if item.has(key):
                        self.add(node, prop, self.date_in_text(item, key, fact))
                self.add(node, MLA.verification, STATUSES[status])
                for source in sources:
                    self.add(node, MLA.source, source)
                self.note(
                    node,
                    f"Read from the fact sheet's {fact_path} ({fact_status}"
                    + self.source_clause(fact.get("source"))
                    + f"): {reason}"
                    + (
                        f" Recorded as {status}: the item does not name this participant."
                        if inferred
                        else ""
                    ),
                )
                self.report.add("participation (curated from the sheet)")
            item.finish()

    def date_in_text(self, item: Item, key: str, fact: dict[str, Any]) -> Literal:
        """Return a date written as '1 Dec 2007' that must occur in the fact item's text."""
        written = norm_space(str(item.require(key)))
        if written not in norm_space(str(fact.get("text") or "")):
            raise item.error(key, f"{written!r} does not occur in the fact's text")
        match = re.fullmatch(r"(\d{1,2}) ([A-Za-z]{3})[a-z]* (\d{4})", written)
        months = {m[:3]: n for m, n in MONTHS.items()}
        if not match or match.group(2).lower() not in months:
            raise item.error(key, f"cannot read the date {written!r}; write e.g. '1 Dec 2007'")
        day, month, year = int(match.group(1)), months[match.group(2).lower()], int(match.group(3))
        return Literal(dt.date(year, month, day).isoformat(), datatype=XSD.date)

    def convert_clause_check(self, root: Item) -> None:
        """Convert ``clause_check`` (does the treaty have clause X?) onto presences and absences.

        ``present: true`` / ``false`` become mla:Presence / mla:Absence of the matching feature
        with the check's status and sources; ``present: unknown`` cannot be either, so it stays
        a note on the instrument naming the feature, the status and the source keys.
        """
        checks = root.sub("clause_check")
        if checks is None:
            return
        for key in list(checks.data):
            check = checks.sub(key)
            assert check is not None
            if key not in CLAUSE_CHECK_FEATURES:
                raise checks.error(key, "unknown clause; add it to CLAUSE_CHECK_FEATURES")
            fid = CLAUSE_CHECK_FEATURES[key]
            present = check.require("present")
            label = key.replace("_", " ")
            if present in (True, False):
                if fid is None:
                    raise check.error("present", f"no feature id for the clause {key!r}")
                cls, segment = (MLA.Presence, "presence") if present else (MLA.Absence, "absence")
                node = self.node(f"{segment}/{fid}")
                if (node, RDF.type, cls) in self.graph:
                    raise check.error("present", f"{fid} already listed under {segment}s")
                self.add(node, RDF.type, cls)
                self.add(node, MLA.instrument, self.iri)
                self.add(node, MLA.feature, self.feature(fid, check, "present"))
                self.provenance(node, check)
                self.note(node, f"From the fact sheet's clause check ({label}).")
                self.report.add(f"clause_check ({segment})")
            elif present == "unknown":
                status = self.status(check)
                self.source_list(check)
                about = f" (feature {fid})" if fid else ""
                self.note(
                    self.iri,
                    f"Clause check, {label}{about}: not known whether the instrument has it "
                    f"({status}"
                    + self.source_clause(check.data.get("source"))
                    + ")."
                    + (f" {check.text('note')}" if check.has("note") else ""),
                )
                check.get("note")
                self.report.add("clause_check (unknown, kept as a note)")
            else:
                raise check.error("present", f"expected true, false or unknown, found {present!r}")
            check.finish()

    # -- articles, paragraphs, points ---------------------------------------------------------

    def convert_articles(self, root: Item) -> None:
        """Convert articles, their paragraphs and points."""
        self.curated_points = {}
        points_curation = self.curation.sub("points")
        if points_curation is not None:
            for key in points_curation.data:
                sub = points_curation.sub(key)
                assert sub is not None
                self.curated_points[key] = sub
        seen: set[str] = set()
        for order, (art, path) in enumerate(root.items("articles"), start=1):
            if not isinstance(art, Item):
                raise ResearchError(self.file, path, "an article must be a mapping")
            number = norm_space(as_text(art.require("number")))
            if number in seen:
                raise art.error("number", f"article {number} appears twice")
            seen.add(number)
            node = self.node(f"art/{slug(number)}")
            self.subdivision(node, MLA.Article, self.iri, number, order, f"Art {number}")
            status, _ = self.provenance(node, art)
            self.headings(node, art, status)
            subject = art.text("subject")
            if subject:
                self.add(node, MLA.subject, Literal(subject, lang="en"))
            confidence = art.text("number_confidence")
            if confidence:
                self.add(node, MLA.numberConfidence, Literal(confidence))
            self.report.add("articles")
            paragraphs = art.items("paragraphs")
            for p_order, (para, p_path) in enumerate(paragraphs, start=1):
                if not isinstance(para, Item):
                    raise ResearchError(self.file, p_path, "a paragraph must be a mapping")
                self.convert_paragraph(node, number, para, p_order)
            art.finish()

    def headings(self, node: URIRef, item: Item, status: str) -> None:
        """Add headings per language, as given; a differing status becomes headingVerification."""
        en_status_key = "heading_status" if item.has("heading_status") else "heading_en_status"
        statuses = []
        for lang, key, status_key in (
            ("en", "heading", en_status_key),
            ("nl", "heading_nl", "heading_nl_status"),
            ("fr", "heading_fr", "heading_fr_status"),
        ):
            text = item.text(key)
            h_status = self.status(item, status_key, default=status)
            if not text:
                continue
            if lang == "en":
                label = re.match(r"^(.*?)\s*\(descriptive label\)$", text)
                if label:
                    self.add(node, MLA.subject, Literal(label.group(1), lang="en"))
                    self.note(
                        node, "The fact sheet's label is descriptive, not a heading of the text."
                    )
                    continue
                chapter = re.match(r"^(Chapter .*?)\s*\((chapter heading[^)]*)\)$", text)
                if chapter:
                    self.note(node, f"Chapter heading ({chapter.group(2)}): {chapter.group(1)}")
                    continue
            self.add(node, MLA.heading, Literal(text, lang=lang))
            statuses.append((lang, h_status))
        item.get("heading_status")
        item.get("heading_en_status")
        if statuses:
            weakest = min((s for _, s in statuses), key=STATUS_RANK.__getitem__)
            if weakest != status:
                self.add(node, MLA.headingVerification, STATUSES[weakest])
            if len({s for _, s in statuses}) > 1:
                self.note(
                    node, "Heading statuses: " + "; ".join(f"{lang} {s}" for lang, s in statuses)
                )
        if item.has("heading_source"):
            self.source_list(item, "heading_source")
            self.note(node, f"Heading source: {self.source_names(item.data['heading_source'])}")
        for key in ("heading_note", "heading_notes"):
            text = item.text(key)
            if text:
                self.note(node, f"Heading: {text}")

    def convert_paragraph(self, article: URIRef, art_number: str, para: Item, order: int) -> None:
        """Convert one paragraph (numbered, unnumbered, or of unknown number) and its points."""
        raw = para.get("number")
        unnumbered = bool(para.get("unnumbered"))
        if raw is None or unnumbered:
            editorial = norm_space(as_text(raw)) if unnumbered and raw is not None else str(order)
            number = f"[{editorial}]"
            node = URIRef(f"{article}/para/u{slug(editorial)}")
            citation = f"Art {art_number} [{editorial}]"
        else:
            number = norm_space(as_text(raw))
            node = URIRef(f"{article}/para/{slug(number)}")
            simple = re.fullmatch(r"[0-9]+[a-z]?|[a-z]", number)
            citation = (
                f"Art {art_number}({number})" if simple else f"Art {art_number} para {number}"
            )
        if (node, RDF.type, MLA.Paragraph) in self.graph:
            raise para.error("number", f"paragraph {number} of Art {art_number} appears twice")
        self.subdivision(node, MLA.Paragraph, article, number, order, citation)
        if raw is None or unnumbered:
            self.add(node, MLA.editorialNumber, Literal(True))
            if raw is None:
                self.note(
                    node,
                    f"The fact sheet gives no paragraph number; [{editorial}] is the paragraph's "
                    "position in the fact sheet's list, not a number printed in the text.",
                )
        if "approx" in number:
            self.add(node, MLA.numberConfidence, Literal("low"))
        summary = para.text("summary")
        if summary:
            self.add(node, MLA.summary, Literal(summary, lang="en"))
        status, sources = self.provenance(node, para)
        self.add_features(node, para)
        self.convert_sentences(node, para)
        self.report.add("paragraphs")
        detail_status = para.data.get("detail_status")
        detail_sources = self.resolve_sources(para.data.get("detail_source"), para, "detail_source")
        self.convert_points(
            para,
            Paragraph(
                node, citation, status, str(detail_status or status), detail_sources or sources
            ),
        )
        para.finish()

    def convert_sentences(self, node: URIRef, para: Item) -> None:
        """Keep a paragraph's sentence-level summaries as notes with their own status and sources.

        The model has no sentence subdivision (the IRI scheme stops at points); each sentence
        becomes an mla:note on the paragraph that names the sentence number, its status and its
        source keys, so the finer grain the fact sheet gives is not lost.
        """
        for sentence, path in para.items("sentences"):
            if not isinstance(sentence, Item):
                raise ResearchError(self.file, path, "a sentence needs n/summary/status/source")
            number = norm_space(as_text(sentence.require("n")))
            s_status = self.status(sentence)
            self.source_list(sentence)
            self.note(
                node,
                f"Sentence {number} ({s_status}"
                + self.source_clause(sentence.data.get("source"))
                + f"): {norm_space(sentence.require('summary'))}",
            )
            sentence.finish()
            self.report.add("sentences")

    def convert_points(self, para: Item, parent: Paragraph) -> None:
        """Convert the points of a paragraph, from points / points_detail / point_features."""
        letters = para.get("points") or []
        details = {}
        for detail, path in para.items("points_detail"):
            if not isinstance(detail, Item):
                raise ResearchError(self.file, path, "a point detail must be a mapping")
            details[str(detail.require("point"))] = detail
        point_features = para.get("point_features") or {}
        for letter in list(details) + list(point_features):
            if letter not in [str(x) for x in letters]:
                raise para.error(
                    "points", f"point {letter!r} is described but not listed in points"
                )
        notes = norm_space(str(para.data.get("notes") or ""))
        letters_recalled = bool(
            re.search(r"\b(point|letter)s?\b[^.]*\b(inferred|recalled)\b", notes, re.IGNORECASE)
        )
        order = 0
        for letter in letters:
            text = str(letter).strip()
            if not re.fullmatch(r"[a-z]{1,2}|[ivx]+|[0-9]+", text):
                self.report.skip(
                    "points", para.key("points"), f"{text!r} is not a point label; kept as a note"
                )
                self.note(parent.node, f"Points as listed by the fact sheet: {text}")
                continue
            order += 1
            node = URIRef(f"{parent.node}/point/{slug(text)}")
            citation = (
                f"{parent.citation}({text})"
                if parent.citation.endswith(")")
                else f"{parent.citation}, point ({text})"
            )
            self.subdivision(node, MLA.Point, parent.node, text, order, citation)
            relative = str(node)[len(str(self.iri)) + 1 :]
            curated = self.curated_points.get(relative)
            detail = details.get(text)
            if detail is not None:
                summary = detail.text("summary")
                if summary:
                    self.add(node, MLA.summary, Literal(summary, lang="en"))
                self.provenance(node, detail, default_sources=parent.sources)
                self.add_features(node, detail)
                detail.finish()
            else:
                status = "recalled" if letters_recalled else parent.point_status
                if letters_recalled and curated is None:
                    self.note(
                        node,
                        "The paragraph's notes say its point letters are inferred or recalled.",
                    )
                sources = parent.sources
                pinpoint = None
                if curated is not None:
                    status, sources, pinpoint = self.curate_point(
                        curated, relative, parent, sources
                    )
                self.add(node, MLA.verification, STATUSES[status])
                for source in sources:
                    self.add(node, MLA.source, source)
                if pinpoint:
                    self.add(node, MLA.pinpoint, Literal(pinpoint))
                for fid in point_features.get(text, []):
                    self.add(node, MLA.hasFeature, self.feature(fid, para, "point_features"))
            if curated is not None and detail is not None:
                raise self.curation.error(
                    f"points.{relative}", "point has points_detail; curate there"
                )
            self.report.add("points")

    def curate_point(
        self, curated: Item, relative: str, parent: Paragraph, sources: list[URIRef]
    ) -> tuple[str, list[URIRef], str | None]:
        """Apply a curated status / features / source to a point, never above its paragraph."""
        self.used_curated_points.add(relative)
        status = self.status(curated, default=parent.point_status)
        if STATUS_RANK[status] > STATUS_RANK[parent.status]:
            # Never upgrade: a point can claim at most what the fact sheet says of its paragraph.
            raise curated.error(
                "status", f"{status} is stronger than the paragraph's {parent.status}"
            )
        curated_sources = self.source_list(curated) or sources
        node = self.node(relative)
        for fid in curated.get("features") or []:
            self.add(node, MLA.hasFeature, self.feature(fid, curated, "features"))
        reason = curated.require("reason")
        self.note(node, f"Point-level status and features derived from the fact sheet: {reason}")
        pinpoint = curated.text("pinpoint")
        curated.finish()
        self.report.remark(f"curated point {relative}: {status}")
        return status, curated_sources, pinpoint

    def check_curation_used(self) -> None:
        """Fail when a curated point names a node the fact sheet does not have."""
        unused = sorted(set(self.curated_points) - self.used_curated_points)
        if unused:
            raise self.curation.error(f"points.{unused[0]}", "no such point in the fact sheet")
        unused = sorted(
            set(self.curation.data.get("source_classes") or {}) - self.used_source_classes
        )
        if unused:
            raise self.curation.error(f"source_classes.{unused[0]}", "no such source key")
        unused = sorted(
            set(self.curation.data.get("identifier_sources") or {}) - self.used_identifier_sources
        )
        if unused:
            raise self.curation.error(
                f"identifier_sources.{unused[0]}", "no such identifier without a source"
            )
        unused = sorted(set(self.curation.data.get("authorities") or {}) - self.used_authority_keys)
        if unused:
            raise self.curation.error(
                f"authorities.{unused[0]}", "no such entry designates authorities"
            )
        for key in (
            "points",
            "official_text",
            "annex_entries",
            "annex_citations",
            "annex_notes",
            "authorities",
            "claims",
            "source_classes",
            "identifier_sources",
            "participation",
        ):
            self.curation.used.add(key)
        self.curation.finish()

    # -- unplaced provisions, annexes, authorities -------------------------------------------

    def convert_unplaced(self, root: Item) -> None:
        """Convert provisions_unplaced to mla:UnplacedProvision attached to the instrument."""
        for index, (prov, path) in enumerate(root.items("provisions_unplaced"), start=1):
            if not isinstance(prov, Item):
                raise ResearchError(self.file, path, "an unplaced provision must be a mapping")
            node = self.node(f"unplaced/{index}")
            self.subdivision(
                node,
                MLA.UnplacedProvision,
                self.iri,
                f"[{index}]",
                index,
                f"unplaced provision {index}",
            )
            self.add(node, MLA.editorialNumber, Literal(True))
            summary = prov.text("provision") or prov.text("summary")
            if prov.has("provision") and prov.has("summary"):
                raise prov.error("summary", "both provision and summary given; keep one")
            if summary:
                self.add(node, MLA.summary, Literal(summary, lang="en"))
            topic = prov.text("topic")
            if topic:
                self.add(node, MLA.subject, Literal(topic, lang="en"))
            probable = prov.text("probable_article")
            if probable:
                self.add(node, MLA.probableArticle, Literal(probable))
            self.provenance(node, prov)
            self.add_features(node, prov)
            prov.finish()
            self.report.add("provisions_unplaced")

    def convert_annexes(self, root: Item) -> None:
        """Convert annexes, their versions and entries (with authorities and features)."""
        citations = self.curation.get("annex_citations") or {}
        known = {str(a.data.get("number")) for a, _ in root.items("annexes") if isinstance(a, Item)}
        for key in ("annex_citations", "annex_notes"):
            for number in self.curation.data.get(key) or {}:
                if number not in known:
                    raise self.curation.error(f"{key}.{number}", "no such annex in the fact sheet")
        entry_curation = self.curation.get("annex_entries") or {}
        used_entries: set[str] = set()
        for order, (annex, path) in enumerate(root.items("annexes"), start=1):
            if not isinstance(annex, Item):
                raise ResearchError(self.file, path, "an annex must be a mapping")
            number = norm_space(as_text(annex.require("number")))
            node = self.node(f"annex/{annex_segment(number)}")
            citation = citations.get(number) or f"Annex {number}"
            self.subdivision(node, MLA.Annex, self.iri, number, order, citation)
            status, sources = self.provenance(node, annex)
            self.headings(node, annex, status)
            description = annex.text("description")
            if description:
                self.add(node, MLA.summary, Literal(description, lang="en"))
            self.note(node, (self.curation.get("annex_notes") or {}).get(number))
            self.report.add("annexes")
            heading = norm_space(str(annex.data.get("heading") or "")).lower()
            authority_class = (
                MLA.CentralAuthority if "central" in heading else MLA.CompetentAuthority
            )
            groups: list[tuple[Item, str | None, int | None, str, list[URIRef]]] = []
            versions = annex.items("versions")
            for v_index, (version, v_path) in enumerate(versions, start=1):
                if not isinstance(version, Item):
                    raise ResearchError(self.file, v_path, "an annex version must be a mapping")
                label = norm_space(version.require("version"))
                v_status = self.status(version, default=status)
                v_sources = self.source_list(version) or sources
                v_notes = version.text("notes")
                self.note(
                    node,
                    f"Version {v_index} '{label}': {v_status}"
                    + self.source_clause(version.data.get("source"))
                    + (f". {v_notes}" if v_notes else ""),
                )
                groups.append((version, label, v_index, v_status, v_sources))
            if annex.has("entries"):
                if versions:
                    raise annex.error("entries", "entries given both per version and for the annex")
                groups.append((annex, None, None, status, sources))
            expanded = []
            for group in groups:
                for entry, e_path in group[0].items("entries"):
                    if not isinstance(entry, Item):
                        raise ResearchError(self.file, e_path, "an annex entry must be a mapping")
                    codes = self.entry_codes(entry)
                    expanded.extend(
                        (group, entry, code, i == len(codes) - 1) for i, code in enumerate(codes)
                    )
            subjects = [(group[2], code) for group, _, code, _ in expanded]
            # Entries are named by State when each (version, State) occurs once; else numbered.
            per_state = bool(expanded) and None not in (c for _, c in subjects)
            per_state = per_state and len(set(subjects)) == len(subjects)
            for e_order, (group, entry, code, last) in enumerate(expanded, start=1):
                _, version_label, v_index, g_status, g_sources = group
                relative = self.convert_entry(
                    node,
                    citation,
                    entry,
                    code,
                    per_state,
                    e_order,
                    version_label,
                    v_index,
                    g_status,
                    g_sources,
                    authority_class,
                )
                if relative in entry_curation:
                    used_entries.add(relative)
                    self.curate_entry(relative, entry_curation[relative])
                if last:
                    entry.finish()
            for group in groups:
                group[0].finish()
            annex.finish()
        unused = sorted(set(entry_curation) - used_entries)
        if unused:
            raise self.curation.error(f"annex_entries.{unused[0]}", "no such annex entry")

    def entry_codes(self, entry: Item) -> list[str | None]:
        """Return the State codes of an entry (a list of States gives one entry per State)."""
        state = entry.data.get("state")
        if state is None:
            return [None]
        if isinstance(state, list):
            self.report.remark(
                f"{entry.path}: one fact-sheet entry for {len(state)} States expanded"
            )
            return [str(s) for s in state]
        return [str(state)]

    def convert_entry(
        self,
        annex: URIRef,
        annex_citation: str,
        entry: Item,
        code: str | None,
        per_state: bool,
        order: int,
        version: str | None,
        v_index: int | None,
        status: str,
        sources: list[URIRef],
        authority_class: URIRef,
    ) -> str:
        """Convert one annex entry and return its path relative to the instrument."""
        entry.get("state")
        subject_iri = None
        printed = ""
        if code is not None:
            if code in NON_STATE_SUBJECTS:
                subject_iri = NON_STATE_SUBJECTS[code][0]
                printed = code
            else:
                printed = self.iso(code, entry, "state")
                subject_iri = STATE[printed]
        if per_state:
            segment = f"v{v_index}-{printed}" if v_index else printed
            number = printed
        else:
            segment = f"v{v_index}-{order}" if v_index else str(order)
            number = f"[{order}]"
        node = URIRef(f"{annex}/entry/{segment}")
        if (node, RDF.type, MLA.AnnexEntry) in self.graph:
            raise entry.error("state", f"annex entry {segment} appears twice")
        citation = f"{annex_citation} ({number})" if per_state else f"{annex_citation} {number}"
        if version:
            citation += f" [{version_short(version)}]"
        self.subdivision(node, MLA.AnnexEntry, annex, number, order, citation)
        if not per_state:
            self.add(node, MLA.editorialNumber, Literal(True))
        if subject_iri is not None:
            self.add(node, MLA.state, subject_iri)
        if version:
            self.add(node, MLA.version, Literal(version))
        e_status, e_sources = self.provenance(
            node, entry, default_status=status, default_sources=sources
        )
        authority = entry.text("authority")
        if authority:
            self.add(node, MLA.summary, Literal(authority, lang="en"))
        summary = entry.text("summary")
        if summary:
            self.add(node, MLA.summary, Literal(summary, lang="en"))
        effect = entry.text("effect")
        if effect:
            self.add(node, MLA.effect, Literal(effect, lang="en"))
        limitation = entry.text("limitation")
        if limitation:
            self.add(node, MLA.effect, Literal(limitation, lang="en"))
        article = entry.text("article")
        if article:
            self.add(node, MLA.subject, Literal(f"Understanding on Art {article}", lang="en"))
        provision = entry.text("provision")
        if provision:
            self.note(node, f"Made under Art {provision}.")
        signed = entry.get("signed")
        if signed is not None:
            if isinstance(signed, dt.date):
                self.add(node, MLA.date, Literal(signed.isoformat(), datatype=XSD.date))
                self.note(node, f"Signed on {signed.isoformat()}.")
            else:
                self.note(node, f"Signature date: {signed}.")
        place = entry.text("place")
        if place:
            self.add(node, MLA.place, Literal(place))
        treaty_doc = entry.text("treaty_doc")
        if treaty_doc:
            self.note(node, f"US Senate Treaty Doc. {treaty_doc}.")
        relative = str(node)[len(str(self.iri)) + 1 :]
        if authority and subject_iri is not None:
            self.add_authorities(
                relative,
                authority,
                subject_iri,
                authority_class,
                e_status,
                e_sources,
                listed_in=node,
                version=v_index,
            )
        self.report.add("annex entries")
        return relative

    def curate_entry(self, relative: str, curated: Any) -> None:
        """Attach curated features to an annex entry."""
        item = Item(self, curated, f"curation[{self.id}].annex_entries.{relative}")
        node = self.node(relative)
        for fid in item.get("features") or []:
            self.add(node, MLA.hasFeature, self.feature(fid, item, "features"))
        self.note(node, f"Features derived from the fact sheet: {item.require('reason')}")
        item.finish()

    def add_authorities(
        self,
        key: str,
        text: str,
        state: URIRef,
        cls: URIRef,
        status: str,
        sources: list[URIRef],
        *,
        listed_in: URIRef | None = None,
        version: int | None = None,
        notes: Iterable[str] = (),
    ) -> None:
        """Add the authorities an entry designates (curated split, or parsed from the text)."""
        curated = (self.curation.get("authorities") or {}).get(key)
        if curated:
            self.used_authority_keys.add(key)
        bodies = (
            [Item(self, b, f"curation[{self.id}].authorities.{key}") for b in curated]
            if curated
            else [Item(self, b, key) for b in parse_authorities(text)]
        )
        code = str(state).rsplit("/", 1)[1].lower()
        for body in bodies:
            label = norm_space(body.require("label"))
            name = f"{self.id}-{code}-{label_slug(label)}" + (f"-v{version}" if version else "")
            if name in self.authority_slugs:
                raise ResearchError(self.file, key, f"authority {name} designated twice")
            self.authority_slugs.add(name)
            node = AUTHORITY[name]
            self.add(node, RDF.type, MLA.Authority)
            self.add(node, RDF.type, cls)
            self.add(node, RDFS.label, Literal(label, lang="en"))
            self.add(node, MLA.state, state)
            self.add(node, MLA.instrument, self.iri)
            phase = body.text("phase")
            if phase:
                self.add(node, MLA.phase, Literal(phase))
            raw_phase = body.text("phase_as_written")
            if raw_phase:
                self.note(node, f"Phase as the fact sheet words it: {raw_phase}")
            self.note(node, body.text("note"))
            if listed_in is not None:
                self.add(node, MLA.listedIn, listed_in)
            for note in notes:
                self.note(node, note)
            self.add(node, MLA.verification, STATUSES[status])
            for source in sources:
                self.add(node, MLA.source, source)
            body.finish()
            self.report.add("authorities")

    def convert_central_authorities(self, root: Item) -> None:
        """Convert central_authorities to mla:CentralAuthority nodes (a claim for non-States)."""
        for entry, path in root.items("central_authorities"):
            if not isinstance(entry, Item):
                raise ResearchError(self.file, path, "a central authority must be a mapping")
            who = entry.get("state") or entry.get("party")
            if who is None:
                raise entry.error("state", "a central authority needs a state or party")
            text = norm_space(entry.require("authority"))
            who = str(who)
            if who == "EU" or who in STATES or who in EU_CODES:
                state = self.state_iri(who, entry, "state")
                status = self.status(entry)
                sources = self.source_list(entry) or [self.research_record]
                notes = []
                functions = entry.text("functions")
                if functions:
                    notes.append(f"Functions: {functions}")
                for key in ("notes", "note"):
                    if entry.has(key):
                        notes.append(entry.text(key) or "")
                if entry.has("pinpoint"):
                    notes.append(f"Pinpoint: {entry.text('pinpoint')}")
                notes.append(f"As the fact sheet words the designation: {text}")
                self.add_authorities(
                    f"central-authorities/{who}",
                    text,
                    state,
                    MLA.CentralAuthority,
                    status,
                    sources,
                    notes=notes,
                )
            else:
                # Not a State (e.g. 'EU-side'): a sourced statement about the instrument.
                node = self.new_claim(f"Central authorities ({who}): {text}", entry)
                self.add(node, MLA.about, self.iri)
                self.report.remark(
                    f"{path}: central authorities of {who!r} kept as a commentary claim"
                )
            entry.finish()
            self.report.add("central_authorities")

    # -- attestations, claims, proposed features ---------------------------------------------

    def convert_attestations(self, root: Item, key: str, cls: URIRef, segment: str) -> None:
        """Convert present_features / absent_features to mla:Presence / mla:Absence."""
        for entry, path in root.items(key):
            if not isinstance(entry, Item):
                raise ResearchError(self.file, path, "a feature attestation must be a mapping")
            fid = str(entry.require("feature"))
            node = self.node(f"{segment}/{fid}")
            if (node, RDF.type, cls) in self.graph:
                raise entry.error("feature", f"{fid} listed twice under {key}")
            self.add(node, RDF.type, cls)
            self.add(node, MLA.instrument, self.iri)
            self.add(node, MLA.feature, self.feature(fid, entry, "feature"))
            self.provenance(node, entry)
            entry.finish()
            self.report.add(key)

    def new_claim(self, statement: str, entry: Item) -> URIRef:
        """Create a commentary claim node with statement and provenance (scholarly by default)."""
        self.claim_count += 1
        node = self.node(f"claim/{self.claim_count}")
        self.add(node, RDF.type, MLA.CommentaryClaim)
        self.add(node, MLA.statement, Literal(norm_space(statement), lang="en"))
        self.provenance(node, entry, default_status="scholarly")
        return node

    def convert_claims(self, root: Item) -> None:
        """Convert commentary_claims to mla:CommentaryClaim nodes (about instrument/provision)."""
        curated_claims = self.curation.get("claims") or {}
        used: set[int] = set()
        first = self.claim_count  # curation numbers claims 1-based within the sheet's list
        for entry, path in root.items("commentary_claims"):
            if not isinstance(entry, Item):
                raise ResearchError(self.file, path, "a commentary claim must be a mapping")
            statement = norm_space(entry.require("claim"))
            node = self.new_claim(statement, entry)
            index = self.claim_count - first
            for key in ("check", "assessment"):
                check = entry.text(key)
                if check:
                    self.add(node, MLA.check, Literal(check, lang="en"))
            if entry.has("check_status"):
                self.note(node, f"The check itself is {self.status(entry, 'check_status')}.")
            abouts = self.pinned_provisions(entry.data.get("pinpoint"), node)
            curated = curated_claims.get(index)
            if curated is not None:
                used.add(index)
                c_item = Item(self, curated, f"curation[{self.id}].claims.{index}")
                if c_item.require("match") not in statement:
                    raise c_item.error(
                        "match", f"claim {index} no longer reads {curated['match']!r}"
                    )
                if c_item.has("about"):
                    abouts = [self.curated_target(t, c_item, "about") for t in c_item.get("about")]
                for target in c_item.get("contradicts") or []:
                    self.add(
                        node, MLA.contradicts, self.curated_target(target, c_item, "contradicts")
                    )
                for l_index, link in enumerate(c_item.get("lineage") or []):
                    l_item = Item(self, link, f"{c_item.path}.lineage[{l_index}]")
                    later = self.curated_target(l_item.require("from"), l_item, "from")
                    earlier = self.curated_target(l_item.require("to"), l_item, "to")
                    # The claim carries the link: mla:modelledOn never stands without it.
                    self.add(node, MLA.lineageFrom, later)
                    self.add(node, MLA.lineageTo, earlier)
                    self.add(later, MLA.modelledOn, earlier)
                    l_item.finish()
                    self.report.add("lineage links")
                self.note(node, f"Linked by curation: {c_item.require('reason')}")
                c_item.finish()
            for about in abouts or [self.iri]:
                self.add(node, MLA.about, about)
            entry.finish()
            self.report.add("commentary_claims")
        unused = sorted(set(curated_claims) - used)
        if unused:
            raise self.curation.error(f"claims.{unused[0]}", "no such commentary claim")

    def pinned_provisions(self, pinpoint: Any, claim: URIRef) -> list[URIRef]:
        """Return provisions of this instrument a claim's pinpoint cites as '(cites Art. X)'."""
        if pinpoint is None:
            return []
        out = []
        pattern = r"\((?:cites |')?Art\.?\s*(\d+)((?:\(\d+\))?)((?:\([a-z]\))?)"
        for art, para, point in re.findall(pattern, str(pinpoint)):
            candidates = [f"art/{art}"]
            if para:
                candidates.append(f"{candidates[-1]}/para/{para.strip('()')}")
                if point:
                    candidates.append(f"{candidates[-1]}/point/{point.strip('()')}")
            found = [
                c for c in candidates if (self.node(c), RDF.type, MLA.Subdivision) in self.graph
            ]
            if not found:
                self.report.remark(f"claim {claim}: pinpoint cites Art {art}, not in the graph")
                continue
            best = found[-1]
            if best != candidates[-1]:
                cited = f"Art {art}{para}{point}"
                self.note(
                    claim,
                    f"The pinpoint cites {cited}, which the research has not placed; the claim is "
                    f"attached to {best.replace('art/', 'Art ').split('/')[0]}.",
                )
            out.append(self.node(best))
        return out

    def curated_target(self, target: str, item: Item, key: str) -> URIRef:
        """Resolve 'path' or 'instrument-id:path' from the curation file to a node IRI."""
        instrument, _, relative = target.rpartition(":")
        base = INSTRUMENT[instrument] if instrument else self.iri
        iri = URIRef(f"{base}/{relative}")
        if not instrument and not any(self.graph.triples((iri, RDF.type, None))):
            raise item.error(key, f"{target} is not a node of {self.id}")
        if instrument:
            self.report.remark(f"cross-instrument link to {instrument}:{relative}")
            CROSS_LINKS.append((self.file, item.key(key), iri))
        return iri

    def convert_new_features(self, root: Item) -> None:
        """Convert new_features to mla:ProposedFeature nodes (never used as mla:hasFeature)."""
        for entry, path in root.items("new_features"):
            if not isinstance(entry, Item):
                raise ResearchError(self.file, path, "a proposed feature must be a mapping")
            fid = str(entry.require("id"))
            if fid in self.features:
                raise entry.error("id", f"{fid} is already in features.yaml")
            node = self.node(f"proposed-feature/{fid}")
            self.add(node, RDF.type, MLA.ProposedFeature)
            self.add(node, SKOS.notation, Literal(fid))
            self.add(node, RDFS.label, Literal(norm_space(entry.require("label")), lang="en"))
            self.add(node, MLA.instrument, self.iri)
            self.add(node, MLA.source, self.research_record)
            for key in ("example", "where"):
                example = entry.text(key)
                if example:
                    self.add(node, SKOS.example, Literal(example, lang="en"))
            for key in ("group", "polarity", "marks", "rationale"):
                value = entry.text(key)
                if value:
                    self.note(node, f"{key.capitalize()}: {value}")
            entry.finish()
            self.report.add("new_features")


#: The instrument the membership sheet's ``japan_domestic_basis`` describes.
JP_ACT_ID = "jp-act-assistance-1980"
#: The sheet of EU membership and special positions (not an instrument).
MEMBERSHIP_ID = "membership"
#: Instruments the membership sheet adds facts to; it is converted only when they are.
MEMBERSHIP_TARGETS = ("eu-jp-mla", "eio-directive-2014", "eu-mla-conv-2000")
#: Keys of special_positions entries -> the instrument their participation facts belong to.
POSITION_INSTRUMENTS = {
    "eu_japan_agreement": "eu-jp-mla",
    "eio_directive": "eio-directive-2014",
    "eu_mla_convention_2000": "eu-mla-conv-2000",
}
#: special_positions keys -> ISO code.
POSITION_STATES = {"denmark": "DK", "ireland": "IE", "united_kingdom": "GB"}


class MembershipSheet(Sheet):
    """The membership sheet: EU membership over time, special positions, Japan's 1980 Act.

    It writes three things: mla:Membership nodes (``membership.ttl``); the Act on International
    Assistance in Investigation as a mla:DomesticLaw instrument (``jp-act-assistance-1980.ttl``);
    and facts about other instruments (the EU-Japan agreement's context, Denmark's, Ireland's and
    the UK's positions), added to those instruments' graphs as confirming sources and notes on
    the participation nodes their own sheets created, and as commentary claims.
    """

    def __init__(
        self,
        path: Path,
        features: set[str],
        curation: dict[str, Any],
        sources_graph: Graph,
        instrument_graphs: dict[str, Graph],
        claim_counts: dict[str, int],
    ) -> None:
        super().__init__(path, features, curation, sources_graph)
        self.instrument_graphs = instrument_graphs
        self.claim_counts = claim_counts
        self.membership_graph = new_graph()
        self.act_graph = new_graph()
        self.iri = INSTRUMENT[JP_ACT_ID]
        self.ns = Namespace(str(self.iri) + "/")
        self.graph = self.act_graph
        self.graph.bind("jpact", self.ns)

    def convert(self) -> None:
        """Convert the whole membership sheet."""
        root = self.root
        root.get("title")
        self.convert_sources(root)
        self.new_feature_ids = {
            str(nf.data.get("id")) for nf, _ in root.items("new_features") if isinstance(nf, Item)
        }
        self.convert_context(root)
        self.convert_memberships(root)
        self.convert_positions(root)
        self.convert_act(root)
        self.convert_new_features(root)
        self.convert_membership_claims(root)
        for question, path in root.items("open_questions"):
            if not isinstance(question, str):
                raise ResearchError(self.file, path, "an open question must be a string")
            self.sources_graph.add(
                (self.research_record, MLA.note, Literal(f"Open question: {question}", lang="en"))
            )
            self.report.add("open_questions")
        root.finish()
        self.check_curation_used()

    def target(self, instrument: str) -> tuple[Graph, URIRef]:
        """Return the graph and IRI of another converted instrument."""
        return self.instrument_graphs[instrument], INSTRUMENT[instrument]

    def convert_context(self, root: Item) -> None:
        """Keep the EU-Japan agreement context as notes on that instrument (it restates it)."""
        context = root.sub("eu_japan_agreement_context")
        if context is None:
            return
        own_graph, own_iri = self.graph, self.iri
        self.graph, self.iri = self.target("eu-jp-mla")
        try:
            for key in list(context.data):
                label = "Membership sheet: " + key.replace("_", " ")
                self.fact_note(self.iri, label, context.get(key), context.key(key))
                self.report.add("eu_japan_agreement_context")
        finally:
            self.graph, self.iri = own_graph, own_iri
        context.finish()

    def membership_node(self, iso: str) -> URIRef:
        """Return the IRI of a State's membership of the EU."""
        return URIRef(f"{ORG.EU}/membership/{iso}")

    def add_membership(self, iso: str, accession: Item, notes: list[str]) -> URIRef:
        """Add a Membership node with its accession date and the day-level status."""
        g = self.membership_graph
        node = self.membership_node(iso)
        if (node, RDF.type, MLA.Membership) in g:
            raise accession.error("state", f"membership of {iso} given twice")
        g.add((node, RDF.type, MLA.Membership))
        g.add((node, MLA.member, STATE[iso]))
        g.add((node, MLA.organisation, ORG.EU))
        date_key = "accession" if "accession" in accession.data else "date"
        g.add((node, MLA["from"], date_literal(accession.require(date_key), accession, date_key)))
        year = self.status(accession, "year_status")
        day = self.status(accession, "date_status")
        sources = self.source_list(accession) or [self.research_record]
        # One verification per node: the accession day's, which is the weaker of the two.
        status = min((year, day), key=STATUS_RANK.__getitem__)
        g.add((node, MLA.verification, STATUSES[status]))
        for source in sources:
            g.add((node, MLA.source, source))
        where = self.source_names(accession.data.get("source"))
        g.add(
            (
                node,
                MLA.note,
                Literal(f"Accession year {year}, exact day {day} (source {where}).", lang="en"),
            )
        )
        for text in notes:
            g.add((node, MLA.note, Literal(norm_space(text), lang="en")))
        return node

    def convert_memberships(self, root: Item) -> None:
        """Convert member_states and former_member_states to mla:Membership nodes."""
        for entry, path in root.items("member_states"):
            if not isinstance(entry, Item):
                raise ResearchError(self.file, path, "a member State needs state/accession")
            iso = self.iso(entry.require("state"), entry, "state")
            notes = [entry.text("notes") or ""] if entry.has("notes") else []
            self.add_membership(iso, entry, notes)
            entry.finish()
            self.report.add("member_states")
        for entry, path in root.items("former_member_states"):
            if not isinstance(entry, Item):
                raise ResearchError(self.file, path, "a former member needs state/accession")
            iso = self.iso(entry.require("state"), entry, "state")
            accession = entry.sub("accession")
            if accession is None:
                raise entry.error("accession", "a former member needs its accession")
            node = self.add_membership(iso, accession, [])
            accession.finish()
            g = self.membership_graph
            for key, prop, label in (
                ("withdrawal", MLA.until, "Withdrawal"),
                ("transition_period_end", MLA.boundUntil, "End of the transition period"),
            ):
                step = entry.sub(key)
                if step is None:
                    continue
                g.add((node, prop, date_literal(step.require("date"), step, "date")))
                status = self.status(step)
                for source in self.source_list(step):
                    g.add((node, MLA.source, source))
                where = self.source_names(step.data.get("source"))
                text = f"{label}: {as_text(step.data['date'])} ({status}, source {where})."
                for extra in ("time", "notes"):
                    if step.has(extra):
                        text += f" {step.text(extra)}"
                g.add((node, MLA.note, Literal(norm_space(text), lang="en")))
                step.finish()
            self.apply_positions(entry, iso, ("eu_japan_agreement", "eio_directive"))
            entry.finish()
            self.report.add("former_member_states")

    def convert_positions(self, root: Item) -> None:
        """Convert special_positions onto the participations of the instruments they concern."""
        positions = root.sub("special_positions")
        if positions is None:
            return
        for key in list(positions.data):
            if key not in POSITION_STATES:
                raise positions.error(key, "unknown State; add it to POSITION_STATES")
            entry = positions.sub(key)
            assert entry is not None
            iso = POSITION_STATES[key]
            basis = entry.sub("treaty_basis")
            if basis is not None:
                status = self.status(basis)
                self.source_list(basis)
                where = self.source_names(basis.data.get("source"))
                self.membership_graph.add(
                    (
                        self.membership_node(iso),
                        MLA.note,
                        Literal(
                            f"Treaty basis of its position: {norm_space(basis.require('text'))} "
                            f"({status}, source {where})",
                            lang="en",
                        ),
                    )
                )
                basis.finish()
            self.apply_positions(entry, iso, tuple(k for k in entry.data if k != "treaty_basis"))
            entry.finish()
            self.report.add("special_positions")

    def apply_positions(self, entry: Item, iso: str, keys: tuple[str, ...]) -> None:
        """Add a position (bound / opt-in / application) to the instrument's participation node.

        The instrument's own sheet created the node; a disagreement on whether the State is bound
        stops the converter. The position's sources are added and its wording kept as a note; the
        node's verification stays as the instrument's sheet gives it (never upgraded).
        """
        for key in keys:
            position = entry.sub(key)
            if position is None:
                continue
            if key not in POSITION_INSTRUMENTS:
                raise entry.error(key, "unknown instrument; add it to POSITION_INSTRUMENTS")
            graph, iri = self.target(POSITION_INSTRUMENTS[key])
            node = URIRef(f"{iri}/participation/{iso}")
            if (node, RDF.type, MLA.Participation) not in graph:
                raise position.error("", f"{node} does not exist; its instrument sheet must add it")
            parts = []
            for sub_key in list(position.data):
                if sub_key in ("status", "source", "notes"):
                    continue
                sub = position.sub(sub_key) if isinstance(position.data[sub_key], dict) else None
                if sub is None:
                    value = position.get(sub_key)
                    if sub_key in ("bound", "opt_in"):
                        said = bool(value)
                        recorded = graph.value(node, MLA.bound)
                        if recorded is None or bool(recorded.toPython()) != said:
                            raise position.error(
                                sub_key, f"{node} records bound {recorded}, this sheet {said}"
                            )
                    parts.append(f"{sub_key.replace('_', ' ')}: {as_text(value)}")
                    continue
                status = self.status(sub)
                for source in self.source_list(sub):
                    graph.add((node, MLA.source, source))
                where = self.source_names(sub.data.get("source"))
                if sub.has("value") and sub_key in ("opt_in",):
                    recorded = graph.value(node, MLA.bound)
                    if recorded is None or not recorded.toPython():
                        raise sub.error("value", f"{node} is not recorded as bound")
                detail = sub.text("text") or as_text(sub.data.get("value"))
                sub.get("value")
                note = sub.text("notes")
                graph.add(
                    (
                        node,
                        MLA.note,
                        Literal(
                            f"Membership sheet, {sub_key.replace('_', ' ')}: {detail} ({status}, "
                            f"source {where}).{' ' + note if note else ''}",
                            lang="en",
                        ),
                    )
                )
                sub.finish()
            if parts:
                status = self.status(position)
                for source in self.source_list(position):
                    graph.add((node, MLA.source, source))
                where = self.source_names(position.data.get("source"))
                note = position.text("notes")
                graph.add(
                    (
                        node,
                        MLA.note,
                        Literal(
                            f"Membership sheet: {'; '.join(parts)} ({status}, source {where})."
                            f"{' ' + note if note else ''}",
                            lang="en",
                        ),
                    )
                )
            position.finish()
            self.report.add("positions applied to participations")

    def convert_act(self, root: Item) -> None:
        """Convert japan_domestic_basis into the DomesticLaw instrument and its provisions."""
        basis = root.sub("japan_domestic_basis")
        if basis is None:
            raise root.error("japan_domestic_basis", "the sheet must describe Japan's Act")
        act = basis.sub("act")
        assert act is not None
        iri = self.iri
        self.add(iri, RDF.type, MLA.Instrument)
        self.add(iri, RDF.type, MLA.DomesticLaw)
        self.add(iri, MLA.instrumentId, Literal(JP_ACT_ID))
        self.add(iri, DCTERMS.title, Literal(norm_space(act.require("title")), lang="en"))
        self.add(iri, DCTERMS.title, Literal(norm_space(act.require("title_ja")), lang="ja"))
        self.add(iri, MLA.party, STATE.JP)
        self.add(iri, MLA.shortTitle, Literal("Act No. 69 of 1980", lang="en"))
        status, sources = self.provenance(iri, act)
        number = self.node("identifier/jp-act-number")
        self.add(iri, MLA.identifier, number)
        self.add(number, RDF.type, MLA.Identifier)
        self.add(number, MLA.scheme, Literal("jp-act-number"))
        self.add(number, RDF.value, Literal(norm_space(act.require("number"))))
        self.add(number, MLA.verification, STATUSES[status])
        for source in sources:
            self.add(number, MLA.source, source)
        promulgated = date_literal(act.require("promulgated"), act, "promulgated")
        # A statute has no signature: its promulgation is the date it exists from, and the
        # legal-basis finder treats nothing as binding before an instrument's mla:dateSigned.
        self.add(iri, MLA.dateSigned, promulgated)
        self.note(
            iri,
            f"Promulgated on {promulgated} ({status}); entry into force not in the research.",
        )
        # The research gives no entry-into-force date: say so (recalled, the research record).
        self.add(iri, MLA.entryIntoForceStatus, MLA.recalled)
        self.add(iri, MLA.entryIntoForceSource, self.research_record)
        act.finish()
        self.report.add("japan_domestic_basis.act")
        # Japan is the one State the Act binds; the date it took effect is not in the research.
        node = self.participation_node("JP", basis, "act")
        self.add(node, MLA.bound, Literal(True))
        self.add(node, MLA.mode, MLA.asParty)
        self.add(node, MLA.verification, STATUSES[status])
        for source in sources:
            self.add(node, MLA.source, source)
        self.note(
            node,
            "Japan's own statute: it applies to requests Japan receives without a treaty, on "
            "condition of reciprocity (Art 4). No mla:from: the Act's entry into force is not "
            "in the research.",
        )
        for key in (
            "availability_without_treaty",
            "treaty_based_central_authorities",
            "multilateral_bases_named_by_moj",
        ):
            value = basis.get(key)
            if value is not None:
                self.fact_note(iri, key.replace("_", " ").capitalize(), value, basis.key(key))
                self.report.add(f"japan_domestic_basis.{key}")
        for key in ("channel_and_procedure", "grounds_for_refusal"):
            for entry, path in basis.items(key):
                if not isinstance(entry, Item):
                    raise ResearchError(self.file, path, "a provision needs provision/summary")
                self.convert_act_provision(entry)
                entry.finish()
                self.report.add(f"japan_domestic_basis.{key}")
        basis.finish()

    def convert_act_provision(self, entry: Item) -> None:
        """Convert one provision of the Act ('Art 3(1)', 'Art 2(i)', 'Art 5 (discretion)')."""
        text = norm_space(entry.require("provision"))
        match = re.fullmatch(r"Art (\d+)(?:\(([0-9]+|[ivx]+)\))?(?: \(([a-z ]+)\))?", text)
        if not match:
            raise entry.error("provision", f"cannot read the provision {text!r}")
        art, sub, aspect = match.groups()
        article = self.node(f"art/{art}")
        status = self.status(entry)
        sources = self.source_list(entry) or [self.research_record]
        if (article, RDF.type, MLA.Article) not in self.graph:
            self.subdivision(article, MLA.Article, self.iri, art, int(art), f"Art {art}")
            self.add(article, MLA.verification, STATUSES[status])
            for source in sources:
                self.add(article, MLA.source, source)
            self.note(
                article,
                "Article node from the first item the sheet places in it; its status is that "
                "item's.",
            )
        node = article
        if sub is not None:
            node = self.node(f"art/{art}/para/{sub}")
            order = int(sub) if sub.isdigit() else ROMAN_SMALL.index(sub) + 1
            self.subdivision(node, MLA.Paragraph, article, sub, order, f"Art {art}({sub})")
            if not sub.isdigit():
                self.note(
                    node,
                    f"Item ({sub}) of Art {art} (a numbered item directly under the article in "
                    "Japanese statutes); recorded as a paragraph, the model having no item level.",
                )
            self.add(node, MLA.verification, STATUSES[status])
            for source in sources:
                self.add(node, MLA.source, source)
        elif aspect is not None:
            recorded = self.graph.value(node, MLA.verification)
            if recorded != STATUSES[status]:
                raise entry.error("status", f"Art {art} already has another status")
            self.note(node, f"Aspect '{aspect}' given separately by the fact sheet.")
        else:
            recorded = self.graph.value(node, MLA.verification)
            if recorded != STATUSES[status]:
                raise entry.error("status", f"Art {art} already has another status")
            for source in sources:
                self.add(node, MLA.source, source)
        self.add(node, MLA.summary, Literal(norm_space(entry.require("summary")), lang="en"))
        self.add_features(node, entry)
        notes = entry.text("notes")
        self.note(node, notes)
        for fid in re.findall(r"new_features: ([a-z0-9-]+)", notes or ""):
            if fid not in self.new_feature_ids:
                raise entry.error("notes", f"{fid!r} is not declared under new_features")
            self.add(node, MLA.proposedFeature, Literal(fid))
        entry.get("status")
        entry.get("source")

    def convert_membership_claims(self, root: Item) -> None:
        """Convert the claims (about the EU-Japan agreement) into that instrument's graph."""
        own = (self.graph, self.iri, self.claim_count, self.curation)
        self.graph, self.iri = self.target("eu-jp-mla")
        self.claim_count = self.claim_counts["eu-jp-mla"]
        try:
            self.convert_claims(root)
        finally:
            self.claim_counts["eu-jp-mla"] = self.claim_count
            self.graph, self.iri, self.claim_count, self.curation = own


ROMAN_SMALL = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"]


#: Identifier keys -> scheme names used in IRIs and mla:scheme.
IDENTIFIER_SCHEMES = {
    "treaty_doc": "senate-treaty-doc",
    "senate_exec_report": "senate-exec-report",
    "exec_report": "senate-exec-report",
    "eu_treaties_office_id": "eu-treaties-office",
    "ec_treaties_office": "eu-treaties-office",
    "japan_treaty_number": "jp-treaty-number",
    "jp_treaty_number": "jp-treaty-number",
    "council_docs": "council-document",
}

#: clause_check keys -> the feature a yes/no answer attests (None: no single feature fits).
CLAUSE_CHECK_FEATURES = {
    "death_penalty": "refusal-death-penalty-abstract",
    "videoconference": "videoconference-hearing",
    # 'bank secrecy' could mean a refusal ground or its exclusion; only 'unknown' answers exist.
    "bank_secrecy": None,
}

#: Sections kept as notes on the instrument: key -> label.
BACKGROUND_SECTIONS = {
    "firsts": "First",
    "negotiation_history": "Negotiation",
    "council_decisions": "EU decision",
    "japan_domestic": "Japanese domestic procedure",
    "ratification": "Ratification",
    "related_instruments": "Related instrument",
    "self_executing": "Self-executing",
    "legal_basis_eu": "EU legal basis",
    "preamble": "Preamble",
    "legal_capacity_note": "Legal capacity",
    "adopted": "Adopted",
    "transposition_deadline": "Transposition deadline",
    "explanatory_note": "Explanatory note",
}
#: fact_note keys whose value reads on its own (no 'key:' prefix).
_PLAIN_KEYS = {"fact", "step", "instrument", "what", "summary", "value", "text"}
#: Links from curation to nodes of other instruments, checked after all sheets are converted.
CROSS_LINKS: list[tuple[str, str, URIRef]] = []


def version_short(label: str) -> str:
    """Return the short name of an annex version ('original', 'proposed 2022 replacement')."""
    return label.split(" (", 1)[0]


def parse_authorities(text: str) -> list[dict[str, str]]:
    """Split an authority text on '; ' into bodies, reading 'phase: body' prefixes.

    >>> parse_authorities("Pre-trial until prosecution: State Police; at trial: Ministry of Justice")
    [{'label': 'State Police', 'phase': 'investigation', 'phase_as_written': 'Pre-trial until prosecution'}, {'label': 'Ministry of Justice', 'phase': 'trial', 'phase_as_written': 'at trial'}]
    """  # noqa: E501
    bodies = []
    for part in (p.strip() for p in text.split("; ")):
        match = re.match(r"^([^:]{3,60}):\s+(.+)$", part)
        phase = normalise_phase(match.group(1)) if match else None
        if match and phase:
            bodies.append(
                {"label": match.group(2), "phase": phase, "phase_as_written": match.group(1)}
            )
        else:
            bodies.append({"label": part})
    return bodies


def normalise_phase(text: str) -> str | None:
    """Map a described stage of proceedings to 'investigation', 'pre-trial' or 'trial'."""
    low = text.lower()
    if "until prosecution" in low or "investigation" in low:
        return "investigation"
    if "pre-trial" in low or "before" in low:
        return "pre-trial"
    if "trial" in low or low.strip() == "after" or "court" in low:
        return "trial"
    return None


def participation_codes(entry: Item) -> tuple[list[str], bool]:
    """Return the State codes of a participation entry and whether it was a grouped entry."""
    state = norm_space(str(entry.require("state")))
    if re.fullmatch(r"[A-Z]{2}", state):
        return [state], False
    group = re.search(r"\(([A-Z]{2}(?:\s+[A-Z]{2})+)\)", state)
    if not group:
        raise entry.error("state", f"cannot read State codes from {state!r}")
    return group.group(1).split(), True


def parse_bound(entry: Item) -> tuple[bool, str | None, str | None, str | None]:
    """Read 'bound' (true/false or a dated text) into (bound, from, until, note)."""
    value = entry.require("bound")
    if isinstance(value, bool):
        return value, None, None, None
    text = norm_space(str(value))
    span = re.fullmatch(r"(\d{4}-\d{2}-\d{2}) to (\d{4}-\d{2}-\d{2})(?: \((.*)\))?", text)
    if span:
        return True, span.group(1), span.group(2), text
    since = re.fullmatch(r"since .*?\((\d{1,2}) (\w+) (\d{4})\)", text)
    if since and since.group(2).lower() in MONTHS:
        day, month, year = int(since.group(1)), MONTHS[since.group(2).lower()], int(since.group(3))
        return True, dt.date(year, month, day).isoformat(), None, text
    raise entry.error(
        "bound", f"cannot read {text!r}; write true/false or 'YYYY-MM-DD to YYYY-MM-DD'"
    )


def date_literal(value: Any, item: Item, key: str) -> Literal:
    """Return an xsd:date literal from a YAML date or ISO string."""
    if isinstance(value, dt.date):
        return Literal(value.isoformat(), datatype=XSD.date)
    if isinstance(value, str) and ISO_DATE.match(value):
        return Literal(value, datatype=XSD.date)
    raise item.error(key, f"expected a date YYYY-MM-DD, found {value!r}")


#: Source classes the curation file may assign where the description alone does not settle it.
SOURCE_CLASSES = {
    "official": MLA.OfficialSource,
    "scholarly": MLA.ScholarlySource,
    "non-official": MLA.NonOfficialSource,
}
NON_OFFICIAL_MARKS = (
    "not official",
    "not reliable",
    "mirror",
    "commercial",
    "corroboration only",
    "not on reliable list",
    "unofficial",
    "not an official",
)
SCHOLARLY_MARKS = (
    "(scholarly)",
    "eucrim",
    "zjapanr",
    "zeitschrift",
    "journal",
    "chapter comparing",
)
OFFICIAL_HOSTS = (
    "europa.eu",
    "riigiteataja.ee",
    "senat.fr",
    "regjeringen.no",
    "gov.cn",
    "eu.dk",
    "cnmv.es",
    "go.jp",
    ".gov",
    "parliament.uk",
    "parliament.the-stationery-office.co.uk",
    "oireachtas.ie",
    "overheid.nl",
    "officielebekendmakingen.nl",
    "coe.int",
    "usembassy.gov",
    "un.org",
    "unodc.org",
    "legislation.gov.uk",
)


def is_official_host(host: str) -> bool:
    """Tell whether a host name belongs to a public authority on the project's list."""
    return any(host == h.lstrip(".") or host.endswith("." + h.lstrip(".")) for h in OFFICIAL_HOSTS)


def classify_source(key: str, what: str, reliability: str, url: str | None, entry: Item) -> URIRef:
    """Classify a source as official, scholarly or non-official from the fact sheet's description.

    Marks of a non-official copy win over everything (a mirror of an official database is not
    official); an explicit scholarly mark comes next; news is non-official unless published by a
    public authority; the remaining sources must sit on a known official host.
    """
    text = f"{what} {reliability}".lower()
    host = re.sub(r"^[a-z]+://", "", (url or "").lower()).split("/", 1)[0].split(":", 1)[0]
    if any(mark in text for mark in NON_OFFICIAL_MARKS):
        return MLA.NonOfficialSource
    if any(mark in text for mark in SCHOLARLY_MARKS):
        return MLA.ScholarlySource
    if "news" in text and not is_official_host(host):
        return MLA.NonOfficialSource
    if is_official_host(host):
        return MLA.OfficialSource
    if url is None and "recollection" in text:
        return MLA.NonOfficialSource
    raise entry.error(
        "url", f"cannot classify source {key!r} ({host or 'no URL'}); extend classify_source"
    )


SEED_TITLE = (
    "Norm diffusion as a tool to uphold and promote EU values & interests: "
    "a case study on the EU Japan Mutual Legal Assistance Agreement"
)
SEED_MOJ_TITLE = "Ministry of Justice of Japan: Mutual Legal Assistance in Criminal Matters"
# Checked against the first lines of shared/seeds/weyembergh-wieczorek-eu-japan-mla.txt.
SEED_CREATORS = ("Anne Weyembergh", "Irene Wieczorek")
# Not in the project copy: the Durham Research Online record of the article gives the journal,
# volume (issue), year and pages; the vLex record gives the DOI.
SEED_PUBLISHED_IN = "https://dro.dur.ac.uk/31382/"
SEED_JOURNAL = "New Journal of European Criminal Law"
SEED_CITATION = "New Journal of European Criminal Law 11(4) (2020) 439-466"
SEED_DOI = "doi:10.1177/2032284420938140"


def add_seed_record(g: Graph) -> None:
    """Add the seed article as a bibliographic record."""
    seed = SOURCE.seed
    g.add((seed, RDF.type, MLA.Source))
    g.add((seed, RDF.type, MLA.ScholarlySource))
    g.add((seed, RDF.type, DCTERMS.BibliographicResource))
    g.add((seed, DCTERMS.title, Literal(SEED_TITLE, lang="en")))
    for creator in SEED_CREATORS:
        g.add((seed, DCTERMS.creator, Literal(creator)))
    g.add((seed, MLA.url, Literal(SEED_PATH, datatype=XSD.anyURI)))
    g.add((seed, MLA.sourceKey, Literal("seed")))
    # The project copy is the authors' manuscript and states no journal, volume or year; these
    # come from the Durham Research Online record (SEED_PUBLISHED_IN), the DOI from vLex.
    g.add((seed, DCTERMS.isPartOf, SOURCE["seed-journal"]))
    g.add((seed, DCTERMS.date, Literal("2020", datatype=XSD.gYear)))
    g.add((seed, DCTERMS.bibliographicCitation, Literal(SEED_CITATION)))
    g.add((seed, DCTERMS.identifier, Literal(SEED_DOI)))
    g.add((SOURCE["seed-journal"], RDF.type, DCTERMS.BibliographicResource))
    g.add((SOURCE["seed-journal"], DCTERMS.title, Literal(SEED_JOURNAL, lang="en")))
    g.add(
        (
            seed,
            MLA.note,
            Literal(
                "Journal article by a professor at the Université Libre de Bruxelles and an "
                "assistant professor at Durham University. The project copy is the authors' "
                "text without the journal's pagination (its latest access dates are April "
                "2020); journal, volume, issue, year and pages are from the Durham Research "
                f"Online record ({SEED_PUBLISHED_IN}), the DOI from the vLex record. Pinpoints "
                "in the data are to the copy's sections and footnotes.",
                lang="en",
            ),
        )
    )


def add_seed_moj_record(g: Graph) -> None:
    """Add the Japanese Ministry of Justice MLA page (a project research input)."""
    moj = SOURCE["seed-moj"]
    g.add((moj, RDF.type, MLA.Source))
    g.add((moj, RDF.type, MLA.OfficialSource))
    g.add((moj, DCTERMS.title, Literal(SEED_MOJ_TITLE, lang="en")))
    g.add((moj, MLA.url, Literal(SEED_MOJ_PATH, datatype=XSD.anyURI)))
    g.add((moj, MLA.sourceKey, Literal("seed_moj")))
    g.add(
        (
            moj,
            MLA.note,
            Literal("Copy of the English page of the Ministry of Justice of Japan.", lang="en"),
        )
    )


def new_graph() -> Graph:
    """Return an empty graph with the project's fixed prefixes."""
    g = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        g.bind(prefix, namespace)
    return g


def states_graph() -> Graph:
    """Return the States and the EU, with ISO codes and English/Japanese labels."""
    g = new_graph()
    for code, (en, ja, alternatives) in sorted(STATES.items()):
        node = STATE[code]
        g.add((node, RDF.type, MLA.State))
        g.add((node, MLA.isoCode, Literal(code)))
        for prop in (RDFS.label, SKOS.prefLabel):
            g.add((node, prop, Literal(en, lang="en")))
            g.add((node, prop, Literal(ja, lang="ja")))
        for alt in alternatives:
            g.add((node, SKOS.altLabel, Literal(alt, lang="en")))
    for eu_code, iso in EU_CODES.items():
        g.add((STATE[iso], MLA.euCode, Literal(eu_code)))
    g.add((ORG.EU, RDF.type, MLA.InternationalOrganisation))
    for prop in (RDFS.label, SKOS.prefLabel):
        g.add((ORG.EU, prop, Literal("European Union", lang="en")))
        g.add((ORG.EU, prop, Literal("欧州連合", lang="ja")))
    return g


def read_features(research_dir: Path) -> set[str]:
    """Return the feature ids of features.yaml."""
    path = research_dir / "features.yaml"
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    groups = data.get("groups")
    if not isinstance(groups, dict):
        raise ResearchError(path.name, "groups", "expected a mapping of groups to features")
    return {fid for features in groups.values() for fid in features}


def serialize(g: Graph, header: str) -> str:
    """Return the canonical Turtle text of a graph, with a header comment."""
    body = g.serialize(format="turtle")
    return header + body


def header_for(source: str) -> str:
    """Return the generated-file header comment."""
    return (
        f"# Generated by scripts/import_research.py from {source}.\n"
        "# Do not edit by hand: fix the fact sheet (or research/curation.yaml) and\n"
        "# regenerate with `python scripts/import_research.py`.\n\n"
    )


def convert(
    research_dir: Path, instruments: Iterable[str], curation_file: Path = CURATION_FILE
) -> tuple[dict[str, str], list[Report]]:
    """Convert fact sheets; return {file name: Turtle text} and one report per sheet."""
    features = read_features(research_dir)
    with curation_file.open(encoding="utf-8") as handle:
        curation = yaml.safe_load(handle) or {}
    CROSS_LINKS.clear()
    sources = new_graph()
    outputs: dict[str, str] = {}
    reports = []
    converted_graphs: dict[str, Graph] = {}
    claim_counts: dict[str, int] = {}
    for instrument in instruments:
        path = research_dir / f"{instrument}.yaml"
        if not path.is_file():
            raise ResearchError(path.name, "", f"no fact sheet at {path}")
        sheet = Sheet(path, features, curation, sources)
        sheet.convert()
        converted_graphs[instrument] = sheet.graph
        claim_counts[instrument] = sheet.claim_count
        reports.append(sheet.report)
        sheet.report.print(instrument)
    membership_path = research_dir / f"{MEMBERSHIP_ID}.yaml"
    extra: dict[str, Graph] = {}
    if all(t in converted_graphs for t in MEMBERSHIP_TARGETS) and membership_path.is_file():
        members = MembershipSheet(
            membership_path, features, curation, sources, converted_graphs, claim_counts
        )
        members.convert()
        extra[f"{MEMBERSHIP_ID}.ttl"] = members.membership_graph
        extra[f"{JP_ACT_ID}.ttl"] = members.act_graph
        reports.append(members.report)
        members.report.print(MEMBERSHIP_ID)
    else:
        print(
            f"note: {MEMBERSHIP_ID}.yaml not converted (needs {', '.join(MEMBERSHIP_TARGETS)})",
            file=sys.stderr,
        )
    for instrument, graph in converted_graphs.items():
        outputs[f"{instrument}.ttl"] = serialize(graph, header_for(f"research/{instrument}.yaml"))
    for name, graph in extra.items():
        outputs[name] = serialize(graph, header_for(f"research/{MEMBERSHIP_ID}.yaml"))
    for file, key, iri in CROSS_LINKS:
        owner = str(iri)[len(str(INSTRUMENT)) :].split("/", 1)[0]
        graph = converted_graphs.get(owner) or extra.get(f"{owner}.ttl")
        if graph is None:
            print(
                f"warning: {file}: {key}: {iri} is in {owner}, not converted in this run",
                file=sys.stderr,
            )
        elif not any(graph.triples((iri, RDF.type, None))):
            raise ResearchError(file, key, f"{iri} does not exist in {owner}")
    outputs["sources.ttl"] = serialize(
        sources, header_for("the sources sections of the fact sheets")
    )
    outputs["states.ttl"] = serialize(
        states_graph(), header_for("the States table in the converter")
    )
    return outputs, reports


def main(argv: list[str] | None = None) -> int:
    """Run the converter from the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("research_dir", nargs="?", type=Path, default=DEFAULT_RESEARCH_DIR)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT_DIR, help="output folder (data/)")
    parser.add_argument(
        "--instrument",
        action="append",
        help="instrument id to convert (repeatable); default: " + ", ".join(DEFAULT_INSTRUMENTS),
    )
    args = parser.parse_args(argv)
    outputs, _ = convert(args.research_dir, args.instrument or DEFAULT_INSTRUMENTS)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in sorted(outputs.items()):
        (args.out / name).write_text(text, encoding="utf-8")
        print(f"wrote {args.out / name}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
