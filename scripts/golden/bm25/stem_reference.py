"""Stems a word list (one word a line, e.g. Snowball's english/voc.txt from snowball-data) with
py_rust_stemmers (what FastEmbed's BM25 uses) and snowballstemmer (current Snowball), for
bench/bm25-throughput.ts --reference.

Usage: python stem_reference.py <words.txt> <out.json>
"""
import json, sys

import snowballstemmer
from py_rust_stemmers import SnowballStemmer

words = [w for w in open(sys.argv[1], encoding="utf8").read().split("\n") if w]
rust = SnowballStemmer("english")
current = snowballstemmer.stemmer("english")
out = {"words": words, "py_rust_stemmers": [rust.stem_word(w) for w in words], "snowballstemmer": current.stemWords(words)}
diff = sum(a != b for a, b in zip(out["py_rust_stemmers"], out["snowballstemmer"]))
print(f"{len(words)} words; py_rust_stemmers and snowballstemmer differ on {diff}")
json.dump(out, open(sys.argv[2], "w", encoding="utf8"), ensure_ascii=False)
