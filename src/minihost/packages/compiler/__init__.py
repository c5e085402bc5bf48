"""The mini program compiler: a WeChat-format package → a Minihost bundle (see BUNDLE_FORMAT.md).

Pure synchronous code; the server calls it through `asyncio.to_thread`.
"""

from .bundle import CompiledBundle, compile_package
from .errors import CompileFailed, CompileMessage
from .limits import Limits
from .source import PackageSource

__all__ = ["CompileFailed", "CompileMessage", "CompiledBundle", "Limits", "PackageSource", "compile_package"]
