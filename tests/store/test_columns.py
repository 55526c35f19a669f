"""The quick path's column lists (earned.store.columns) are the SQLAlchemy models' columns,
so neither can gain a column the other leaves out."""

from __future__ import annotations

import pytest

from earned.store import columns
from earned.store.models import ActivationRow, Base, UrgeDelayRow


@pytest.mark.parametrize(
    ("names", "model"),
    [(columns.ACTIVATIONS, ActivationRow), (columns.URGE_DELAYS, UrgeDelayRow)],
)
def test_each_column_list_is_its_models_columns(names: tuple[str, ...], model: type[Base]) -> None:
    assert set(names) == {c.key for c in model.__table__.columns}
    assert len(names) == len(set(names))


def test_the_statements_name_every_column_in_order() -> None:
    select = columns.select("activations", columns.ACTIVATIONS)
    assert select.startswith("SELECT id, client_token, onset_at, ")
    assert select.endswith(" FROM activations ")
    insert = columns.insert("urge_delays", columns.URGE_DELAYS)
    assert insert == (
        "INSERT INTO urge_delays (id, client_token, urge, started_at, ended_at, outcome, "
        "activation_id) VALUES (:id, :client_token, :urge, :started_at, :ended_at, :outcome, "
        ":activation_id)"
    )
