"""Pages of long lists: the page asked for. Each list names its page size beside its view;
``templates/_pager.html`` draws the previous / next links."""
from __future__ import annotations

from flask import request


def page_number() -> int:
    """The ?page= of a paginated list (1 when absent or not a number)."""
    try:
        return max(1, int(request.args.get("page", "1")))
    except ValueError:
        return 1


def page_count(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page))


def sort_order(columns: dict, default: str, default_descending: bool = True) -> tuple[str, bool]:
    """The ?sort= and ?dir= of a sortable table: a key of ``columns`` (else the default) and
    whether it runs descending. Unknown keys fall back quietly: a stale link still works."""
    key = request.args.get("sort", "")
    if key not in columns:
        return default, default_descending
    return key, request.args.get("dir", "desc" if key == default and default_descending else "asc") == "desc"
