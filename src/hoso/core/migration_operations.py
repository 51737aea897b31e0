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


class VendorSQL(migrations.RunSQL):
    """`RunSQL` for one database vendor only ("postgresql", "sqlite"): indexes one backend needs and the other has
    its own way of doing (search/migrations)."""

    def __init__(self, vendor: str, sql, reverse_sql=None, **kwargs) -> None:
        self.vendor = vendor
        super().__init__(sql, reverse_sql, **kwargs)

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        return name, [self.vendor, *args], kwargs

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self) -> str:
        return f"Raw SQL operation on {self.vendor} only"
