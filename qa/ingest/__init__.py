"""Reading documents: folders and files (text, HTML, JSONL, PDF, Word, Excel, CSV), encodings,
cleaning, metadata, chunks."""
