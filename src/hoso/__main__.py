"""The `hoso` console entry point: Django's manage.py under the product's name."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoso.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line([os.path.basename(sys.argv[0]) or "hoso", *sys.argv[1:]])
    except ImproperlyConfigured as exc:  # a refused setting: the message says which and why, no traceback
        sys.stderr.write(f"hoso: {exc}\n")
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
