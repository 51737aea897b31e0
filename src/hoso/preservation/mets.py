"""data/mets.xml of a transfer package: the structure (dossier → documents → pages → files) as METS, and the
preservation history as PREMIS 3 events in the METS digiprovMD. Pure Python (lxml), no Django."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from lxml import etree

METS = "http://www.loc.gov/METS/"
PREMIS = "http://www.loc.gov/premis/v3"
XLINK = "http://www.w3.org/1999/xlink"
NSMAP = {"mets": METS, "premis": PREMIS, "xlink": XLINK}

GROUPS = {"metadata": "METADATA", "master": "MASTERS", "access": "ACCESS", "thumbnail": "THUMBNAILS",
          "text": "TEXT", "dossier_pdf": "DOSSIER_PDF"}
PREFIX = {"metadata": "META", "master": "M", "access": "A", "thumbnail": "TH", "text": "T", "dossier_pdf": "PDF"}
MIME = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".tif": "image/tiff", ".tiff": "image/tiff",
        ".pdf": "application/pdf", ".txt": "text/plain; charset=utf-8", ".json": "application/json"}

# Audit actions and the PREMIS event type they are (id.loc.gov/vocabulary/preservation/eventType, plus "ocr").
EVENT_TYPES = {
    "create": "creation", "bulk_create": "creation", "update": "metadata modification",
    "add_pages": "capture", "skip_file": None, "build_access_copy": "creation", "retry_page": None,
    "restore_pages": "unpacking", "import_package": "accession", "export": "packing",
    "fixity": "fixity check", "verify_fixity": "fixity check", "fixity_check": "fixity check",
    "verify": "validation", "transfer_create": "transfer", "transfer_send": "transfer",
    "transfer_receive": "transfer", "transfer_return": "transfer",
}


def premis_type(action: str, after: Any = None) -> str | None:
    """The PREMIS event type of an audit action, or None for actions that are not preservation events
    (reads, views). Processing a page is "ocr" when text was read, else "normalization"."""
    if action == "process_page":
        return "ocr" if isinstance(after, dict) and after.get("ocr_chars") else "normalization"
    if "fixity" in action:
        return "fixity check"
    return EVENT_TYPES.get(action)


@dataclass(frozen=True)
class FileEntry:
    group: str  # metadata, master, access, thumbnail, text, dossier_pdf
    href: str  # relative to data/
    sha256: str
    size: int
    sequence: int | None  # the page, for per-page files

    @property
    def file_id(self) -> str:
        return PREFIX[self.group] + (f"{self.sequence:04d}" if self.sequence is not None else "")


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def _sub(parent, ns: str, tag: str, text: str | None = None, **attrs: str):
    node = etree.SubElement(parent, _q(ns, tag), {k: v for k, v in attrs.items() if v is not None})
    if text is not None:
        node.text = text
    return node


def _mime(href: str) -> str:
    dot = href.rfind(".")
    return MIME.get(href[dot:].lower(), "application/octet-stream") if dot >= 0 else "application/octet-stream"


def _premis(parent, events: list[dict[str, Any]]) -> None:
    """One digiprovMD per event, each wrapping a PREMIS 3 <event> (the usual METS/PREMIS arrangement)."""
    for index, event in enumerate(events, start=1):
        wrap = _sub(_sub(_sub(parent, METS, "digiprovMD", ID=f"E{index:05d}"), METS, "mdWrap",
                         MDTYPE="PREMIS:EVENT"), METS, "xmlData")
        node = _sub(wrap, PREMIS, "event", version="3.0")
        ident = _sub(node, PREMIS, "eventIdentifier")
        _sub(ident, PREMIS, "eventIdentifierType", "local")
        _sub(ident, PREMIS, "eventIdentifierValue", f"E{index:05d}")
        _sub(node, PREMIS, "eventType", event["type"])
        _sub(node, PREMIS, "eventDateTime", event["at"])
        _sub(node, PREMIS, "eventDetailInformation").append(_detail(event))
        outcome = _sub(node, PREMIS, "eventOutcomeInformation")
        _sub(outcome, PREMIS, "eventOutcome", event.get("outcome") or "success")
        agent = _sub(node, PREMIS, "linkingAgentIdentifier")
        _sub(agent, PREMIS, "linkingAgentIdentifierType", "local")
        _sub(agent, PREMIS, "linkingAgentIdentifierValue",
             f"{event.get('organization') or ''}: {event.get('agent') or ''}".strip(": "))
        obj = _sub(node, PREMIS, "linkingObjectIdentifier")
        _sub(obj, PREMIS, "linkingObjectIdentifierType", "local")
        _sub(obj, PREMIS, "linkingObjectIdentifierValue", event.get("object") or "")


def _detail(event: dict[str, Any]):
    node = etree.Element(_q(PREMIS, "eventDetail"))
    node.text = f"[{event.get('action', '')}] {event.get('detail', '')}".strip()
    return node


def build_mets(*, content: dict[str, Any], files: list[FileEntry], events: list[dict[str, Any]],
               created: dt.datetime, agency: str) -> bytes:
    number = content["dossier_number"]
    root = etree.Element(_q(METS, "mets"), nsmap=NSMAP, OBJID=number, TYPE="hoso:dossier",
                         LABEL=content.get("metadata", {}).get("title") or number)
    header = _sub(root, METS, "metsHdr", CREATEDATE=created.replace(microsecond=0).isoformat())
    _sub(_sub(header, METS, "agent", ROLE="CREATOR", TYPE="ORGANIZATION"), METS, "name", agency)
    dmd = _sub(root, METS, "dmdSec", ID="DMD_DOSSIER")
    _sub(dmd, METS, "mdRef", LOCTYPE="URL", MDTYPE="OTHER", OTHERMDTYPE="hoso-metadata-json",
         MIMETYPE="application/json", **{_q(XLINK, "href"): "metadata.json"})
    _premis(_sub(root, METS, "amdSec", ID="AMD"), events)
    file_sec = _sub(root, METS, "fileSec")
    groups: dict[str, Any] = {}
    by_page: dict[int, list[FileEntry]] = {}
    for entry in files:
        if entry.group not in groups:
            groups[entry.group] = _sub(file_sec, METS, "fileGrp", USE=GROUPS[entry.group])
        node = _sub(groups[entry.group], METS, "file", ID=entry.file_id, MIMETYPE=_mime(entry.href),
                    SIZE=str(entry.size), CHECKSUM=entry.sha256, CHECKSUMTYPE="SHA-256")
        _sub(node, METS, "FLocat", LOCTYPE="URL", **{_q(XLINK, "href"): entry.href})
        if entry.sequence is not None:
            by_page.setdefault(entry.sequence, []).append(entry)
    struct = _sub(root, METS, "structMap", TYPE="physical")
    top = _sub(struct, METS, "div", TYPE="dossier", LABEL=number, DMDID="DMD_DOSSIER")
    whole = [e for e in files if e.group == "dossier_pdf"]
    for entry in whole:
        _sub(top, METS, "fptr", FILEID=entry.file_id)
    documents = {d["sequence"]: d for d in content.get("documents", [])}
    divs: dict[int | None, Any] = {}
    for seq, doc in sorted(documents.items()):
        label = " ".join(x for x in (doc.get("doc_type"), doc.get("number"), doc.get("symbol")) if x)
        divs[seq] = _sub(top, METS, "div", TYPE="document", ORDER=str(seq), LABEL=label or f"Văn bản {seq}")
    for page in content.get("pages", []):
        parent_seq = page.get("document_sequence")
        if parent_seq not in divs:
            divs[parent_seq] = _sub(top, METS, "div", TYPE="unassigned", LABEL="Trang chưa gán văn bản")
        div = _sub(divs[parent_seq], METS, "div", TYPE="page", ORDER=str(page["sequence"]),
                   LABEL=f"Trang {page['sequence']}")
        for entry in by_page.get(page["sequence"], []):
            _sub(div, METS, "fptr", FILEID=entry.file_id)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def mets_files(data: bytes) -> dict[str, dict[str, str]]:
    """Every file a mets.xml lists: href → {id, group, sha256, size}. Raises ValueError if it does not parse."""
    try:
        root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"mets.xml không đọc được: {exc}") from exc
    if root.tag != _q(METS, "mets"):
        raise ValueError("mets.xml không phải tài liệu METS.")
    out = {}
    for group in root.iter(_q(METS, "fileGrp")):
        for node in group.iter(_q(METS, "file")):
            loc = node.find(_q(METS, "FLocat"))
            href = loc.get(_q(XLINK, "href")) if loc is not None else None
            if href:
                out[href] = {"id": node.get("ID"), "group": group.get("USE"), "sha256": node.get("CHECKSUM"),
                             "size": node.get("SIZE")}
    return out


def mets_page_files(data: bytes) -> dict[int, list[str]]:
    """Page order → the FILEIDs its structMap div points to."""
    root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    pages = {}
    for div in root.iter(_q(METS, "div")):
        if div.get("TYPE") == "page":
            pages[int(div.get("ORDER"))] = [f.get("FILEID") for f in div.findall(_q(METS, "fptr"))]
    return pages


def mets_events(data: bytes) -> list[dict[str, str]]:
    root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    events = []
    for node in root.iter(_q(PREMIS, "event")):
        events.append({"type": node.findtext(_q(PREMIS, "eventType")) or "",
                       "at": node.findtext(_q(PREMIS, "eventDateTime")) or "",
                       "detail": node.findtext(f"{_q(PREMIS, 'eventDetailInformation')}/{_q(PREMIS, 'eventDetail')}")
                       or ""})
    return events
