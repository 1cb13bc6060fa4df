"""Reference BM25 nDCG@10 on Cranfield: bm25s (BM25(method="atire", idf_method="lucene"), k1 1.2,
b 0.75, the scoring Bm25Index documents) on embedkit's own terms (dump-terms.ts cranfield),
top 1000 per query, nDCG@10 by pytrec_eval (trec_eval's ndcg_cut, gains as judged: 5 - code).
Documents, queries and judgments are read again here (cranfield.py) and the texts checked
against the ones embedkit tokenized, so the loader is checked too.

Usage: python cranfield_reference.py <data dir> <cranfield-terms.json> [<out.json>]
"""
import json, sys

import bm25s
import numpy as np
import pytrec_eval

import cranfield

docs, queries, qrels = cranfield.load(sys.argv[1])
dumped = json.load(open(sys.argv[2], encoding="utf8"))
norm = lambda t: " ".join(t.split())
assert [d["id"] for d in docs] == [d["id"] for d in dumped["documents"]], "document ids differ"
assert all(norm(a["text"]) == norm(b["text"]) for a, b in zip(docs, dumped["documents"])), "document texts differ"
judged = [q for q in queries if q["id"] in qrels]
assert [q["id"] for q in judged] == [q["id"] for q in dumped["queries"]], "query ids differ"
assert all(norm(a["text"]) == norm(b["text"]) for a, b in zip(judged, dumped["queries"])), "query texts differ"

vocab = {}
ids = [[vocab.setdefault(t, len(vocab)) for t in d["terms"]] for d in dumped["documents"]]
model = bm25s.BM25(k1=1.2, b=0.75, method="atire", idf_method="lucene", dtype="float64")
model.index(bm25s.tokenization.Tokenized(ids=ids, vocab=vocab), show_progress=False)
run = {}
for q in dumped["queries"]:
    distinct = list(dict.fromkeys(t for t in q["terms"] if t in vocab))
    scores = model.get_scores(distinct) if distinct else np.zeros(len(ids))
    top = np.argsort(-scores, kind="stable")[:1000]
    run[q["id"]] = {dumped["documents"][i]["id"]: float(scores[i]) for i in top if scores[i] > 0}
evaluator = pytrec_eval.RelevanceEvaluator({q: {d: int(g) for d, g in m.items()} for q, m in qrels.items()}, {"ndcg_cut.10"})
per_query = evaluator.evaluate(run)
ndcg = float(np.mean([per_query[q]["ndcg_cut_10"] for q in per_query]))
result = {"task": "Cranfield", "model": "bm25", "queries": len(per_query), "ndcg_at_10": 100 * ndcg,
          "reference": f"bm25s {bm25s.__version__} (atire tf, lucene idf, k1 1.2, b 0.75) + pytrec_eval ndcg_cut.10"}
print(json.dumps(result))
if len(sys.argv) > 3:
    json.dump(result, open(sys.argv[3], "w"), indent=2)
