"""Reading an uploaded package zip safely: names checked, sizes and compression ratios bounded."""

from __future__ import annotations

import io
import stat
import zipfile

from minihost.errors import ApiError

MAX_ENTRIES = 5000
# A real package compresses text maybe 10:1; far beyond that is a zip bomb, not a mini program.
MAX_RATIO = 200
RATIO_FLOOR = 1024 * 1024
"""Entries smaller than this are never refused for their ratio (tiny files compress absurdly well)."""


def _bad(message: str) -> ApiError:
    return ApiError(400, "invalid_zip", message)


def check_name(name: str) -> str:
    """The entry's package path, or 400 `invalid_zip` when it could escape the package."""
    if "\x00" in name:
        raise _bad(f"The zip entry {name[:100]!r} has a NUL byte in its name.")
    path = name.replace("\\", "/")
    if path.startswith("/") or (len(path) > 1 and path[1] == ":"):
        raise _bad(f"The zip entry {name[:100]!r} has an absolute path; zip the package folder's contents.")
    parts = [p for p in path.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise _bad(f"The zip entry {name[:100]!r} goes outside the package ('..'); remove it.")
    return "/".join(parts)


def read_package_zip(data: bytes, max_total: int) -> dict[str, bytes]:
    """The files of a package zip by package path. One wrapping folder (zipping the folder itself) is
    dropped, so both `app.json` and `my-app/app.json` layouts work."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise _bad("The upload is not a zip file; send the package folder zipped.") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ENTRIES:
            raise _bad(f"The zip has {len(infos)} entries; a package has at most {MAX_ENTRIES}.")
        declared = 0
        wanted: list[tuple[str, zipfile.ZipInfo]] = []
        for info in infos:
            path = check_name(info.filename)
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise _bad(f"The zip entry {info.filename[:100]!r} is a symbolic link; zip real files only.")
            if info.is_dir() or not path:
                continue
            if info.flag_bits & 0x1:
                raise _bad(f"The zip entry {info.filename[:100]!r} is encrypted; upload an unencrypted zip.")
            declared += info.file_size
            if declared > max_total:
                raise _bad(f"The unpacked package is larger than {max_total} bytes; remove unused files.")
            if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise _bad(f"The zip entry {info.filename[:100]!r} is compressed suspiciously well; refused.")
            wanted.append((path, info))
        files: dict[str, bytes] = {}
        for path, info in wanted:
            try:
                # Read at most the declared size + 1: a header that lies about the size cannot blow up memory.
                with zf.open(info) as fh:
                    content = fh.read(info.file_size + 1)
            except (zipfile.BadZipFile, OSError, NotImplementedError) as exc:
                raise _bad(f"The zip entry {info.filename[:100]!r} cannot be read: {exc}") from None
            if len(content) > info.file_size:
                raise _bad(f"The zip entry {info.filename[:100]!r} is larger than its header says; refused.")
            if path in files:
                raise _bad(f"The zip has {path!r} twice; keep one.")
            files[path] = content
    if not files:
        raise _bad("The zip holds no files.")
    return _unwrap(files)


def _unwrap(files: dict[str, bytes]) -> dict[str, bytes]:
    if "app.json" in files or "project.config.json" in files:
        return files
    tops = {p.split("/", 1)[0] for p in files}
    if len(tops) == 1 and all("/" in p for p in files):
        prefix = next(iter(tops)) + "/"
        return {p[len(prefix) :]: d for p, d in files.items()}
    return files
