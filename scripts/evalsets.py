"""What the eval-set generators share (standard library only).

scripts/build_general_eval.py, scripts/build_holdout_eval.py, scripts/build_holdout3_eval.py and
scripts/build_holdout4_eval.py each keep their own documents, questions and metadata gold; this module holds the
formats they write and the checks their --check modes run, so that one rule is written once and means the same in
every set. The third and later held-out sets share their whole build and check too (HeldOutSet): each generator
names only its data and the earlier sets it is measured against. The scripts import it from their own folder.
"""

from __future__ import annotations

import importlib.util
import json
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GENERAL = ROOT / "assistant" / "evals" / "general"
SEED_GOLD = ROOT / "assistant" / "evals" / "gold" / "reports.jsonl"

FZ = "法治政府建设年度报告"
GWR = "政府工作报告"
OTHER = "其他"

# The fields of a reports.jsonl row (after "file") and of a question row, in the order they are written.
META_FIELDS = (
    "place",
    "parent",
    "level",
    "kind",
    "year",
    "title",
    "issuer",
    "date",
    "doc_number",
    "addressee",
    "key_facts",
)
Q_FIELDS = ("id", "question", "report", "reports", "facts", "evidence", "unanswerable", "kind", "group")
KINDS = {"number", "name", "list", "date", "metadata", "change", "refusal", "trap", "parent-only", "not-held"}
# The kinds of question that have no answer in the library: the assistant must decline them.
REFUSING = {"refusal", "trap", "parent-only", "not-held"}
LEVELS = {"省", "自治区", "市", "州", "地区", "盟", "县", "区", "旗", "新区", "开发区", "乡", "镇", "街道", "部门"}
# The metadata fields that must stand verbatim in the document's text when they are set.
VERBATIM_FIELDS = ("place", "parent", "title", "issuer", "doc_number", "addressee")
# How far a held-out document may share text with the documents before it (whitespace removed): no common run of
# this many characters, and at most this share of its SHINGLE-character shingles.
MAX_COMMON_RUN = 40
SHINGLE = 12
MAX_SHINGLE_SHARE = 0.10
# A held-out question is "a rewording" of an earlier question when their character-bigram Jaccard reaches this.
MAX_QUESTION_SIMILARITY = 0.7
CJK = re.compile(r"[\u4e00-\u9fff]")
# Digits as Chinese numerals (0 in each form old notices write it), for iso_to_cn_numerals.
CN_DIGITS = {
    "0": "[〇○oO零]",
    "1": "一",
    "2": "二",
    "3": "三",
    "4": "四",
    "5": "五",
    "6": "六",
    "7": "七",
    "8": "八",
    "9": "九",
}


# ---------------------------------------------------------------------------------------------
# Questions
# ---------------------------------------------------------------------------------------------


def Q(question, report, facts, evidence, kind, group, reports=None, absent=None, elsewhere=None, notheld=None):
    """One question. report: the id the answer comes from, or None; facts: what a correct answer states (none:
    the question is unanswerable); evidence: verbatim quotes that hold the facts; kind, group: its tallies.
    reports: ids a correct answer may cite (default [report]; [] when unanswerable).
    The private claims below are checked by --check and never written out:
    absent: {report id: [regex, ...]} that must NOT match that report ("*": any document in the library);
    elsewhere: [regex, ...] that must match some document other than `report` (a trap's distractor exists);
    notheld: {place, year, kind} that no document's metadata in the library may match (a missing key matches
    anything; place may be a list, none of which may match)."""
    unanswerable = not facts
    if reports is None:
        reports = [] if unanswerable else [report]
    return {
        "question": question,
        "report": report,
        "reports": reports,
        "facts": facts,
        "evidence": evidence,
        "unanswerable": unanswerable,
        "kind": kind,
        "group": group,
        "_absent": absent or {},
        "_elsewhere": elsewhere or [],
        "_notheld": notheld,
    }


def everywhere(*words):
    """An absent-claim checked against every document in the library (the seeds, the earlier sets, this set)."""
    return {"*": list(words)}


def cited(row: dict) -> list[str]:
    """Every report id a question row names: its reports, then its report."""
    return row["reports"] + ([row["report"]] if row["report"] else [])


# ---------------------------------------------------------------------------------------------
# Output: the JSON Lines files and the reports folder
# ---------------------------------------------------------------------------------------------


def meta_lines(docs: list[dict]) -> list[dict]:
    """The reports.jsonl rows: the file name, then the metadata gold in META_FIELDS order."""
    return [{"file": d["id"] + ".txt", **{k: d["meta"][k] for k in META_FIELDS}} for d in docs]


def question_lines(questions: list[dict], prefix: str) -> list[dict]:
    """The question rows, numbered prefix-001, prefix-002, ... in order; the private claims are left out."""
    return [{"id": f"{prefix}-{n:03d}", **{k: q[k] for k in Q_FIELDS if k != "id"}} for n, q in enumerate(questions, 1)]


def jsonl(rows) -> str:
    """JSON Lines as the sets store them: one object a line, Chinese unescaped."""
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def set_files(out: Path, texts: dict[str, str], tables: dict[str, list[dict]]) -> dict[Path, str]:
    """Every file a set writes, by path: out/reports/<id>.txt for each text, then out/<name> for each table."""
    files = {out / "reports" / f"{k}.txt": v for k, v in texts.items()}
    for name, rows in tables.items():
        files[out / name] = jsonl(rows)
    return files


def read_jsonl(path: Path) -> list[dict]:
    """A JSON Lines file's rows (blank lines skipped)."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def read_texts(folder: Path) -> dict[str, str]:
    """Every *.txt in folder, by file stem, in name order."""
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))}


def read_metas(path: Path) -> list[dict]:
    """A reports.jsonl file's rows, each with its document id (the file's stem) added."""
    return [dict(m, id=Path(m["file"]).stem) for m in read_jsonl(path)]


# ---------------------------------------------------------------------------------------------
# Checks. Each returns its error messages (empty when all is well), in the order it makes them.
# ---------------------------------------------------------------------------------------------


def length_band(kind: str) -> tuple[int, int]:
    """The first two sets' length rule: a 法治政府建设年度报告 has 3000-8000 Chinese characters, any other 1900-8000."""
    return (3000, 8000) if kind == FZ else (1900, 8000)


def length_errors(doc_id: str, text: str, band: tuple[int, int]) -> list[str]:
    """The document's Chinese characters (digits and punctuation not counted) fall within band."""
    n = len(CJK.findall(text))
    low, high = band
    return [] if low <= n <= high else [f"{doc_id}: {n} Chinese characters, expected {low}-{high}"]


def iso_to_cn(date: str) -> str:
    """2023-03-05 → 2023年3月5日."""
    y, m, d = date.split("-")
    return f"{int(y)}年{int(m)}月{int(d)}日"


def iso_to_cn_numerals(date: str) -> re.Pattern:
    """2009-11-13 → 二[〇o]{2}九年十一月十三日 (the way old notices date themselves)."""

    def small(n: int) -> str:
        tens, ones = divmod(n, 10)
        return ("" if tens == 0 else ("十" if tens == 1 else CN_DIGITS[str(tens)] + "十")) + (
            CN_DIGITS[str(ones)] if ones else ""
        )

    y, m, d = date.split("-")
    return re.compile("".join(CN_DIGITS[c] for c in y) + "年" + small(int(m)) + "月" + small(int(d)) + "日")


def date_in_text(date: str, text: str, numerals: bool = False) -> bool:
    """The text carries date as 2023-03-05 or 2023年3月5日 (with numerals, also as 二〇二三年三月五日)."""
    return date in text or iso_to_cn(date) in text or (numerals and bool(iso_to_cn_numerals(date).search(text)))


def metadata_errors(doc_id: str, text: str, meta: dict, kinds=None, numeral_dates: bool = False) -> list[str]:
    """The metadata gold can be read off the text: a known level (and, given kinds, a kind among them); every
    VERBATIM_FIELDS value, the date (ISO or 2023年3月5日; with numeral_dates also 二〇二三年三月五日) and the year
    stand in it; 6-10 key facts, each verbatim. Gold that the text does not carry would score a reader wrong."""
    errors = []
    err = errors.append
    if meta["level"] not in LEVELS:
        err(f"{doc_id}: level {meta['level']}")
    if kinds is not None and meta["kind"] not in kinds:
        err(f"{doc_id}: kind {meta['kind']}")
    for field in VERBATIM_FIELDS:
        if meta[field] is not None and meta[field] not in text:
            err(f"{doc_id}: {field} {meta[field]!r} is not in the text")
    if meta["date"] and not date_in_text(meta["date"], text, numeral_dates):
        err(f"{doc_id}: date {meta['date']} is not in the text")
    if meta["year"] is not None and str(meta["year"]) not in text:
        err(f"{doc_id}: year {meta['year']} is not in the text")
    if not 6 <= len(meta["key_facts"]) <= 10:
        err(f"{doc_id}: {len(meta['key_facts'])} key facts")
    for f in meta["key_facts"]:
        if f not in text:
            err(f"{doc_id}: key fact {f!r} is not in the text")
    return errors


def leftover_errors(doc_id: str, text: str, words) -> list[str]:
    """A document written from a seed no longer matches any of words (regexes: the seed's place and local names)."""
    return [f"{doc_id}: leftover seed word {w!r}" for w in words if re.search(w, text)]


def common_run(a: str, b: str) -> int:
    """Length of the longest common substring of a and b (binary search over shared n-grams)."""
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        n = (lo + hi + 1) // 2
        grams = {b[i : i + n] for i in range(len(b) - n + 1)}
        if any(a[i : i + n] in grams for i in range(len(a) - n + 1)):
            lo = n
        else:
            hi = n - 1
    return lo


def shingles(flat: str) -> set[str]:
    """Every SHINGLE-character substring of a whitespace-free text."""
    return {flat[i : i + SHINGLE] for i in range(len(flat) - SHINGLE + 1)}


class Resemblance:
    """How much a held-out document copies from the documents before it, so that no answer can be lifted from a
    seed or an earlier set: with whitespace removed, no common run of MAX_COMMON_RUN characters with any one of
    them, and at most MAX_SHINGLE_SHARE of its shingles found anywhere in them. Keeps the closest seen, for a report:
    longest (run, "doc/earlier doc") and largest (share, doc)."""

    def __init__(self, earlier: dict[str, str], named: str):
        self.flat = {k: re.sub(r"\s+", "", t) for k, t in earlier.items()}
        self.earlier_shingles = set()
        for t in self.flat.values():
            self.earlier_shingles |= shingles(t)
        self.named = named  # how the messages name the earlier documents
        self.longest: tuple[int, str] = (0, "")
        self.largest: tuple[float, str] = (0.0, "")

    def errors(self, doc_id: str, text: str) -> list[str]:
        errors = []
        flat = re.sub(r"\s+", "", text)
        for k, other in self.flat.items():
            run = common_run(flat, other)
            self.longest = max(self.longest, (run, f"{doc_id}/{k}"))
            if run >= MAX_COMMON_RUN:
                errors.append(f"{doc_id}: shares a run of {run} characters with {k}")
        own = shingles(flat)
        share = len(own & self.earlier_shingles) / max(1, len(own))
        self.largest = max(self.largest, (share, doc_id))
        if share > MAX_SHINGLE_SHARE:
            errors.append(f"{doc_id}: {share:.0%} of its {SHINGLE}-character shingles occur in {self.named}")
        return errors


def bigrams(s: str) -> set[str]:
    """A question's character bigrams, spaces and punctuation removed."""
    s = re.sub(r"[\s,，。？?！!、:：;；“”\"()（）]", "", s)
    return {s[i : i + 2] for i in range(len(s) - 1)}


class EarlierQuestions:
    """A held-out question is neither asked nor reworded in an earlier set (character-bigram Jaccard below
    MAX_QUESTION_SIMILARITY), so the set measures the reading of new text, not recall of old questions. Keeps the
    closest (similarity, question id) seen, for a report. same and like word the messages: "<qid>: <same>" and
    "<qid>: 0.71 like <like> '<earlier question>'"."""

    def __init__(self, questions: list[str], same: str, like: str):
        self.questions = questions
        self.grams = [(q, bigrams(q)) for q in questions]
        self.same, self.like = same, like
        self.closest: tuple[float, str] = (0.0, "")

    def errors(self, qid: str, question: str) -> list[str]:
        errors = [f"{qid}: {self.same}"] if question in self.questions else []
        grams = bigrams(question)
        for other, og in self.grams:
            sim = len(grams & og) / max(1, len(grams | og))
            self.closest = max(self.closest, (sim, qid))
            if sim >= MAX_QUESTION_SIMILARITY:
                errors.append(f"{qid}: {sim:.2f} like {self.like} {other!r}")
        return errors


def question_set_errors(rows: list[dict], label: str = "") -> list[str]:
    """No question text asked twice, and at least a quarter of the questions unanswerable (label prefixes each)."""
    errors = []
    if len({r["question"] for r in rows}) != len(rows):
        errors.append(f"{label}a question text occurs twice")
    unans = sum(r["unanswerable"] for r in rows)
    if unans < 0.25 * len(rows):
        errors.append(f"{label}only {unans}/{len(rows)} unanswerable")
    return errors


def line_index(texts: dict[str, str]) -> dict[str, list[str]]:
    """Each document's lines, stripped: evidence must be quoted from one line."""
    return {k: [ln.strip() for ln in t.splitlines()] for k, t in texts.items()}


def answer_errors(qid: str, row: dict, q: dict, lines: dict[str, list[str]], texts=None, first_set=False) -> list[str]:
    """The shape of a question's gold answer.
    Unanswerable: no facts, evidence or reports; a REFUSING kind; its claim (absent or notheld) is checked.
    Answerable: not a REFUSING kind; evidence and reports; report, when set, is the one report, and without it at
    least two are cited; each evidence quote stands on one line of a cited report and is 15-80 characters unless it
    is that whole line; every cited report is quoted; each fact stands in an evidence quote (given texts: or in a
    cited report). first_set keeps the first set's looser rules: an unanswerable question may be of kind metadata
    and need not carry a claim, and an answerable one may be of any kind."""
    errors = []
    err = errors.append
    if row["unanswerable"]:
        if row["facts"] or row["evidence"] or row["reports"]:
            err(f"{qid}: unanswerable with facts, evidence or reports")
        if row["kind"] not in (REFUSING | {"metadata"} if first_set else REFUSING):
            err(f"{qid}: unanswerable of kind {row['kind']}")
        if not first_set and not (q["_absent"] or q["_notheld"]):
            err(f"{qid}: unanswerable without a check of its claim")
        return errors
    if not first_set and row["kind"] in REFUSING:
        err(f"{qid}: answerable of kind {row['kind']}")
    if not row["evidence"] or not row["reports"]:
        err(f"{qid}: answerable without evidence or reports")
    if row["report"] and row["reports"] != [row["report"]]:
        err(f"{qid}: report {row['report']} but reports {row['reports']}")
    if row["report"] is None and len(row["reports"]) < 2:
        err(f"{qid}: no report and fewer than two reports")
    reports = row["reports"]
    for e in row["evidence"]:
        where = [k for k in reports if k in lines and any(e in ln for ln in lines[k])]
        if not where:
            err(f"{qid}: evidence not on one line of {reports}: {e!r}")
        elif not 15 <= len(e) <= 80 and not any(e == ln for k in where for ln in lines[k]):
            err(f"{qid}: evidence of {len(e)} characters (and not a whole line): {e!r}")
    for k in reports:
        if k in lines and not any(e in ln for e in row["evidence"] for ln in lines[k]):
            err(f"{qid}: no evidence quote from {k}")
    for f in row["facts"]:
        if any(f in e for e in row["evidence"]):
            continue
        if texts is None:
            err(f"{qid}: fact not in its evidence: {f!r}")
        elif not any(f in texts.get(k, "") for k in reports):
            err(f"{qid}: fact not in its evidence or reports: {f!r}")
    return errors


def notheld_matches(nh: dict, metas: list[dict]) -> list[str]:
    """The ids of the documents whose metadata matches a notheld claim {place, year, kind} (a missing key matches
    anything; place may be a list; place None matches every place)."""
    wanted = nh.get("place")
    wanted = wanted if isinstance(wanted, list) else [wanted]
    return [
        m["id"]
        for m in metas
        if (m["place"] in wanted or wanted == [None])
        and nh.get("year", m["year"]) == m["year"]
        and nh.get("kind", m["kind"]) == m["kind"]
    ]


def claim_errors(qid: str, q: dict, texts: dict[str, str], metas: list[dict]) -> list[str]:
    """A question's private claims hold in the library: no absent pattern matches its document(s), every
    distractor (elsewhere) matches a document other than the question's report, and no document's metadata
    matches what it says is not held. A refusal or trap is only fair if the library really lacks the answer."""
    errors = []
    err = errors.append
    for k, pats in q["_absent"].items():
        for doc in texts if k == "*" else [k]:
            for pat in pats:
                if re.search(pat, texts[doc], re.M):
                    err(f"{qid}: {pat!r} occurs in {doc}, but the question says it does not")
    for pat in q["_elsewhere"]:
        if not any(re.search(pat, texts[k]) for k in texts if k != q["report"]):
            err(f"{qid}: the distractor {pat!r} occurs in no other document")
    if q["_notheld"]:
        for hit in notheld_matches(q["_notheld"], metas):
            err(f"{qid}: the library holds {hit}, which the question says it does not")
    return errors


def disk_errors(files: dict[Path, str], reports: Path) -> list[str]:
    """The files on disk are byte for byte what the script builds, and the reports folder holds nothing else."""
    errors = []
    for path, content in files.items():
        if not path.exists():
            errors.append(f"{path.relative_to(ROOT)} is missing (run the script without --check)")
        elif path.read_text(encoding="utf-8") != content:
            errors.append(f"{path.relative_to(ROOT)} differs from what the script builds")
    if reports.exists():
        for p in sorted(set(reports.glob("*.txt")) - set(files)):
            errors.append(f"{p.relative_to(ROOT)} is not built by the script")
    return errors


# ---------------------------------------------------------------------------------------------
# Summary and command line
# ---------------------------------------------------------------------------------------------


def tally(rows: list[dict], field: str) -> dict:
    """How many rows hold each value of field, by value."""
    counts = {}
    for r in rows:
        counts[r[field]] = counts.get(r[field], 0) + 1
    return dict(sorted(counts.items()))


def held_out_summary(name: str, docs: list[dict], texts: dict[str, str], rows: list[dict]) -> str:
    """A held-out set's counts: documents, questions, unanswerable share, kinds, groups, cited ids, lengths."""
    unans = sum(r["unanswerable"] for r in rows)
    cites = sorted({k for r in rows for k in cited(r)})
    lengths = {k: len(CJK.findall(v)) for k, v in texts.items()}
    return (
        f"{name}: {len(docs)} documents, {len(rows)} questions, {unans} unanswerable ({unans / len(rows):.0%})\n"
        f"  kinds:   {tally(rows, 'kind')}\n  groups:  {tally(rows, 'group')}\n"
        f"  cites:   {cites}\n  lengths: {lengths}"
    )


def cli(argv, check, summary, files, reports: Path, wrote: str) -> int:
    """--check: print check()'s errors, summary() and OK (exit 0) or the error count (exit 1). Otherwise write
    files() (creating the reports folder) and print wrote."""
    if "--check" in argv:
        errors = check()
        for e in errors:
            print("ERROR", e)
        print(summary())
        print("OK" if not errors else f"{len(errors)} errors")
        return 1 if errors else 0
    reports.mkdir(parents=True, exist_ok=True)
    for path, content in files().items():
        path.write_text(content, encoding="utf-8")
    print(wrote)
    return 0


# ---------------------------------------------------------------------------------------------
# A held-out set from the third on: the generator gives its data and the earlier sets, this builds and checks it
# ---------------------------------------------------------------------------------------------


def earlier_library(
    sets: tuple[Path, ...], question_files: tuple[Path, ...]
) -> tuple[dict[str, str], dict[str, str], list[dict], list[str]]:
    """What a held-out set is measured against, read from disk (never written): the seeds' texts, the earlier sets'
    texts (each set folder's reports/*.txt, in the order given), every earlier document's metadata (the seeds' from
    SEED_GOLD, kind FZ where it names none, then each set's reports.jsonl) and the earlier questions' texts."""
    seeds = read_texts(SEEDS)
    texts: dict[str, str] = {}
    for folder in sets:
        texts.update(read_texts(folder / "reports"))
    metas = [dict(m, kind=m.get("kind") or FZ) for m in read_metas(SEED_GOLD)]
    for folder in sets:
        metas += read_metas(folder / "reports.jsonl")
    questions = [q["question"] for path in question_files for q in read_jsonl(path)]
    return seeds, texts, metas, questions


def earlier_claims(generators: tuple[Path, ...]) -> list[tuple[str, dict]]:
    """The earlier generators' questions, with their private _absent/_notheld claims, as (script name, question):
    the JSON Lines files leave the claims out, so the scripts are imported (as _earlier_<stem>), not run."""
    claims = []
    for path in generators:
        spec = importlib.util.spec_from_file_location(f"_earlier_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        questions = getattr(module, "QUESTIONS", None) or module.DEV + module.TEST
        claims += [(path.name, q) for q in questions]
    return claims


@dataclass(frozen=True)
class HeldOutSet:
    """A held-out set from the third on, as its generator defines it, so that every such set is built, checked and
    summarised by the same code and only its data and its earlier sets differ.

    out: the set's folder (reports/, reports.jsonl, questions.jsonl); its name labels the summary.
    docs, questions: the documents ({"id", "text", "meta"}) and the Q(...) questions, in file order.
    question_ids: the id prefix (questions.jsonl numbers them <prefix>-001, ...).
    groups, lengths: the question groups allowed, and each document kind's length band.
    earlier_sets, earlier_question_files: the earlier sets' folders and question files (see earlier_library).
    earlier_generators: the scripts whose absent and not-held claims must still hold with this set in the library.
    earlier_named: how resemblance messages name the seeds and earlier sets ("the seeds or the earlier sets").
    numeral_dates: a document's date may also stand in Chinese numerals only (二〇二五年一月二十日, as a signature
    writes it; see metadata_errors). Off unless a set asks for it, so the earlier sets are checked as before.
    new_parents: each document's parent, too, must be neither a place nor a parent in the seeds or an earlier set.
    library: how many documents the library checked against must hold (seeds, earlier sets and this set), as the
    set's README says; None: not checked. Both off unless a set asks for them."""

    out: Path
    docs: list[dict]
    questions: list[dict]
    question_ids: str
    groups: set[str]
    lengths: dict[str, tuple[int, int]]
    earlier_sets: tuple[Path, ...]
    earlier_question_files: tuple[Path, ...]
    earlier_generators: tuple[Path, ...]
    earlier_named: str
    numeral_dates: bool = False
    new_parents: bool = False
    library: int | None = None

    @property
    def reports(self) -> Path:
        return self.out / "reports"

    def texts(self) -> dict[str, str]:
        """The documents' texts by id, each ending in exactly one newline, as reports/<id>.txt holds them."""
        return {d["id"]: d["text"].rstrip("\n") + "\n" for d in self.docs}

    def rows(self) -> list[dict]:
        """The questions.jsonl rows."""
        return question_lines(self.questions, self.question_ids)

    def files(self) -> dict[Path, str]:
        """Every file the set writes, by path."""
        return set_files(
            self.out, self.texts(), {"reports.jsonl": meta_lines(self.docs), "questions.jsonl": self.rows()}
        )

    def check(self) -> list[str]:
        """Every --check error: ids and places new to the library, lengths, metadata and resemblance of the documents;
        the earlier generators' claims; the questions' kinds, groups, novelty, citations, gold and claims; the files
        on disk. Prints the closest resemblance and the closest earlier question, for the report."""
        errors: list[str] = []
        err = errors.append
        seeds, before, earlier_metas, earlier_questions = earlier_library(
            self.earlier_sets, self.earlier_question_files
        )
        mine = self.texts()
        texts = {**seeds, **before, **mine}
        if len(texts) != len(seeds) + len(before) + len(mine):
            err("a document id here is also a seed's or an earlier document's id")
        my_metas = [dict(d["meta"], id=d["id"]) for d in self.docs]
        metas = earlier_metas + my_metas
        lines = line_index(texts)

        # documents
        resemblance = Resemblance({**seeds, **before}, self.earlier_named)
        for d in self.docs:
            t, m = mine[d["id"]], d["meta"]
            if m["kind"] not in self.lengths:
                err(f"{d['id']}: kind {m['kind']}")
            else:
                errors += length_errors(d["id"], t, self.lengths[m["kind"]])
            errors += metadata_errors(d["id"], t, m, numeral_dates=self.numeral_dates)
            errors += resemblance.errors(d["id"], t)
        earlier_places = {m["place"] for m in earlier_metas} | {m["parent"] for m in earlier_metas if m["parent"]}
        for m in my_metas:
            if m["place"] in earlier_places:
                err(f"{m['id']}: place {m['place']} is already held (or is a parent) in the seeds or an earlier set")
            if self.new_parents and m["parent"] in earlier_places:
                err(f"{m['id']}: parent {m['parent']} is already a place or a parent in the seeds or an earlier set")
        (run, pair), (share, doc) = resemblance.longest, resemblance.largest
        print(f"resemblance: longest common run {run} ({pair}), largest shingle share {share:.1%} ({doc})")
        if self.library is not None:
            held = f"seeds {len(seeds)}, earlier sets {len(before)}, this set {len(mine)}"
            print(f"library: {len(texts)} documents ({held})")
            if len(texts) != self.library:
                err(f"the library holds {len(texts)} documents, the README says {self.library}")

        # the earlier sets' claims still hold with this set in the library
        for name, q in earlier_claims(self.earlier_generators):
            for pat in q["_absent"].get("*", []):
                for doc in mine:
                    if re.search(pat, mine[doc], re.M):
                        err(f"{name}: {q['question']!r} says {pat!r} occurs nowhere, but it occurs in {doc}")
            if q["_notheld"]:
                for hit in notheld_matches(q["_notheld"], my_metas):
                    err(f"{name}: {q['question']!r} says the library does not hold it, but {hit} is that")

        # questions
        rows = self.rows()
        errors += question_set_errors(rows)
        asked = EarlierQuestions(earlier_questions, "an earlier set asks the same question", "the earlier")
        for r, q in zip(rows, self.questions):
            qid = r["id"]
            if r["kind"] not in KINDS or r["group"] not in self.groups:
                err(f"{qid}: kind/group {r['kind']}/{r['group']}")
            errors += asked.errors(qid, r["question"])
            for rid in cited(r):
                if rid not in texts:
                    err(f"{qid}: unknown report {rid}")
            if not any(rid in mine for rid in cited(r)) and not q["_notheld"]:
                err(f"{qid}: cites no document of this set")
            errors += answer_errors(qid, r, q, lines)
            if r["unanswerable"] and r["kind"] in {"parent-only", "not-held"} and not q["_notheld"]:
                err(f"{qid}: {r['kind']} without a not-held claim")
            errors += claim_errors(qid, q, texts, metas)
        print(f"closest earlier question: bigram Jaccard {asked.closest[0]:.2f} ({asked.closest[1]})")

        errors += disk_errors(self.files(), self.reports)
        return errors

    def summary(self) -> str:
        return held_out_summary(self.out.name, self.docs, self.texts(), self.rows())

    def main(self, argv) -> int:
        """The generator's command line: --check, or (re)write the set's files (see cli)."""
        wrote = (
            f"wrote {len(self.docs)} documents, reports.jsonl and questions.jsonl ({len(self.questions)}) "
            f"under {self.out.relative_to(ROOT)}"
        )
        return cli(argv, self.check, self.summary, self.files, self.reports, wrote)


def doc(
    doc_id, text, group, shape, place, parent, level, kind, year, title, issuer, date, doc_number, addressee, facts
):
    """One document of a held-out set: its id, text, question group, shape (for the README) and metadata gold in
    META_FIELDS order."""
    meta = dict(zip(META_FIELDS, (place, parent, level, kind, year, title, issuer, date, doc_number)))
    return {
        "id": doc_id,
        "text": text,
        "group": group,
        "shape": shape,
        "meta": {**meta, "addressee": addressee, "key_facts": facts},
    }


_COUNTS = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen".split()


def numbered_set(number: int, docs: list[dict], questions: list[dict], **options) -> HeldOutSet:
    """Held-out set `number` (general/holdout<number>/, question ids gen-h<number>-001, ...) as the sets from the
    seventh on define it: measured against every set before it (the first generalisation set, the second in
    general/holdout/, the third on in general/holdout3/ ...), each document kind in its length band, its groups
    those of its documents plus cross-place. `options`: HeldOutSet's own (new_parents, library, numeral_dates)."""
    names = ("general", "holdout", *(f"holdout{n}" for n in range(3, number)))
    folders = (GENERAL, *(GENERAL / name for name in names[1:]))
    return HeldOutSet(
        out=GENERAL / f"holdout{number}",
        docs=docs,
        questions=questions,
        question_ids=f"gen-h{number}",
        groups={d["group"] for d in docs} | {"cross-place"},
        # Chinese characters per document (digits and punctuation not counted): the first sets' bands
        lengths={kind: length_band(kind) for kind in (FZ, GWR, OTHER)},
        earlier_sets=folders,
        earlier_question_files=(
            GENERAL / "dev.jsonl",
            GENERAL / "test.jsonl",
            *(folder / "questions.jsonl" for folder in folders[1:]),
        ),
        # the generators whose absent and not-held claims must still hold with this set in the library
        earlier_generators=tuple(ROOT / "scripts" / f"build_{name}_eval.py" for name in names),
        earlier_named=f"the seeds or the {_COUNTS[len(names) - 1]} earlier sets",
        **options,
    )
