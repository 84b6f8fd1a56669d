"""Files -> reports: formats (txt/md/html/pdf/docx) -> cleaning -> metadata -> chunking ->
one transaction per file (pipeline.py); rebuild.py re-ingests a damaged data directory."""
