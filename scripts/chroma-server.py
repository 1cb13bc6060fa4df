"""Starts Chroma's own server, as `chroma run` does, from the chromadb wheel's Rust bindings.

`pip install --no-deps chromadb==1.5.9` installs the wheel without its Python client's
dependencies (onnxruntime, kubernetes, grpc...: ~430 MB the server does not use). The wheel's
`chroma` script cannot start then (it imports the whole client), but the server is the Rust
binary in `chromadb_rust_bindings`, and `chroma run` is exactly this call. Usage:

    scripts/.venv/bin/python scripts/chroma-server.py run --path DIR --port 8000 [--host 127.0.0.1]
"""
import sys

import chromadb_rust_bindings

chromadb_rust_bindings.cli(["chroma", *sys.argv[1:]])
