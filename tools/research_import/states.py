"""The States table (ISO codes, English and Japanese names) and the EU opt-out protocols."""

from __future__ import annotations

from rdflib import Graph, Literal
from rdflib.namespace import RDF, RDFS, SKOS

from .vocabulary import MLA, ORG, STATE, new_graph

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
