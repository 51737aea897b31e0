"""Migration operations for models that changed app in the re-cut of December 2026.

The `registers` app became `imports`. Its models kept their tables (`registers_…`), but the app label changed,
so `imports` starts with migrations of its own: on an install made before the re-cut the tables are already
there and must be left alone; on a new install they are created. Models that moved between apps that still
exist use `SeparateDatabaseAndState` instead (see core/, preservation/ and procedures/ migrations).
"""

from django.db import migrations


class CreateModelIfMissing(migrations.CreateModel):
    """`CreateModel` that leaves an existing table of the same name in place (state changes either way)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        model = to_state.apps.get_model(app_label, self.name)
        if model._meta.db_table in schema_editor.connection.introspection.table_names():
            return
        super().database_forwards(app_label, schema_editor, from_state, to_state)

    def describe(self) -> str:
        return f"Create model {self.name} (unless its table is there from before the re-cut)"
