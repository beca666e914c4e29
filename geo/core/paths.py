"""Check an output path before anything is written: say why it cannot be, in one line.

Every command that writes a file or a folder the user names (``python -m geo export``,
``brief``, ``backup``, ``plan``) asks here first, so that a missing folder, a path under a file
or a folder given where a file is meant is refused with a message in Bahasa Indonesia instead
of a traceback, and no folder is created silently. Nothing here creates or changes anything.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["folder_problem", "output_problem"]


def _parent_problem(parent: Path) -> str | None:
    """Say why ``parent`` cannot hold a new entry: missing, a file, or under a file."""
    if parent.exists() and not parent.is_dir():
        return f"{parent} bukan folder"
    if not parent.exists():
        for ancestor in parent.parents:
            if ancestor.exists() and not ancestor.is_dir():
                return f"{ancestor} bukan folder"
        return f"folder {parent} tidak ada; buat dulu foldernya"
    return None


def output_problem(output: Path) -> str | None:
    """Say why the file ``output`` cannot be written, or None when it can (nothing is created).

    Parameters
    ----------
    output
        The file to write.

    Returns
    -------
    str or None
        A message in Bahasa Indonesia: the path is a folder, its folder is missing (it is not
        created silently), or a part of the path is a file.
    """
    output = Path(output)
    if output.is_dir():
        return f"{output} adalah folder; beri nama berkas"
    return _parent_problem(output.parent)


def folder_problem(folder: Path) -> str | None:
    """Say why the output folder ``folder`` cannot be used, or None when it can.

    The folder may exist already, or be created by the caller when its parent folder exists;
    nothing is created here.

    Parameters
    ----------
    folder
        The folder to write files into.

    Returns
    -------
    str or None
        A message in Bahasa Indonesia: the path is a file, a part of it is a file, or its
        parent folder is missing.
    """
    folder = Path(folder)
    if folder.exists():
        return None if folder.is_dir() else f"{folder} adalah berkas, bukan folder"
    return _parent_problem(folder.parent)
