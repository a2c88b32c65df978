"""Writing the leaderboard files `batch` and `merge` produce (only the CLI writes files)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..render.leaderboard import render_leaderboard_markdown
from ..render.leaderboard_html import render_leaderboard_html


def write_leaderboard(out_dir: Path, board: dict[str, Any]) -> list[Path]:
    """leaderboard.json (read back by `merge`), leaderboard.md and leaderboard.html in out_dir."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {
        "leaderboard.json": json.dumps(board, indent=2, ensure_ascii=False) + "\n",
        "leaderboard.md": render_leaderboard_markdown(board),
        "leaderboard.html": render_leaderboard_html(board),
    }
    written = []
    for name, content in files.items():
        (out_dir / name).write_text(content, encoding="utf-8")
        written.append(out_dir / name)
    return written
