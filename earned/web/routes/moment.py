"""In the moment: quick activation capture, open episodes, details, urge-delay timer,
post-interaction journal, recurring patterns. (Being built; see issue 3.)"""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
