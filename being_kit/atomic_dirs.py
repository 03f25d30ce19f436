"""Files and folders replaced whole or not at all, and the temporaries of killed writers found and cleared.

A folder is written under a hidden temporary name beside its target (`temporary_sibling`), then swapped in
(`replace_folder`). On Linux the swap is one `renameat2(RENAME_EXCHANGE)` call, so at every instant the target holds
the old folder or the new one; elsewhere it is two renames, and a crash between them leaves the old folder under
`.<name>.old-*`, which `interrupted_replacement` finds so that readers can name it instead of saying "missing".
A temporary's name carries its writer's pid, so a later writer can tell a killed writer's leftovers from a live one's.
"""
from __future__ import annotations

import ctypes
import errno
import os
import shutil
import sys
import uuid
import warnings
from pathlib import Path

_AT_FDCWD, _RENAME_EXCHANGE = -100, 2


def temporary_sibling(path: Path, kind: str = "tmp") -> Path:
    """A fresh hidden name beside `path`: `.<name>.<kind>-<pid>-<random>`."""
    return path.parent / f".{path.name}.{kind}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


def write_file_atomic(path: Path, write) -> Path:
    """Call `write(tmp)` on a hidden temporary beside `path`, then rename it over `path`: readers see the old file
    or the whole new one, never a cut one. The temporary is removed if `write` fails."""
    path = Path(path)
    tmp = temporary_sibling(path)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _link_or_copy(src, dst) -> None:
    """A hard link (no bytes copied, the same file), or a copy where the file system has no links."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def write_folder_atomic(path: Path, write) -> Path:
    """Call `write(tmp)` on a hidden temporary folder beside `path`, then swap it in (`replace_folder`): readers see
    the old folder or the whole new one, never a mix of the two saves.

    Entries of the old folder that `write` did not make (a trainer's `checkpoints/` and logs beside its model files)
    are hard-linked into the new folder before the swap, so they stay. The temporary is removed if anything fails.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_sibling(path)
    tmp.mkdir()
    try:
        write(tmp)
        if path.is_dir():
            for entry in path.iterdir():
                target = tmp / entry.name
                if target.exists() or target.is_symlink():
                    continue
                if entry.is_symlink():
                    os.symlink(os.readlink(entry), target)
                elif entry.is_dir():
                    shutil.copytree(entry, target, symlinks=True, copy_function=_link_or_copy)
                else:
                    _link_or_copy(entry, target)
        replace_folder(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return path


def _exchange(a: Path, b: Path) -> bool:
    """Swap `a` and `b` atomically (Linux renameat2); False where the call or the file system does not offer it."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def replace_folder(new: Path, path: Path) -> None:
    """Move the finished folder `new` to `path`, replacing what is there; the old folder is deleted only once the
    new one is in place."""
    new, path = Path(new), Path(path)
    if not path.exists():
        os.replace(new, path)
        return
    if _exchange(new, path):  # `new` now holds the old folder
        shutil.rmtree(new, ignore_errors=True)
        return
    old = temporary_sibling(path, "old")
    os.replace(path, old)
    try:
        os.replace(new, path)
    except BaseException:
        os.replace(old, path)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _writer_pid(name: str, prefix: str) -> int | None:
    """The pid in `.<name>.tmp-<pid>-<random>`; None for names without one (written by older versions)."""
    head = name[len(prefix):].split("-")[0]
    return int(head) if head.isdigit() and "-" in name[len(prefix):] else None


def clear_stale_temporaries(path: Path) -> list[Path]:
    """Delete `.<name>.tmp-*` folders beside `path` whose writer is gone (killed imports leave whole corpora there);
    returns what was deleted, with a warning naming each and its size."""
    path = Path(path)
    prefix = f".{path.name}.tmp-"
    if not path.parent.is_dir():
        return []
    removed = []
    for p in sorted(path.parent.glob(prefix + "*")):
        pid = _writer_pid(p.name, prefix)
        if pid is not None and (pid == os.getpid() or _pid_alive(pid)):
            continue  # a writer at work (this process's or another's)
        size = sum(f.stat().st_size for f in p.rglob("*") if f.is_file()) if p.is_dir() else p.stat().st_size
        shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)
        warnings.warn(f"removed {p} ({size / 2**20:.1f} MiB), left by a writer that was stopped", stacklevel=2)
        removed.append(p)
    return removed


def interrupted_replacement(path: Path) -> list[Path]:
    """Old copies of `path` (`.<name>.old-*`) that a replacement interrupted between its two renames left behind."""
    path = Path(path)
    return sorted(path.parent.glob(f".{path.name}.old-*")) if path.parent.is_dir() else []
