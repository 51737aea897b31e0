"""Signals sent by records services, so other apps (search) follow changes without records knowing them.

Both are sent inside the writing transaction: a receiver's writes commit or roll back with the change.
"""

from django.dispatch import Signal

# kwargs: dossier_ids (list[int]) — dossiers whose data (or whose people's data) changed.
dossiers_changed = Signal()
# kwargs: dossier_ids (list[int]) — dossiers about to be deleted.
dossiers_deleting = Signal()
