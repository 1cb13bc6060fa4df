"""Golden Bm25Index scores from bm25s, on embedkit's own terms (dump-terms.ts golden).

bm25s.BM25(method="atire", idf_method="lucene") scores idf * tf * (k1 + 1) / (tf + k1 * (1 - b +
b * |d| / avgdl)) with idf = ln(1 + (N - df + 0.5) / (df + 0.5)): the formula Bm25Index
documents. Queries are given as their distinct terms (a Qdrant BM25 query vector has each term
once). rank_bm25 cannot express this IDF; it is not used.

Usage: python make_bm25s_reference.py <terms.json> <out.json>
"""
import json, sys
from importlib.metadata import version

import bm25s
import numpy as np

terms = json.load(open(sys.argv[1], encoding="utf8"))["documents"]
K1, B = 1.2, 0.75
# Every text is a document; the queries are texts 0-27 (the general texts) and Cranfield queries.
query_rows = list(range(0, 28)) + list(range(len(terms) - 80, len(terms) - 40))
model = bm25s.BM25(k1=K1, b=B, method="atire", idf_method="lucene", dtype="float64")
vocab = {}
ids = [[vocab.setdefault(t, len(vocab)) for t in doc] for doc in terms]
model.index(bm25s.tokenization.Tokenized(ids=ids, vocab=vocab), show_progress=False)
scores = []
for q in query_rows:
    distinct = list(dict.fromkeys(t for t in terms[q] if t in vocab))
    s = model.get_scores(distinct) if distinct else np.zeros(len(terms))
    scores.append([float(x) for x in s])
out = {"source": {"bm25s": version("bm25s"), "method": "atire", "idf_method": "lucene"}, "k1": K1, "b": B,
       "documentTerms": terms, "queryRows": query_rows, "scores": scores}
json.dump(out, open(sys.argv[2], "w", encoding="utf8"), ensure_ascii=False)
print(f"wrote {len(query_rows)} queries x {len(terms)} documents to {sys.argv[2]}")
