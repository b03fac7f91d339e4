"""The comparison API gives the same answers on real SPARQL servers as on the embedded store.

``compare``, ``diff``, ``outline`` and ``model_profile`` build their results from named
queries; through :meth:`KnowledgeGraph.remote` those queries run on Oxigraph server, Virtuoso
and ``mla-kg serve`` (the data pushed there by the ``remote_graph`` fixture). The results are
compared in full through their ``to_dict()`` form, which holds every cell, pinpoint, source and
verification status a user sees.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import permutations

import pytest

from mla_kg import KnowledgeGraph

SERVERS = ["oxigraph", "virtuoso", "mla-kg-serve"]
#: The three agreements the project is about; diffs and outlines are checked for these (every
#: instrument is in the full comparison, which is one query).
AGREEMENTS = ("eu-jp-mla", "eu-us-mla", "jp-us-mlat")


@pytest.mark.parametrize("server", SERVERS)
def test_compare_every_instrument_agrees_with_embedded(
    server: str, remote_graph: Callable[[str], KnowledgeGraph], kg: KnowledgeGraph
) -> None:
    instruments = kg.instruments()
    expected = kg.compare(instruments)
    answer = remote_graph(server).compare(instruments)
    assert len(answer) == len(expected) > 0
    assert answer.to_dict() == expected.to_dict()
    assert answer.to_markdown() == expected.to_markdown()


@pytest.mark.parametrize("server", SERVERS)
@pytest.mark.parametrize(
    ("instruments", "features", "groups"),
    [
        (("eu-jp-mla", "eu-us-mla"), None, ("refusal",)),
        (("jp-us-mlat", "eu-jp-mla"), ("bank-secrecy-excluded", "videoconference-hearing"), None),
    ],
    ids=["two-instruments-refusal-group", "two-features"],
)
def test_compare_with_selections_agrees_with_embedded(
    server: str,
    instruments: tuple[str, ...],
    features: tuple[str, ...] | None,
    groups: tuple[str, ...] | None,
    remote_graph: Callable[[str], KnowledgeGraph],
    kg: KnowledgeGraph,
    request: pytest.FixtureRequest,
) -> None:
    if server == "virtuoso" and features:
        # Not strict: on a server that has run other queries first the answer is often right.
        request.applymarker(
            pytest.mark.xfail(
                reason="Virtuoso 7.2.5 bug: compare_features restricted to a list of features "
                "pairs an absence node of one feature with another feature (wrong join of the "
                "sub-select's ?feature); no portable rewrite found that keeps the query fast",
                strict=False,
            )
        )
    expected = kg.compare(instruments, features=features, groups=groups).to_dict()
    answer = remote_graph(server).compare(instruments, features=features, groups=groups)
    assert answer.to_dict() == expected


@pytest.mark.parametrize("server", SERVERS)
def test_diff_of_every_pair_agrees_with_embedded(
    server: str, remote_graph: Callable[[str], KnowledgeGraph], kg: KnowledgeGraph
) -> None:
    remote = remote_graph(server)
    pairs = list(permutations(AGREEMENTS, 2))
    for a, b in pairs:
        assert remote.diff(a, b).to_dict() == kg.diff(a, b).to_dict(), f"diff({a}, {b})"


@pytest.mark.parametrize("server", SERVERS)
def test_outline_and_model_profile_agree_with_embedded(
    server: str, remote_graph: Callable[[str], KnowledgeGraph], kg: KnowledgeGraph
) -> None:
    remote = remote_graph(server)
    for instrument in AGREEMENTS:
        outline = remote.outline(instrument)
        assert outline.to_dict() == kg.outline(instrument).to_dict(), instrument
        assert outline.to_text() == kg.outline(instrument).to_text(), instrument
        profile = remote.model_profile(instrument)
        assert profile.to_dict() == kg.model_profile(instrument).to_dict(), instrument
