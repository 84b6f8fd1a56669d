"""Models behind one narrow protocol (base.py): llama.cpp in-process (llama.py), any
OpenAI-compatible server (hosted.py), the packaged GGUF files (packaged.py), and
get_backend (registry.py). Nothing above this layer knows which backend it talks to."""
