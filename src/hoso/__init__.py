"""hoso — digitise, archive, find and serve the dossiers of người có công."""
