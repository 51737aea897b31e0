"""Digitisation (số hóa): batches of scans in, the processing pipeline, searchable PDF/A out.

Ways in: `hoso ingest FOLDER` (one sub-folder per dossier number) and the API upload. Every received file
is checked (imaging.checks), stored byte for byte in the content-addressed blob store, and its pages are
queued; `process_page` tasks (Django Tasks API, database backend) run the pure pipeline of
hoso.imaging and record the results through services.py, the only write path, with audit events.
"""
