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
MAX_TOTAL_RATIO = 100
"""The whole archive: many small entries that each pass the per-entry rule still add up to a bomb."""
UTF8_FLAG = 0x800


def entry_name(info: zipfile.ZipInfo) -> str:
    """The entry's name as text. Zips without the UTF-8 flag are decoded as CP437 by Python; tools that
    write UTF-8 without setting the flag (common) are recognised; anything else is refused."""
    name = info.filename
    if info.flag_bits & UTF8_FLAG or name.isascii():
        return name
    try:
        return name.encode("cp437").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        raise _bad(
            f"The zip entry {name[:100]!r} has a name that is not UTF-8; rename the file with plain UTF-8 "
            "characters and zip it again."
        ) from None


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
    except (zipfile.BadZipFile, EOFError, OSError):
        raise _bad(
            "The upload is not a complete zip file (not a zip, or cut short); zip the package folder again "
            "and upload it."
        ) from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ENTRIES:
            raise _bad(f"The zip has {len(infos)} entries; a package has at most {MAX_ENTRIES}.")
        declared = 0
        wanted: list[tuple[str, zipfile.ZipInfo]] = []
        compressed = 0
        for info in infos:
            path = check_name(entry_name(info))
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise _bad(f"The zip entry {info.filename[:100]!r} is a symbolic link; zip real files only.")
            if info.is_dir() or not path:
                continue
            if info.flag_bits & 0x1:
                raise _bad(f"The zip entry {info.filename[:100]!r} is encrypted; upload an unencrypted zip.")
            declared += info.file_size
            compressed += info.compress_size
            if declared > max_total:
                raise _bad(f"The unpacked package is larger than {max_total} bytes; remove unused files.")
            if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise _bad(f"The zip entry {info.filename[:100]!r} is compressed suspiciously well; refused.")
            wanted.append((path, info))
        if declared > RATIO_FLOOR and declared > MAX_TOTAL_RATIO * max(compressed, 1):
            raise _bad("The zip unpacks to far more than it holds (a zip bomb?); refused.")
        seen: set[str] = set()
        for path, _info in wanted:
            if path in seen:
                raise _bad(f"The zip has {path!r} twice; keep one.")
            seen.add(path)
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
