"""The tailored standard library, made inside Pyodide: the modules the self-check imports, compiled.

Runs in Pyodide (so the bytecode is made by the very interpreter that will load it: Python 3.14
as Pyodide 314 builds it), after ``exercise.py`` has imported everything the page needs.
"""

from __future__ import annotations

import io
import os
import py_compile
import sys
import tempfile
import zipfile


def tailor(modules: list[str]) -> bytes:
    """A ``python_stdlib.zip`` holding ``modules`` (standard-library names) as ``.pyc`` only.

    Each module is compiled from the stock zip's source into an unchecked-hash ``.pyc`` (never
    compared with a source it does not ship), named for the source path, so tracebacks name the
    usual file and line (without the source text, which is not shipped). Entries are sorted and
    dated 1980-01-01: the same modules give the same zip.
    """
    stock_path = next(entry for entry in sys.path if entry.endswith(".zip"))
    entries: dict[str, bytes] = {}
    with zipfile.ZipFile(stock_path) as stock, tempfile.TemporaryDirectory() as work:
        available = set(stock.namelist())
        for module in sorted(set(modules)):
            stem = module.replace(".", "/")
            source_name = next(
                (name for name in (f"{stem}/__init__.py", f"{stem}.py") if name in available),
                None,
            )
            if source_name is None:
                raise LookupError(f"{module} is not in {stock_path}")
            source = os.path.join(work, "module.py")
            compiled = os.path.join(work, "module.pyc")
            with open(source, "wb") as file:
                file.write(stock.read(source_name))
            py_compile.compile(
                source,
                cfile=compiled,
                dfile=f"{stock_path}/{source_name}",
                doraise=True,
                invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
                # Without docstrings and asserts (as `python -OO` compiles): nothing the checker
                # runs reads them, and the library is a quarter smaller. The build's trial run
                # holds every answer to the stock library's.
                optimize=2,
            )
            with open(compiled, "rb") as file:
                entries[source_name[:-3] + ".pyc"] = file.read()

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in sorted(entries.items()):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            # Stored, not deflated: the host compresses the zip as a whole (its .br copy), which
            # shares what the modules have in common; deflated one by one, nothing could.
            info.compress_type = zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return out.getvalue()
