"""Signals capture sends, so apps above it can act without capture importing them."""

from django.dispatch import Signal

# Sent by an idle `hoso worker` (sender: the worker loop). A receiver queues periodic work that is due and
# returns True when it queued something (preservation: the weekly fixity check).
worker_idle = Signal()
