"""Thư mục nóng (hot folder): watch the folder a scanner writes into and take in each dossier sub-folder once the
scanner has stopped writing to it.

Polling, not inotify, so that it works on the network shares scanners usually write to. A sub-folder is taken when
its listing (names, sizes, modification times) has stayed the same for `settle` seconds; it is taken again when it
changes later (a page added: ingest skips what it already has, by SHA-256). Nothing in the folder is moved,
renamed or deleted. What was taken is remembered in a small JSON file under HOSO_DATA_DIR, so a restarted watcher
does not hash everything again.
"""

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from hoso.imaging.checks import is_system_file

Signature = list[list]  # [[name, size, mtime_ns], …] of a sub-folder's files, sorted by name


def signature(folder: Path) -> Signature:
    files = []
    try:
        for entry in os.scandir(folder):
            if is_system_file(entry.name):
                continue
            stat = entry.stat(follow_symlinks=False)
            files.append([entry.name, stat.st_size, stat.st_mtime_ns])
    except OSError:  # the folder vanished or cannot be read right now: look again next time
        return []
    return sorted(files)


@dataclass
class HotFolder:
    root: Path
    state_file: Path
    settle: float = 30.0
    taken: dict[str, Signature] = field(default_factory=dict)
    pending: dict[str, tuple[Signature, float]] = field(default_factory=dict)

    @classmethod
    def open(cls, root: Path, data_dir: Path, settle: float) -> "HotFolder":
        root = root.resolve()
        key = hashlib.sha256(str(root).encode()).hexdigest()[:16]
        state_file = data_dir / "hotfolder" / f"{key}.json"
        taken: dict[str, Signature] = {}
        try:
            taken = json.loads(state_file.read_text(encoding="utf-8")).get("taken", {})
        except (OSError, ValueError):
            pass  # first run, or a damaged state file: at worst the folders are looked at again (idempotent)
        return cls(root=root, state_file=state_file, settle=settle, taken=taken)

    def ready(self, now: float) -> list[str]:
        """Names of the sub-folders to take in now: changed since last taken, and unchanged for `settle` s."""
        names = []
        present = set()
        for entry in sorted(self.root.iterdir(), key=lambda p: p.name):
            if not entry.is_dir() or entry.is_symlink() or is_system_file(entry.name):
                continue
            present.add(entry.name)
            sig = signature(entry)
            if not sig or sig == self.taken.get(entry.name):
                self.pending.pop(entry.name, None)
                continue
            seen = self.pending.get(entry.name)
            if seen is None or seen[0] != sig:
                self.pending[entry.name] = (sig, now)  # new or still being written: wait for it to settle
            elif now - seen[1] >= self.settle:
                names.append(entry.name)
        for gone in set(self.pending) - present:
            del self.pending[gone]
        return names

    def mark_taken(self, names: list[str]) -> None:
        for name in names:
            sig, _ = self.pending.pop(name)
            self.taken[name] = sig
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps({"root": str(self.root), "taken": self.taken}, ensure_ascii=False),
                       encoding="utf-8")
        tmp.replace(self.state_file)
