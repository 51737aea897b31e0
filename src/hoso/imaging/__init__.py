"""Pure imaging: checks at the door, decoding, deskew, OCR, PDF/A assembly, thumbnails (no Django, no app)."""
