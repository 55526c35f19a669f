"""Regulation: paced breathing, 5-4-3-2-1 grounding flow, mindfulness timer, body scan,
practice log, self-soothing toolkit. (Being built; see issue 3.)"""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
