"""Reading documents: files, encodings, HTML, cleaning rules, metadata, chunks."""
