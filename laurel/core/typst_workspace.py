"""A typst compiler over a private directory of its own (the template and the images it prints).

The compilers are cached (fonts load once, the template parses once), and each holds copies of private files (the
seal, the signature): the directory must go when its compiler leaves the cache, not pile up in /tmp. It is removed
when the workspace is garbage-collected (CPython frees an evicted cache entry at once), when `close` is called, or
at process exit, whichever comes first."""

import shutil
import tempfile
import weakref
from collections.abc import Callable
from pathlib import Path


class TypstWorkspace:
    def __init__(self, *, prefix: str, main: Path, fonts: str, prepare: Callable[[Path], None] | None = None):
        """`main` is copied in as main.typ; `prepare(root)` puts the other files beside it before the compiler
        starts. If it raises, the directory goes with the half-built workspace."""
        import typst

        self.root = Path(tempfile.mkdtemp(prefix=prefix))
        self._remove = weakref.finalize(self, shutil.rmtree, str(self.root), ignore_errors=True)
        try:
            shutil.copy(main, self.root / "main.typ")
            if prepare is not None:
                prepare(self.root)
            self.compiler = typst.Compiler(str(self.root / "main.typ"), font_paths=[fonts], ignore_system_fonts=True)
        except BaseException:
            self.close()
            raise

    def compile(self, **options):
        return self.compiler.compile(**options)

    def close(self) -> None:
        self._remove()
