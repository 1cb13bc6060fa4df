"""Golden BM25 vectors from FastEmbed itself (fastembed.sparse.bm25.Bm25, model Qdrant/bm25).

The hub is not reachable here, so the model folder Bm25 reads is made locally: it holds only
english.txt, the stopword file of the Qdrant/bm25 repository, which is NLTK's English list
(english-stopwords.txt beside this script; Qdrant's server-side BM25 ships the same list).
Everything else (tokenizer, punctuation, py_rust_stemmers, mmh3, weights) is FastEmbed's code.

Usage: python make_fastembed_reference.py <repo root> <data dir>  -> tests/golden/bm25-fastembed.json
"""
import json, shutil, sys, tempfile
from importlib.metadata import version
from pathlib import Path

from fastembed.sparse.bm25 import Bm25

import cranfield

root, data = Path(sys.argv[1]), sys.argv[2]
here = Path(__file__).parent

EDGE = [
    "", "   ", "the and of is a", "data data data science data",
    "Don't stop-believing: it's 3.14159 or 2,718!", "it’s don’t rock’n’roll",
    "snake_case_identifier and _ lone underscore __ double ___", "ΟΔΟΣ ΟΔΟΣ'Α ὈΔΥΣΣΕΎΣ σοφός ΣΊΣΥΦΟΣ",
    "İstanbul İNSAN DİYARBAKIR ıi", "naïve café résumé (composed)", "nai\u0308ve cafe\u0301 (decomposed)",
    "Straße STRASSE ß ẞ", "x" * 40 + " " + "y" * 41 + " ok", "\U0001d41a" * 40 + " " + "\U0001d41b" * 41 + " astral",
    "emoji 🚀 rocket 👩‍🚀 astronaut ❤️", "日本語のテキスト 中文文本 한국어", "Ǆemal ǅ ǆ DŽ digraphs",
    "Ⅻ Roman ⅻ numerals ½ ¾ ² ٣٤٥ ①", "tab\tseparated\nnew line\r\n crlf\x1c\x1dgroup",
    "\u00a0nbsp\u2003emspace\u3000ideographic\u200aspace", "\ufeffBOM zero\u200bwidth\u200djoiner",
    "URL https://example.com/path?q=1&x=2 email first.last@example.org", "running runs ran runner easily fairly",
    "added adding evening evenings geologist emergency erred ebbing", "HTML <b>bold</b> &amp; entities",
    "numbers 1,000,000 and 1e-10 and 0x1F", "Кириллица: Москва МОСКВА ёлка", "UPPER lower MiXeD CamelCase",
    "generously generous generation generate generator", "‿connector⁀punctuation＿fullwidth",
    "math 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 letters", "hyphen-ated words-with-dashes — and – en", "«quotes» „German“ 'single' \"double\"",
]


def texts():
    out = [t["text"] for t in json.loads((root / "tests/golden/texts.json").read_text())]
    out += [t["text"] for t in json.loads((root / "tests/golden/texts-zh.json").read_text())][:8]
    out += EDGE
    docs, queries, _ = cranfield.load(data)
    out += [d["text"] for d in docs[:150]]
    out += [q["text"] for q in queries[:80]]
    return out


def vec(e):
    pairs = sorted(zip((int(i) for i in e.indices), (float(v) for v in e.values)))
    return {"indices": [i for i, _ in pairs], "values": [v for _, v in pairs]}


with tempfile.TemporaryDirectory() as tmp:
    shutil.copy(here / "english-stopwords.txt", Path(tmp) / "english.txt")
    all_texts = texts()
    model = Bm25("Qdrant/bm25", specific_model_path=tmp, local_files_only=True)
    docs = [vec(e) for e in model.embed(all_texts)]
    queries = [{"indices": sorted(int(i) for i in e.indices)} for e in model.query_embed(all_texts)]
    custom = Bm25("Qdrant/bm25", specific_model_path=tmp, local_files_only=True, k=0.9, b=0.4, avg_len=50.0)
    custom_docs = [vec(e) for e in custom.embed(all_texts[:60])]
    plain = Bm25("Qdrant/bm25", specific_model_path=tmp, local_files_only=True, disable_stemmer=True)
    plain_docs = [vec(e) for e in plain.embed(all_texts[:60])]

out = {
    "source": {p: version(p) for p in ("fastembed", "py_rust_stemmers", "mmh3", "numpy")}
    | {"python": sys.version.split()[0], "stopwords": "scripts/golden/bm25/english-stopwords.txt"},
    "texts": all_texts,
    "documents": docs,
    "queries": queries,
    "custom": {"k": 0.9, "b": 0.4, "avgLen": 50.0, "count": 60, "documents": custom_docs},
    "disableStemmer": {"count": 60, "documents": plain_docs},
}
(root / "tests/golden/bm25-fastembed.json").write_text(json.dumps(out, ensure_ascii=False) + "\n", encoding="utf8")
print(f"wrote {len(all_texts)} texts to tests/golden/bm25-fastembed.json")
