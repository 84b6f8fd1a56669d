"""Crash safety: SIGKILL an ingest at random points; the store stays consistent and a re-run
completes. A damaged or foreign data directory is refused at start, naming `assistant rebuild`.

The ingest runs in a child process (the real USE embedder, real Chroma) that first checks
the store it finds, then ingests a folder of six small reports, all of which change on
every run (so every kill lands in a replacement). The child first kills itself just before
and just after a commit (the two windows that leave uncommitted or superseded chunks);
then the test kills it with SIGKILL after random delays (seeded) until KILLS kills have
landed mid-ingest, and finally lets one run finish. After every kill the next run's check must find: each registered report has
exactly its n_chunks chunks, contiguous and covering its text; BM25 holds exactly the
committed chunks; leftovers of the killed run are only uncommitted chunks, which readers
ignore and the next ingest sweeps.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.core.errors import StoreError
from assistant.index.datadir import DATA_FORMAT
from assistant.index.store import Store

from .test_ingest import small_report

REPO = Path(__file__).resolve().parents[1]
KILLS = 5

DRIVER = r"""
import json, sys
from pathlib import Path
from assistant.core.config import Settings
from assistant.ingest.pipeline import ingest_paths
from assistant.index.store import Store

store = Store(Settings(data_dir=sys.argv[2]))
reports = store.reports()
records = store.chunk_records()
per = {}
for c in records:
    per.setdefault(c.report_id, []).append(c)
problems = []
for r in reports:
    chunks = per.get(r.report_id, [])
    if len(chunks) != r.n_chunks:
        problems.append(f"{r.report_id}: {len(chunks)} of {r.n_chunks} chunks")
    elif chunks and ([c.start for c in chunks[1:]] != [c.end for c in chunks[:-1]] or chunks[0].start != 0
                     or chunks[-1].end != r.chars):
        problems.append(f"{r.report_id}: chunks do not cover the text")
if sorted(store.lexical().ids) != sorted(c.chunk_id for c in records):
    problems.append("BM25 disagrees with Chroma")
print("CHECK " + json.dumps({"reports": len(reports), "chunks": len(records),
                             "orphans": store.chunks.count() - len(records), "problems": problems}), flush=True)
if len(sys.argv) > 3:  # a deterministic kill just before or just after the commit point of the 2nd file
    import os, signal
    upsert, seen = store.registry.upsert, []
    def dying_upsert(*args, **kwargs):
        seen.append(1)
        if len(seen) == 2 and sys.argv[3] == "before-commit":
            os.kill(os.getpid(), signal.SIGKILL)
        upsert(*args, **kwargs)
        if len(seen) == 2 and sys.argv[3] == "after-commit":
            os.kill(os.getpid(), signal.SIGKILL)
    store.registry.upsert = dying_upsert
results = ingest_paths([sys.argv[1]], store, progress=False)
print("DONE " + json.dumps([[Path(r.path).name, r.status, r.message] for r in results]), flush=True)
"""


def _run(
    folder: Path, data_dir: Path, kill_after: float | None, crash_at: str | None = None
) -> tuple[dict | None, list | None, float]:
    """One child run: (its check of the store it found, its ingest results or None if
    killed first, seconds from the check to the end)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(folder), str(data_dir), *filter(None, [crash_at])],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = proc.stdout.readline()  # imports done, store checked: the ingest starts now
    started = time.perf_counter()
    if kill_after is not None:
        time.sleep(kill_after)
        proc.send_signal(signal.SIGKILL)
    out, err = proc.communicate(timeout=300)
    elapsed = time.perf_counter() - started
    check = json.loads(line[6:]) if line.startswith("CHECK ") else None
    done = next((json.loads(ln[5:]) for ln in out.splitlines() if ln.startswith("DONE ")), None)
    if kill_after is None and crash_at is None:
        assert proc.returncode == 0 and check is not None, err[-3000:]
    return check, done, elapsed


def _write_reports(folder: Path, places: list[str], revision: int) -> None:
    """Every report changes every run, so each run replaces all of them and a kill can land
    in any step of any replacement."""
    folder.mkdir(exist_ok=True)
    for i, place in enumerate(places):
        (folder / f"r{i}.txt").write_text(small_report(place, 2022, "行政执法", extra=f"第{revision}次修订。"), "utf-8")


def test_sigkill_at_random_points_never_leaves_a_half_report(tmp_path):
    folder, data_dir = tmp_path / "reports", tmp_path / "data"
    places = ["临泽县", "高台县", "民乐县", "山丹县", "甘州区", "金塔县"]
    _write_reports(folder, places, 0)
    check, done, ingest_s = _run(folder, data_dir, kill_after=None)  # also measures how long an ingest takes
    assert check["reports"] == 0 and [status for _, status, _ in done] == ["added"] * 6
    # First the two moments that matter most, deterministically: the new version's chunks
    # written but not committed, and committed but the old version's chunks not yet deleted.
    found = []
    for revision, moment in enumerate(("before-commit", "after-commit", None), 1):
        _write_reports(folder, places, revision)
        check, done, _ = _run(folder, data_dir, kill_after=None, crash_at=moment)
        assert check["problems"] == [] and check["reports"] == 6, (moment, check)
        assert (done is None) == (moment is not None)
        found.append(check["orphans"])
    # Each kill left the 2nd report's new (uncommitted) or old (superseded) chunks behind,
    # invisible to readers; the next run swept them.
    assert found[1] > 0 and found[2] > 0, found
    rng = random.Random(20261123)
    outcomes = []
    # Kill points are drawn over the last measured ingest time; a run that finished before
    # its kill shortens that estimate and does not count, so the machine's load cannot
    # make the test pass without killing anything (at most 2 * KILLS attempts).
    while sum(killed for _, killed in outcomes) < KILLS and len(outcomes) < 2 * KILLS:
        revision += 1
        _write_reports(folder, places, revision)
        check, done, elapsed = _run(folder, data_dir, kill_after=rng.uniform(0.0, ingest_s))
        assert check is not None and check["problems"] == [], check
        assert check["reports"] == 6  # a killed replacement never loses the old version
        outcomes.append((check["orphans"], done is None))
        if done is not None:
            ingest_s = min(ingest_s, elapsed)
    assert sum(killed for _, killed in outcomes) == KILLS, f"too few kills landed mid-ingest: {outcomes}"
    check, done, _ = _run(folder, data_dir, kill_after=None)
    assert check["problems"] == [], check
    assert done is not None and {status for _, status, _ in done} <= {"replaced", "unchanged"}, done

    store = Store(_settings(data_dir))
    assert sorted(r.place for r in store.reports()) == sorted(places)
    assert store.chunks.count() == sum(r.n_chunks for r in store.reports())  # the re-run swept every orphan
    assert sorted(store.lexical().ids) == sorted(c.chunk_id for c in store.chunk_records())
    assert all(f"第{revision}次修订" in store.report_text(r.report_id) for r in store.reports())
    print(f"ingest {ingest_s:.1f}s; (orphans found, killed mid-ingest) per run: {outcomes}")


def _settings(data_dir: Path):
    from assistant.core.config import Settings

    return Settings(data_dir=data_dir)


# --- damaged or foreign data directories ----------------------------------------------------


@pytest.fixture
def seeded_dir(tmp_path, embedder):
    data_dir = tmp_path / "data"
    from assistant.ingest.pipeline import ingest_paths

    ingest_paths([REPO / "seeds" / "dengkou-2021.txt"], Store(_settings(data_dir), embedder=embedder), progress=False)
    _forget_clients()
    return data_dir


def _forget_clients():
    """Chroma caches an open database per path inside a process; a test that damages the
    files on disk must make the next Store really open them again."""
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()


def test_a_new_data_dir_is_stamped_with_the_format(tmp_path, embedder):
    Store(_settings(tmp_path / "fresh"), embedder=embedder)
    assert json.loads((tmp_path / "fresh" / "FORMAT").read_text()) == {"format": DATA_FORMAT}


def test_a_data_dir_from_another_format_version_is_refused_naming_rebuild(seeded_dir, embedder):
    (seeded_dir / "FORMAT").write_text(json.dumps({"format": DATA_FORMAT + 1}))
    with pytest.raises(StoreError) as err:
        Store(_settings(seeded_dir), embedder=embedder)
    assert f"{DATA_FORMAT + 1}" in err.value.message and "format mismatch" in err.value.message
    assert "assistant rebuild" in err.value.hint


def test_a_garbled_format_marker_is_refused_naming_rebuild(seeded_dir, embedder):
    (seeded_dir / "FORMAT").write_bytes(b"\x00\xff garbage")
    with pytest.raises(StoreError) as err:
        Store(_settings(seeded_dir), embedder=embedder)
    assert "corrupted" in err.value.message and "assistant rebuild" in err.value.hint


def test_a_damaged_database_file_is_refused_naming_rebuild(seeded_dir, embedder):
    db = seeded_dir / "chroma" / "chroma.sqlite3"
    db.write_bytes(random.Random(4).randbytes(db.stat().st_size))
    with pytest.raises(StoreError) as err:
        Store(_settings(seeded_dir), embedder=embedder).reports()
    assert "assistant rebuild" in str(err.value)


def test_a_garbled_registry_record_is_refused_naming_rebuild(seeded_dir, embedder):
    store = Store(_settings(seeded_dir), embedder=embedder)
    store.registry.update(ids=["dengkou-2021"], metadatas=[{"json": "{not json", "version": "x"}])
    with pytest.raises(StoreError) as err:
        store.reports()
    assert "registry is corrupted" in err.value.message and "assistant rebuild" in err.value.hint


def test_a_store_made_before_format_markers_is_adopted(seeded_dir, embedder):
    (seeded_dir / "FORMAT").unlink()
    assert [r.report_id for r in Store(_settings(seeded_dir), embedder=embedder).reports()] == ["dengkou-2021"]
    assert (seeded_dir / "FORMAT").exists()
