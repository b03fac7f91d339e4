"""One instrument fact sheet: the sections converted in order."""

from __future__ import annotations

from .annexes import AnnexesMixin
from .articles import ArticlesMixin
from .claims import ClaimsMixin
from .differences import TextDifferencesMixin
from .instrument import InstrumentMixin
from .items import Item
from .participation import ParticipationMixin
from .sources import SourcesMixin
from .vocabulary import MLA


class Sheet(
    SourcesMixin,
    InstrumentMixin,
    ParticipationMixin,
    ArticlesMixin,
    AnnexesMixin,
    ClaimsMixin,
    TextDifferencesMixin,
):
    """One fact sheet being converted into one instrument graph.

    Each mixin converts a group of sections (one module each); :meth:`convert` fixes their order,
    which the output depends on (claim numbers, for instance, follow the order of conversion).
    """

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
        self.convert_text_differences(root)
        root.finish()
        self.check_curation_used()
