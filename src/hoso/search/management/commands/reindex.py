import time

from django.core.management.base import BaseCommand
from tqdm import tqdm

from hoso.records.models import Dossier
from hoso.search.services import reindex


class Command(BaseCommand):
    help = "Xây lại toàn bộ chỉ mục tìm kiếm (đọc theo từng lô, bộ nhớ có giới hạn)."

    def handle(self, *args, **options):
        started = time.monotonic()
        total = Dossier.objects.count()
        with tqdm(total=total, desc="Lập chỉ mục", unit=" hồ sơ", mininterval=2) as bar:
            count = reindex(progress=bar.update)
        self.stdout.write(f"Đã lập chỉ mục {count} hồ sơ trong {time.monotonic() - started:.1f} giây.")
