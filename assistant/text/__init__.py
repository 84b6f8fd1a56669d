"""The Chinese-text rules, each written once: numerals, sentences and clauses, years, places
and admin levels, the outline grammar, words (jieba) and tokens (cl100k).

Everything above this layer asks here instead of keeping its own regex: a rule fixed here
is fixed for ingest, retrieval, verification, summaries and evaluation at once.
"""
