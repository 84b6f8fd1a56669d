"""The report registry read once and kept: a snapshot invalidated by a generation token.

Reading the whole registry costs a round trip and a JSON parse per report — milliseconds
at a few reports, far too much per question at ten thousand. Every write to the registry
(a commit, a removal) also writes a fresh random token in a record of its own, in the same
upsert as the commit; a reader asks for that one record and reuses its snapshot while the
token is the same. Several processes sharing one Chroma server see each other's writes at
once, because the token lives in Chroma with the records. The snapshot also carries what
is derived from the whole registry: reports by id, and the fingerprint that names the BM25
index built from exactly these report versions.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from functools import cached_property

from assistant.core.types import Report
from assistant.text.places import PlaceIndex, name_variants
from assistant.text.words import TOKENIZER_VERSION

GENERATION_ID = "__generation__"


@dataclass(frozen=True)
class Snapshot:
    generation: str | None
    reports: tuple[Report, ...]
    by_id: dict[str, Report] = field(compare=False)

    @cached_property
    def fingerprint(self) -> str:
        """Names the BM25 index of exactly these report versions (and of these tokens)."""
        keys = sorted((r.report_id, r.version, r.metadata_version) for r in self.reports)
        return hashlib.sha256(json.dumps([TOKENIZER_VERSION, keys]).encode()).hexdigest()[:16]

    def owners(self, report_ids: list[str]) -> list[str]:
        """The chunk-id prefixes (each report version's first 16 characters, as ingest names
        its chunks) of the committed reports among `report_ids`: BM25's runs of rows."""
        return [self.by_id[rid].version[:16] for rid in report_ids if rid in self.by_id]

    @cached_property
    def place_names(self) -> frozenset[str]:
        """Every name a question may use for these reports' places and their parents: an
        address, not a term to find ("宜昌市长阳县"). Computed once per registry, not per question."""
        return frozenset(name_variants([*(r.place for r in self.reports), *(r.parent for r in self.reports)]))

    @cached_property
    def places(self) -> PlaceIndex:
        """The places of these reports, for scoping questions without a loop over every report."""
        return PlaceIndex(self.reports)


def new_token() -> dict:
    return {"token": uuid.uuid4().hex}


def generation_record() -> dict:
    """The arguments of a registry upsert that writes a new generation token."""
    return {"ids": [GENERATION_ID], "embeddings": [[1.0]], "documents": ["generation"], "metadatas": [new_token()]}


def read_generation(collection) -> str | None:
    got = collection.get(ids=[GENERATION_ID], include=["metadatas"])
    return (got["metadatas"][0] or {}).get("token") if got["ids"] else None


def read_snapshot(collection, generation: str | None) -> Snapshot:
    """Every report record (the generation record left out), sorted by place, year and id."""
    got = collection.get(include=["metadatas"])
    reports = [
        Report.model_validate_json(m["json"])
        for rid, m in zip(got["ids"], got["metadatas"] or [])
        if rid != GENERATION_ID
    ]
    reports.sort(key=lambda r: (r.place or "", r.year or 0, r.report_id))
    return Snapshot(generation, tuple(reports), {r.report_id: r for r in reports})
