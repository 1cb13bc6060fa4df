"""FastEmbed's Bm25 (Qdrant/bm25) documents/s on texts read from a JSON array file, for
bench/bm25-throughput.ts --fastembed-python. The model folder holds only english.txt (NLTK's
list, scripts/golden/bm25/english-stopwords.txt), as in the golden reference.

Usage: python run_fastembed_bm25.py <texts.json> <repeat> <stopwords.txt>
Prints one JSON line: {"documents_per_s": ..., "first_pass_documents_per_s": ...}
"""
import json, shutil, sys, tempfile, time
from pathlib import Path

from fastembed.sparse.bm25 import Bm25

texts = json.load(open(sys.argv[1], encoding="utf8"))
repeat = int(sys.argv[2])
with tempfile.TemporaryDirectory() as tmp:
    shutil.copy(sys.argv[3], Path(tmp) / "english.txt")
    model = Bm25("Qdrant/bm25", specific_model_path=tmp, local_files_only=True)
    t0 = time.perf_counter()
    list(model.embed(texts))
    first = len(texts) / (time.perf_counter() - t0)
    corpus = texts * repeat
    t0 = time.perf_counter()
    list(model.embed(corpus))
    rate = len(corpus) / (time.perf_counter() - t0)
print(json.dumps({"documents_per_s": rate, "first_pass_documents_per_s": first}))
