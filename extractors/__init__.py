"""Rule and NLP extractors: each module finds one field, with character offsets.

The one entry point is :func:`extractors.pipeline.extract`.
"""
