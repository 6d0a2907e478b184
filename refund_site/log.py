"""The build's one logger: MkDocs' plugin logger, every message prefixed "refund-policy: "."""

from __future__ import annotations

import logging
from collections.abc import MutableMapping
from typing import Any

PREFIX = "refund-policy"


class _Prefixed(logging.LoggerAdapter[logging.Logger]):
    def process(self, msg: Any, kwargs: MutableMapping[str, Any]) -> tuple[Any, Any]:
        return f"{PREFIX}: {msg}", kwargs


log = _Prefixed(logging.getLogger("mkdocs.plugins.refund_policy"), {})
