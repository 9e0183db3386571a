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
