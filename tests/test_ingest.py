"""Specification of ingest + store against a real embedded Chroma (temp data dirs).

Covers: the seeds ingest with the right metadata; re-ingest is a no-op; duplicates and
replacements; bad files fail alone; GB18030 input; the size limit; removal; the
commit protocol of store.py (a failed commit leaves the previous state, a crash leaves
only orphans that readers ignore and `reconcile()` sweeps); the BM25 index follows the
registry; an embedding-model mismatch is refused.

Not covered on purpose: ingesting a genuine 20 MB report with the default 50 MB limit.
Measured on this 2-core machine, `prepare()` takes ~1.2 s per MB (places are looked for in
the first 30,000 characters only), but 1 MB yields ~2,900 chunks (~150 s of embedding at
~20 chunks/s), so a 20 MB file would take well over an hour, far beyond the ~60 s allowed
for one test. The size gate itself is tested with a 20 MB file and max_file_mb=5; see
tests/test_hostile_input.py for memory, batching and the measured 50 MB figures.
"""

from __future__ import annotations

import codecs
import json
import random
import shutil
from pathlib import Path

import chromadb
import numpy as np
import pytest
from chromadb.config import Settings as ChromaSettings

from assistant.core.errors import IngestError, StoreError
from assistant.evals.gold import REPORTS_GOLD as _GOLD_PATH
from assistant.index.embedding import MODEL_ID, USEEmbedding
from assistant.index.lexical import LexicalIndex
from assistant.index.store import Store, _chunk_meta, index_text
from assistant.ingest.cleaning import clean
from assistant.ingest.pipeline import ingest_paths, prepare
from assistant.qa.retrieve import retrieve

GOLD = {g["file"]: g for g in (json.loads(line) for line in _GOLD_PATH.read_text("utf-8").splitlines() if line.strip())}


def small_report(place: str, year: int, topic: str, extra: str = "") -> str:
    """A short but realistic report: title, outline, a few sentences, signature (~3 chunks)."""
    return (
        f"{place}{year}年度法治政府建设情况报告\n"
        f"{year}年,{place}坚持以习近平法治思想为指导,深入推进依法行政,加快建设法治政府。\n"
        "一、主要工作开展情况\n"
        f"(一)加强组织领导。{place}召开政府常务会议12次,专题研究{topic}工作。"
        "严格落实党政主要负责人履行推进法治建设第一责任人职责,将法治建设纳入年度绩效考核。\n"
        f"(二)推进{topic}。全年办理行政复议案件37件,纠错率10.8%,行政机关负责人出庭应诉率100%。"
        f"组织开展{topic}专项检查3次,整改问题15个。{extra}\n"
        "二、存在的问题\n基层执法力量相对薄弱,法治宣传的针对性还需增强。\n"
        "三、下一步工作\n持续深化“放管服”改革,进一步优化法治化营商环境。\n"
        f"{place}人民政府\n{year + 1}年2月17日\n"
    )


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def chunk_ids(store: Store) -> list[str]:
    return sorted(store.chunks.get(include=[])["ids"])


def committed_ids(store: Store) -> list[str]:
    return sorted(c.chunk_id for c in store.chunk_records())


def snapshot(store: Store):
    return ([r.model_dump() for r in store.reports()], chunk_ids(store), store.chunks.count())


# --- the seeds ---------------------------------------------------------------------------


def test_ingesting_the_seeds_folder_adds_five_reports_with_places_and_years(seeded_ingest, seeds_dir):
    store, _, results = seeded_ingest
    assert [(r.status, r.report_id) for r in results] == [
        ("added", "dengkou-2021"),
        ("added", "liling-2023"),
        ("added", "urumqi-county-2022"),
        ("added", "wuhai-2023"),
        ("added", "wuwei-2021"),
    ]
    reports = {r.report_id: r for r in store.reports()}
    assert len(reports) == 5
    for name, gold in GOLD.items():
        report = reports[Path(name).stem]
        assert (report.place, report.level, report.year) == (gold["place"], gold["level"], gold["year"])
        assert report.source == str((seeds_dir / name).resolve())
        assert report.encoding == "utf-8"
        assert report_text_is_the_cleaned_seed(store, report.report_id, seeds_dir / name)
    assert sum(r.n_chunks for r in reports.values()) == store.chunks.count() == sum(r.chunks for r in results)
    assert [r.place for r in store.reports()] == sorted(r.place for r in reports.values())


def report_text_is_the_cleaned_seed(store: Store, report_id: str, path: Path) -> bool:
    return store.report_text(report_id) == clean(path.read_bytes()).text


def test_ingesting_the_same_folder_again_changes_nothing(seeded_ingest, seeds_dir):
    store, settings, first = seeded_ingest
    before = snapshot(store)
    bm25_before = sorted(p.name for p in settings.bm25_dir.iterdir())
    again = ingest_paths([seeds_dir], store, progress=False)
    assert [(r.status, r.report_id, r.chunks) for r in again] == [("unchanged", r.report_id, r.chunks) for r in first]
    assert snapshot(store) == before  # same records (ingested_at included), same chunk ids, same count
    assert sorted(p.name for p in settings.bm25_dir.iterdir()) == bm25_before
    assert store.reconcile() == 0


def test_a_second_store_on_the_same_data_dir_sees_the_same_reports(seeded_ingest, embedder):
    store, settings, _ = seeded_ingest
    other = Store(settings, embedder=embedder)
    assert [r.model_dump() for r in other.reports()] == [r.model_dump() for r in store.reports()]
    assert other.lexical().ids == store.lexical().ids


# --- duplicates, replacements, collisions --------------------------------------------------


def test_same_content_at_another_path_is_reported_duplicate(tmp_path, make_store):
    store, _ = make_store()
    a = write(tmp_path / "in" / "linze-2022.txt", small_report("临泽县", 2022, "行政执法"))
    [first] = ingest_paths([a], store, progress=False)
    assert first.status == "added"
    before = snapshot(store)
    copy = tmp_path / "elsewhere" / "copy-of-linze.txt"
    copy.parent.mkdir()
    shutil.copy(a, copy)
    [dup] = ingest_paths([copy], store, progress=False)
    assert (dup.status, dup.report_id) == ("duplicate", "linze-2022")
    assert "linze-2022" in dup.message
    assert snapshot(store) == before


def test_same_content_in_another_encoding_is_a_duplicate(tmp_path, make_store):
    store, _ = make_store()
    text = small_report("临泽县", 2022, "行政执法")
    ingest_paths([write(tmp_path / "linze-2022.txt", text)], store, progress=False)
    [dup] = ingest_paths([write(tmp_path / "gb" / "linze-gb.txt", text.encode("gb18030"))], store, progress=False)
    assert dup.status == "duplicate"


def test_changed_file_is_replaced_and_its_old_chunks_are_gone(tmp_path, make_store):
    store, _ = make_store()
    path = write(tmp_path / "linze-2022.txt", small_report("临泽县", 2022, "行政执法"))
    ingest_paths([path], store, progress=False)
    old = store.find_report("linze-2022")
    old_ids = chunk_ids(store)
    write(path, small_report("临泽县", 2022, "行政执法", extra="新增备案审查规范性文件8件。"))
    [res] = ingest_paths([path], store, progress=False)
    assert (res.status, res.report_id) == ("replaced", "linze-2022")
    new = store.find_report("linze-2022")
    assert new.version != old.version
    assert store.chunks.get(ids=old_ids)["ids"] == []
    assert store.chunks.count() == sum(r.n_chunks for r in store.reports()) == new.n_chunks
    assert "新增备案审查规范性文件8件。" in store.report_text("linze-2022")
    assert set(store.lexical().ids) == set(committed_ids(store))


def test_another_file_with_the_same_name_gets_its_own_id_instead_of_overwriting(tmp_path, make_store):
    store, _ = make_store()
    a = write(tmp_path / "a" / "report.txt", small_report("临泽县", 2022, "行政执法"))
    b = write(tmp_path / "b" / "report.txt", small_report("高台县", 2022, "行政复议"))
    ra, rb = ingest_paths([a, b], store, progress=False)
    assert (ra.status, ra.report_id) == ("added", "report")
    assert rb.status == "added" and rb.report_id.startswith("report-") and rb.report_id != "report"
    assert {r.place for r in store.reports()} == {"临泽县", "高台县"}
    assert store.chunks.count() == sum(r.n_chunks for r in store.reports())


# --- bad input -----------------------------------------------------------------------------


def test_bad_files_fail_with_a_clear_message_while_the_rest_of_the_batch_is_ingested(tmp_path, make_store):
    store, _ = make_store()
    folder = tmp_path / "batch"
    write(folder / "a-empty.txt", b"")
    write(folder / "b-blank.txt", b"  \r\n\t\r\n")
    write(folder / "c-image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random.Random(5).randbytes(3000))
    write(folder / "d-english.txt", b"Annual report on law-based government, 2023.\n")
    write(folder / "e-linze-2022.txt", small_report("临泽县", 2022, "行政执法"))
    write(folder / "f-cut.pdf", b"%PDF-1.7 cut off before the end")
    write(folder / "g-sheet.xls", b"ignored: not a report suffix")
    results = {Path(r.path).name: r for r in ingest_paths([folder], store, progress=False)}
    assert sorted(results) == [
        "a-empty.txt",
        "b-blank.txt",
        "c-image.txt",
        "d-english.txt",
        "e-linze-2022.txt",
        "f-cut.pdf",
    ]
    assert results["f-cut.pdf"].status == "failed" and "truncated" in results["f-cut.pdf"].message
    assert "empty" in results["a-empty.txt"].message and "empty" in results["b-blank.txt"].message
    assert "binary" in results["c-image.txt"].message
    assert "no Chinese" in results["d-english.txt"].message
    for name in ("a-empty.txt", "b-blank.txt", "c-image.txt", "d-english.txt"):
        assert results[name].status == "failed" and name in results[name].message
        assert "提示 / hint" in results[name].message
    assert results["e-linze-2022.txt"].status == "added"
    assert [r.report_id for r in store.reports()] == ["e-linze-2022"]


def test_a_missing_path_is_an_error_before_anything_is_written(tmp_path, make_store):
    store, _ = make_store()
    good = write(tmp_path / "linze-2022.txt", small_report("临泽县", 2022, "行政执法"))
    with pytest.raises(IngestError, match="no such file"):
        ingest_paths([good, tmp_path / "nope.txt"], store, progress=False)
    assert store.reports() == []


def test_a_truncated_file_with_a_bom_fails_alone(tmp_path, make_store):
    store, _ = make_store()
    bad = write(
        tmp_path / "batch" / "a-truncated.txt",
        codecs.BOM_UTF8 + small_report("高台县", 2022, "行政复议").encode("utf-8")[:-2],
    )
    write(tmp_path / "batch" / "b-linze-2022.txt", small_report("临泽县", 2022, "行政执法"))
    results = ingest_paths([tmp_path / "batch"], store, progress=False)
    assert [r.status for r in results] == ["failed", "added"]
    assert str(bad) in results[0].message


def test_gb18030_seed_ingests_to_the_same_text_as_the_utf8_seed(tmp_path, make_store, seeds_dir):
    store, _ = make_store()
    utf8 = (seeds_dir / "dengkou-2021.txt").read_bytes()
    gb = write(tmp_path / "dengkou-2021.txt", utf8.decode("utf-8").encode("gb18030"))
    [res] = ingest_paths([gb], store, progress=False)
    assert res.status == "added"
    report = store.find_report("dengkou-2021")
    assert report.encoding == "gb18030"
    assert (report.place, report.year) == ("磴口县", 2021)
    assert store.report_text("dengkou-2021") == clean(utf8).text
    [again] = ingest_paths([seeds_dir / "dengkou-2021.txt"], store, progress=False)
    assert again.status == "duplicate"


def test_a_file_over_max_file_mb_is_refused_with_its_size(tmp_path, make_store):
    store, settings = make_store(max_file_mb=5)
    line = "全年办理行政复议案件37件,行政机关负责人出庭应诉率100%。\n".encode()
    big = write(tmp_path / "batch" / "a-huge.txt", line * (20 * 1024 * 1024 // len(line) + 1))
    assert 20 * 1024 * 1024 <= big.stat().st_size < 20.05 * 1024 * 1024
    write(tmp_path / "batch" / "b-linze-2022.txt", small_report("临泽县", 2022, "行政执法"))
    huge, small = ingest_paths([tmp_path / "batch"], store, progress=False)
    assert huge.status == "failed"
    assert "20.0 MB" in huge.message and "5 MB" in huge.message and "too large" in huge.message
    assert "ASSISTANT_MAX_FILE_MB" in huge.message
    assert small.status == "added"
    with pytest.raises(IngestError, match="too large"):
        prepare(big, settings)


# --- removal -------------------------------------------------------------------------------


def test_remove_deletes_the_record_and_its_chunks_and_bm25_forgets_them(tmp_path, make_store):
    store, settings = make_store()
    ingest_paths(
        [
            write(tmp_path / "linze-2022.txt", small_report("临泽县", 2022, "防沙治沙")),
            write(tmp_path / "gaotai-2022.txt", small_report("高台县", 2022, "物业管理")),
        ],
        store,
        progress=False,
    )
    linze_ids = [c.chunk_id for c in store.chunk_records("linze-2022")]
    assert linze_ids and any(
        h.report.report_id == "linze-2022"
        for h in retrieve("防沙治沙专项检查", store, settings.model_copy(update={"dense_weight": 0.0}))[0]
    )
    store.remove("linze-2022")
    assert [r.report_id for r in store.reports()] == ["gaotai-2022"]
    assert store.chunks.get(where={"report_id": "linze-2022"}, include=[])["ids"] == []
    assert store.chunks.count() == store.find_report("gaotai-2022").n_chunks
    lexical = store.lexical()
    assert not set(linze_ids) & set(lexical.ids)
    assert sorted(lexical.ids) == committed_ids(store)
    hits, scope = retrieve("临泽县防沙治沙专项检查", store, settings.model_copy(update={"dense_weight": 0.0}))
    assert all(h.report.report_id == "gaotai-2022" for h in hits)
    with pytest.raises(StoreError, match="no such report"):
        store.find_report("linze-2022")


# --- the commit protocol -----------------------------------------------------------------


class RegistryDown(RuntimeError):
    pass


def _fail_commit(monkeypatch, store: Store, seen: dict) -> None:
    def upsert(*args, **kwargs):
        seen["chunks_at_commit"] = store.chunks.count()
        raise RegistryDown("registry unavailable")

    monkeypatch.setattr(store.registry, "upsert", upsert)


def test_a_failed_commit_of_a_new_report_leaves_the_previous_state(tmp_path, make_store, monkeypatch):
    store, _ = make_store()
    ingest_paths([write(tmp_path / "linze-2022.txt", small_report("临泽县", 2022, "行政执法"))], store, progress=False)
    before = snapshot(store)
    seen: dict = {}
    _fail_commit(monkeypatch, store, seen)
    with pytest.raises(RegistryDown):
        ingest_paths(
            [write(tmp_path / "gaotai-2022.txt", small_report("高台县", 2022, "行政复议"))], store, progress=False
        )
    assert seen["chunks_at_commit"] > before[2]  # the new chunks really were written first
    monkeypatch.undo()
    assert snapshot(store) == before
    assert store.reconcile() == 0


def test_a_failed_commit_of_a_new_version_keeps_the_old_version_whole(tmp_path, make_store, monkeypatch):
    store, _ = make_store()
    path = write(tmp_path / "linze-2022.txt", small_report("临泽县", 2022, "行政执法"))
    ingest_paths([path], store, progress=False)
    before, old_text = snapshot(store), store.report_text("linze-2022")
    write(path, small_report("临泽县", 2022, "行政执法", extra="新增备案审查规范性文件8件。"))
    seen: dict = {}
    _fail_commit(monkeypatch, store, seen)
    with pytest.raises(RegistryDown):
        ingest_paths([path], store, progress=False)
    assert seen["chunks_at_commit"] > before[2]
    monkeypatch.undo()
    assert snapshot(store) == before
    assert store.report_text("linze-2022") == old_text
    assert store.reconcile() == 0
    [res] = ingest_paths([path], store, progress=False)  # and the retry goes through
    assert res.status == "replaced"


def _write_uncommitted(store: Store, path: Path) -> list[str]:
    """What a process killed between the chunk write and the registry commit leaves behind."""
    report, records = prepare(path, store.settings)
    embeddings = store.embedder.encode([index_text(report, c) for c in records])
    store.chunks.upsert(
        ids=[c.chunk_id for c in records],
        documents=[c.text for c in records],
        embeddings=embeddings,
        metadatas=[_chunk_meta(c) for c in records],
    )
    return [c.chunk_id for c in records]


def test_chunks_left_by_a_crash_are_invisible_and_swept_by_reconcile(tmp_path, make_store):
    store, settings = make_store()
    path = write(tmp_path / "linze-2022.txt", small_report("临泽县", 2022, "行政执法"))
    ingest_paths([path], store, progress=False)
    reports, ids, count = snapshot(store)
    old_text = store.report_text("linze-2022")
    write(path, small_report("临泽县", 2022, "行政执法", extra="新增备案审查规范性文件8件。"))
    orphans = _write_uncommitted(store, path)
    orphans += _write_uncommitted(store, write(tmp_path / "gaotai-2022.txt", small_report("高台县", 2022, "行政复议")))
    assert store.chunks.count() == count + len(orphans)
    # Readers trust only committed versions.
    assert [r.model_dump() for r in store.reports()] == reports
    assert committed_ids(store) == ids
    assert store.report_text("linze-2022") == old_text
    assert sorted(store.lexical().ids) == ids
    query = store.embedder.encode(["高台县行政复议专项检查"])[0]
    assert {cid for cid, _ in store.dense_search(query, 50)} <= set(ids)
    hits, _ = retrieve("新增备案审查规范性文件", store, settings)
    assert {h.chunk.chunk_id for h in hits} <= set(ids)
    assert store.reconcile() == len(orphans)
    assert chunk_ids(store) == ids
    assert store.reconcile() == 0


def test_the_next_ingest_sweeps_a_crashed_ingest(tmp_path, make_store):
    store, _ = make_store()
    path = write(tmp_path / "linze-2022.txt", small_report("临泽县", 2022, "行政执法"))
    ingest_paths([path], store, progress=False)
    ids = chunk_ids(store)
    _write_uncommitted(store, write(tmp_path / "gaotai-2022.txt", small_report("高台县", 2022, "行政复议")))
    [res] = ingest_paths([path], store, progress=False)
    assert res.status == "unchanged"
    assert chunk_ids(store) == ids


# --- the BM25 index ------------------------------------------------------------------------


def test_bm25_index_follows_the_registry_and_matches_the_committed_chunks(tmp_path, make_store, embedder, monkeypatch):
    store, settings = make_store()
    ingest_paths([write(tmp_path / "linze-2022.txt", small_report("临泽县", 2022, "行政执法"))], store, progress=False)
    first = store.lexical()
    assert sorted(first.ids) == committed_ids(store) and len(set(first.ids)) == len(first.ids)
    assert store.lexical() is first  # cached while the registry is unchanged
    assert len(list(settings.bm25_dir.glob(f"{settings.collection}-*"))) == 1

    # Another process (a second Store on the same data dir) commits a report.
    other = Store(settings, embedder=embedder)
    ingest_paths([write(tmp_path / "gaotai-2022.txt", small_report("高台县", 2022, "行政复议"))], other, progress=False)
    second = store.lexical()
    assert second is not first
    assert sorted(second.ids) == committed_ids(store)
    assert {c.report_id for c in store.chunk_records()} == {"linze-2022", "gaotai-2022"}
    saved = list(settings.bm25_dir.glob(f"{settings.collection}-*"))
    assert len(saved) == 1  # the stale index was deleted

    # A fresh process loads the saved index instead of rebuilding it.
    def no_rebuild(*args, **kwargs):
        raise AssertionError("BM25 index was rebuilt although the registry did not change")

    monkeypatch.setattr(LexicalIndex, "build", classmethod(no_rebuild))
    assert Store(settings, embedder=embedder).lexical().ids == second.ids
    monkeypatch.undo()

    store.remove("linze-2022")
    assert sorted(store.lexical().ids) == committed_ids(store)
    assert {cid.split(":")[0] for cid in store.lexical().ids} == {store.find_report("gaotai-2022").version[:16]}


def test_bm25_index_of_an_empty_store_is_empty(make_store):
    store, _ = make_store()
    lexical = store.lexical()
    assert lexical.ids == []
    assert lexical.scores("行政复议").shape == (0,)


# --- the embedding model -------------------------------------------------------------------


def _client(settings):
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=ChromaSettings(anonymized_telemetry=False))


def test_a_collection_built_with_another_embedding_model_is_refused_with_a_hint(settings_factory, embedder):
    settings = settings_factory()
    _client(settings).get_or_create_collection(
        settings.collection,
        embedding_function=USEEmbedding(),
        metadata={"embedding_model": "other", "hnsw:space": "cosine"},
    )
    with pytest.raises(StoreError) as err:
        Store(settings, embedder=embedder)
    assert "other" in err.value.message and MODEL_ID in err.value.message
    assert "ASSISTANT_COLLECTION" in err.value.hint and "ASSISTANT_DATA_DIR" in err.value.hint


def test_a_fresh_collection_records_the_embedding_model(make_store):
    store, _ = make_store()
    assert store.chunks.metadata["embedding_model"] == MODEL_ID


def test_a_collection_built_with_chromas_default_embedding_function_is_refused_with_a_hint(settings_factory, embedder):
    settings = settings_factory()
    _client(settings).get_or_create_collection(settings.collection, metadata={"embedding_model": "all-MiniLM-L6-v2"})
    with pytest.raises(StoreError):
        Store(settings, embedder=embedder)


def test_embeddings_written_for_chunks_are_the_models_vectors(seeded_store, embedder):
    store, _ = seeded_store
    report = store.find_report("wuhai-2023")
    [record] = store.chunk_records("wuhai-2023")[:1]
    got = store.chunks.get(ids=[record.chunk_id], include=["embeddings"])["embeddings"][0]
    expected = embedder.encode([index_text(report, record)])[0]
    assert np.allclose(got, expected, atol=1e-5)
