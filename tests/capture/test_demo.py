"""`hoso demo` digitises a few dossiers through the real pipeline: pages typeset from the dossier's facts."""

from hoso.capture.demo import digitise_demo
from hoso.capture.models import AccessCopy
from hoso.records.models import Page


def test_demo_scans_are_processed_and_name_their_dossier(actor, martyr_dossier):
    assert digitise_demo(actor=actor, seed=7, jobs=1, dossier_count=1) == 3
    pages = list(Page.objects.filter(dossier=martyr_dossier).order_by("sequence"))
    assert [p.state for p in pages] == ["done"] * 3
    assert "Nguyễn Văn Đức" in pages[0].ocr_text and "GIẤY BÁO TỬ" in pages[0].ocr_text
    assert AccessCopy.objects.get(dossier=martyr_dossier).page_count == 3
    assert digitise_demo(actor=actor, seed=7, jobs=1) == 0  # once only: a second demo run keeps what is there
