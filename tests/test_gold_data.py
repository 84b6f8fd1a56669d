"""Specification of the gold evaluation data in assistant/evals/gold/.

The gold set is hand-built from the five seed reports in seeds/. These tests
pin down its format and, above all, that every gold fact and every evidence
quote is copied verbatim from the report it is about, so that a scorer can
rely on exact substring matching.

Only the standard library and pytest are used; nothing is imported from the
`assistant` package.
"""

from __future__ import annotations

import collections
import json
import re
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SEEDS_DIR = REPO_ROOT / "seeds"
GOLD_DIR = REPO_ROOT / "assistant" / "evals" / "gold"
QUESTIONS_PATH = GOLD_DIR / "questions.jsonl"
REPORTS_PATH = GOLD_DIR / "reports.jsonl"

# place name -> (id slug, seed file)
SEED_REPORTS = {
    "乌海市": ("wuhai", "wuhai-2023.txt"),
    "醴陵市": ("liling", "liling-2023.txt"),
    "磴口县": ("dengkou", "dengkou-2021.txt"),
    "武威市": ("wuwei", "wuwei-2021.txt"),
    "乌鲁木齐县": ("urumqi", "urumqi-county-2022.txt"),
}
SLUG_TO_PLACE = {slug: place for place, (slug, _) in SEED_REPORTS.items()}

ALLOWED_KINDS = {"number", "name", "list", "date", "cross", "paraphrase", "unanswerable"}
QUESTION_FIELDS = {"id", "question", "report", "facts", "evidence", "unanswerable", "kind"}
REPORT_FIELDS = {
    "file",
    "place",
    "parent",
    "level",
    "kind",
    "year",
    "title",
    "issuer",
    "addressee",
    "signer",
    "date",
    "doc_number",
    "key_facts",
}

MIN_QUESTIONS = 100
MIN_UNANSWERABLE = 15
MIN_CROSS = 8
MIN_PARAPHRASE = 15
MIN_ANSWERABLE_PER_REPORT = 15
MAX_EVIDENCE_CHARS = 120


def _load_jsonl(path: Path) -> list[tuple[int, dict]]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rows.append((lineno, json.loads(line)))
            except json.JSONDecodeError as exc:  # pragma: no cover - reported by test
                pytest.fail(f"{path.name} line {lineno} is not valid JSON: {exc}")
    return rows


@pytest.fixture(scope="module")
def seed_texts() -> dict[str, str]:
    """Seed report text keyed by place name."""
    texts = {}
    for place, (_, filename) in SEED_REPORTS.items():
        path = SEEDS_DIR / filename
        assert path.is_file(), f"seed report for {place} missing: {path}"
        texts[place] = path.read_text(encoding="utf-8")
    return texts


@pytest.fixture(scope="module")
def questions() -> list[dict]:
    assert QUESTIONS_PATH.is_file(), f"missing {QUESTIONS_PATH}"
    rows = _load_jsonl(QUESTIONS_PATH)
    for lineno, row in rows:
        assert isinstance(row, dict), f"questions.jsonl line {lineno}: not a JSON object"
    return [row for _, row in rows]


@pytest.fixture(scope="module")
def reports() -> list[dict]:
    assert REPORTS_PATH.is_file(), f"missing {REPORTS_PATH}"
    rows = _load_jsonl(REPORTS_PATH)
    for lineno, row in rows:
        assert isinstance(row, dict), f"reports.jsonl line {lineno}: not a JSON object"
    return [row for _, row in rows]


def _texts_for(question: dict, seed_texts: dict[str, str]) -> list[str]:
    """The report text(s) a question's facts and evidence must come from."""
    if question.get("report") is None:
        return list(seed_texts.values())
    return [seed_texts[question["report"]]]


def _fail_if(problems: list[str], what: str) -> None:
    if problems:
        pytest.fail(f"{len(problems)} {what}:\n" + "\n".join(problems))


# ---------------------------------------------------------------------------
# questions.jsonl: format
# ---------------------------------------------------------------------------


def test_every_question_has_exactly_the_required_fields_with_correct_types(questions):
    problems = []
    for q in questions:
        qid = q.get("id", "<no id>")
        keys = set(q)
        if keys != QUESTION_FIELDS:
            problems.append(
                f"{qid}: fields missing {sorted(QUESTION_FIELDS - keys)}, unexpected {sorted(keys - QUESTION_FIELDS)}"
            )
            continue
        if not isinstance(q["id"], str) or not q["id"]:
            problems.append(f"{qid}: id must be a non-empty string")
        if not isinstance(q["question"], str) or not q["question"].strip():
            problems.append(f"{qid}: question must be a non-empty string")
        if q["report"] is not None and not isinstance(q["report"], str):
            problems.append(f"{qid}: report must be a place name string or null")
        if not isinstance(q["unanswerable"], bool):
            problems.append(f"{qid}: unanswerable must be a boolean")
        if not isinstance(q["kind"], str):
            problems.append(f"{qid}: kind must be a string")
        for field in ("facts", "evidence"):
            value = q[field]
            if not isinstance(value, list) or not all(isinstance(s, str) and s for s in value):
                problems.append(f"{qid}: {field} must be a list of non-empty strings")
    _fail_if(problems, "malformed questions")


def test_question_ids_are_unique(questions):
    counts = collections.Counter(q.get("id") for q in questions)
    duplicates = sorted(qid for qid, n in counts.items() if n > 1)
    assert not duplicates, f"duplicate question ids: {duplicates}"


def test_question_ids_use_the_report_slug_or_cross_or_unans_prefix(questions):
    pattern = re.compile(r"^(wuhai|liling|dengkou|wuwei|urumqi|cross|unans)-\d{3}$")
    problems = []
    for q in questions:
        qid = q["id"]
        m = pattern.match(qid)
        if not m:
            problems.append(f"{qid}: id does not look like <slug>-NNN")
            continue
        prefix = m.group(1)
        if prefix in SLUG_TO_PLACE and q["report"] != SLUG_TO_PLACE[prefix]:
            problems.append(f"{qid}: id prefix says {SLUG_TO_PLACE[prefix]} but report is {q['report']!r}")
        if prefix == "cross" and q["kind"] != "cross":
            problems.append(f"{qid}: cross- id but kind is {q['kind']!r}")
        if prefix == "unans" and not q["unanswerable"]:
            problems.append(f"{qid}: unans- id but unanswerable is false")
    _fail_if(problems, "badly named ids")


def test_kinds_are_from_the_allowed_set(questions):
    problems = [f"{q['id']}: unknown kind {q['kind']!r}" for q in questions if q["kind"] not in ALLOWED_KINDS]
    _fail_if(problems, "questions with unknown kinds")


def test_report_is_a_seed_place_or_null_only_for_cross_questions(questions):
    problems = []
    for q in questions:
        if q["kind"] == "cross":
            if q["report"] is not None:
                problems.append(f"{q['id']}: cross question must have report null, got {q['report']!r}")
        elif q["report"] not in SEED_REPORTS:
            problems.append(f"{q['id']}: report {q['report']!r} is not one of {sorted(SEED_REPORTS)}")
    _fail_if(problems, "questions with a bad report field")


def test_unanswerable_flag_matches_the_unanswerable_kind(questions):
    problems = [
        f"{q['id']}: unanswerable={q['unanswerable']} but kind={q['kind']!r}"
        for q in questions
        if q["unanswerable"] != (q["kind"] == "unanswerable")
    ]
    _fail_if(problems, "questions whose flag and kind disagree")


# ---------------------------------------------------------------------------
# questions.jsonl: coverage
# ---------------------------------------------------------------------------


def test_the_set_is_large_enough(questions):
    assert len(questions) >= MIN_QUESTIONS, f"only {len(questions)} questions, need >= {MIN_QUESTIONS}"


def test_there_are_enough_unanswerable_cross_and_paraphrase_questions(questions):
    kinds = collections.Counter(q["kind"] for q in questions)
    assert kinds["unanswerable"] >= MIN_UNANSWERABLE, f"unanswerable: {kinds['unanswerable']} < {MIN_UNANSWERABLE}"
    assert kinds["cross"] >= MIN_CROSS, f"cross: {kinds['cross']} < {MIN_CROSS}"
    assert kinds["paraphrase"] >= MIN_PARAPHRASE, f"paraphrase: {kinds['paraphrase']} < {MIN_PARAPHRASE}"


def test_every_seed_report_has_enough_answerable_questions(questions):
    answerable = collections.Counter(q["report"] for q in questions if not q["unanswerable"] and q["report"])
    problems = [
        f"{place}: only {answerable[place]} answerable questions (need >= {MIN_ANSWERABLE_PER_REPORT})"
        for place in SEED_REPORTS
        if answerable[place] < MIN_ANSWERABLE_PER_REPORT
    ]
    _fail_if(problems, "under-covered reports")


# ---------------------------------------------------------------------------
# questions.jsonl: facts and evidence are grounded in the report text
# ---------------------------------------------------------------------------


def test_answerable_questions_have_at_least_one_fact_and_one_evidence_quote(questions):
    problems = []
    for q in questions:
        if q["unanswerable"]:
            continue
        if not q["facts"]:
            problems.append(f"{q['id']}: answerable but has no facts")
        if not q["evidence"]:
            problems.append(f"{q['id']}: answerable but has no evidence")
    _fail_if(problems, "ungrounded answerable questions")


def test_unanswerable_questions_have_no_facts_and_no_evidence(questions):
    problems = [
        f"{q['id']}: unanswerable but has facts={q['facts']} evidence={q['evidence']}"
        for q in questions
        if q["unanswerable"] and (q["facts"] or q["evidence"])
    ]
    _fail_if(problems, "unanswerable questions carrying answers")


def test_every_evidence_quote_occurs_verbatim_in_its_report(questions, seed_texts):
    problems = []
    for q in questions:
        texts = _texts_for(q, seed_texts)
        where = q["report"] or "any seed report"
        for quote in q["evidence"]:
            if not any(quote in text for text in texts):
                problems.append(f"{q['id']}: evidence not found verbatim in {where}: {quote!r}")
    _fail_if(problems, "evidence quotes not in the report text")


def test_evidence_quotes_stay_within_one_line_and_are_short(questions):
    problems = []
    for q in questions:
        for quote in q["evidence"]:
            if "\n" in quote or "\r" in quote:
                problems.append(f"{q['id']}: evidence spans a line break: {quote!r}")
            if len(quote) > MAX_EVIDENCE_CHARS:
                problems.append(
                    f"{q['id']}: evidence is {len(quote)} chars (> {MAX_EVIDENCE_CHARS}): {quote[:30]!r}..."
                )
            if quote != quote.strip():
                problems.append(f"{q['id']}: evidence has leading/trailing whitespace: {quote!r}")
    _fail_if(problems, "overlong or multi-line evidence quotes")


def test_every_fact_occurs_verbatim_in_its_report(questions, seed_texts):
    problems = []
    for q in questions:
        texts = _texts_for(q, seed_texts)
        where = q["report"] or "any seed report"
        for fact in q["facts"]:
            if not any(fact in text for text in texts):
                problems.append(f"{q['id']}: fact not found verbatim in {where}: {fact!r}")
    _fail_if(problems, "facts not in the report text")


def test_every_fact_is_backed_by_an_evidence_quote_or_the_report_itself(questions, seed_texts):
    problems = []
    for q in questions:
        texts = _texts_for(q, seed_texts)
        for fact in q["facts"]:
            in_evidence = any(fact in quote for quote in q["evidence"])
            if not in_evidence and not any(fact in text for text in texts):
                problems.append(f"{q['id']}: fact {fact!r} is neither in its evidence nor in the report")
    _fail_if(problems, "unsupported facts")


def test_cross_questions_quote_at_least_two_different_reports(questions, seed_texts):
    problems = []
    for q in questions:
        if q["kind"] != "cross":
            continue
        places = {place for quote in q["evidence"] for place, text in seed_texts.items() if quote in text}
        if len(places) < 2:
            problems.append(f"{q['id']}: cross question evidence comes from {sorted(places)} only")
    _fail_if(problems, "cross questions that do not compare reports")


# ---------------------------------------------------------------------------
# reports.jsonl
# ---------------------------------------------------------------------------


def test_reports_file_has_one_well_formed_line_per_seed_report(reports):
    problems = []
    for r in reports:
        name = r.get("file", "<no file>")
        keys = set(r)
        if keys != REPORT_FIELDS:
            problems.append(
                f"{name}: fields missing {sorted(REPORT_FIELDS - keys)}, unexpected {sorted(keys - REPORT_FIELDS)}"
            )
            continue
        if r["level"] not in {"市", "县"}:
            problems.append(f"{name}: level must be 市 or 县, got {r['level']!r}")
        if not isinstance(r["year"], int) or isinstance(r["year"], bool):
            problems.append(f"{name}: year must be an integer")
        for field in ("title", "issuer", "date", "doc_number"):
            if r[field] is not None and not (isinstance(r[field], str) and r[field]):
                problems.append(f"{name}: {field} must be a non-empty string or null")
        if r["date"] is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["date"]):
            problems.append(f"{name}: date must be YYYY-MM-DD, got {r['date']!r}")
        if not isinstance(r["key_facts"], list) or not 6 <= len(r["key_facts"]) <= 10:
            problems.append(f"{name}: key_facts must be a list of 6-10 strings")
    files = collections.Counter(r.get("file") for r in reports)
    expected = {filename for _, filename in SEED_REPORTS.values()}
    if set(files) != expected:
        problems.append(f"reports.jsonl covers {sorted(files)}, expected {sorted(expected)}")
    problems += [f"{f}: listed {n} times" for f, n in files.items() if n > 1]
    _fail_if(problems, "problems in reports.jsonl")


def test_each_report_entry_matches_its_seed_file(reports):
    expected = {filename: place for place, (_, filename) in SEED_REPORTS.items()}
    problems = []
    for r in reports:
        path = SEEDS_DIR / r["file"]
        if not path.is_file():
            problems.append(f"{r['file']}: seed file does not exist")
            continue
        if expected.get(r["file"]) != r["place"]:
            problems.append(f"{r['file']}: place {r['place']!r} does not match expected {expected.get(r['file'])!r}")
        match = re.search(r"-(\d{4})\.txt$", r["file"])
        if match and int(match.group(1)) != r["year"]:
            problems.append(f"{r['file']}: year {r['year']} differs from the year in the file name")
    _fail_if(problems, "mismatched report entries")


def test_report_metadata_strings_and_key_facts_occur_verbatim_in_the_seed(reports):
    problems = []
    for r in reports:
        path = SEEDS_DIR / r["file"]
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        for fact in r["key_facts"]:
            if not isinstance(fact, str) or fact not in text:
                problems.append(f"{r['file']}: key fact not found verbatim: {fact!r}")
        for field in ("title", "doc_number", "place"):
            if r[field] is not None and r[field] not in text:
                problems.append(f"{r['file']}: {field} not found verbatim: {r[field]!r}")
        if r["date"] is not None:
            y, m, d = (int(p) for p in r["date"].split("-"))
            if f"{y}年{m}月{d}日" not in text and r["date"] not in text:
                problems.append(f"{r['file']}: date {r['date']} does not appear in the text")
    _fail_if(problems, "report metadata not grounded in the seeds")
