"""The data pipeline: corpus, quality filters, PII, deduplication, tokenizers."""
