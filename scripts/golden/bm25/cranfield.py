"""Reads Cranfield (SMART distribution) independently of embedkit's loader: documents as
title + " " + text, queries numbered by position, gains 5 - code (0 for -1)."""
from pathlib import Path


def _records(path):
    records, cur, field = [], None, None
    for line in Path(path).read_text(encoding="utf8").split("\n"):
        line = line.rstrip("\r")
        if line.startswith(".I"):
            if cur is not None:
                records.append(cur)
            cur, field = {"id": line[2:].strip(), "fields": {}}, None
        elif len(line) >= 2 and line[0] == "." and line[1].isupper() and (len(line) == 2 or line[2].isspace()):
            field = line[1]
            cur["fields"].setdefault(field, [])
            rest = line[2:].strip()
            if rest:
                cur["fields"][field].append(rest)
        elif line.strip():
            cur["fields"][field].append(line.strip())
    if cur is not None:
        records.append(cur)
    return [{"id": r["id"], **{k: " ".join(v).strip() for k, v in r["fields"].items()}} for r in records]


def load(data_dir):
    d = Path(data_dir) / "cranfield"
    docs = [{"id": r["id"], "text": (r.get("T", "") + " " + r.get("W", "")).strip()} for r in _records(d / "cran.all.1400")]
    queries = [{"id": str(i + 1), "text": r["W"]} for i, r in enumerate(_records(d / "cran.qry"))]
    qrels = {}
    for line in (d / "cranqrel").read_text().split("\n"):
        f = line.split()
        if len(f) < 3:
            continue
        code = int(f[2])
        qrels.setdefault(f[0], {})[f[1]] = 0 if code == -1 else 5 - code
    return docs, queries, qrels
