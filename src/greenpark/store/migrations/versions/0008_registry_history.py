"""registry history: head count of the year, vehicles' service dates

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 17:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("enterprise_year") as batch:
        batch.add_column(sa.Column("employees", sa.Integer(), nullable=True))
    with op.batch_alter_table("vehicle") as batch:
        batch.add_column(sa.Column("in_service_from", sa.Date(), nullable=True))
        batch.add_column(sa.Column("in_service_to", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("vehicle") as batch:
        batch.drop_column("in_service_to")
        batch.drop_column("in_service_from")
    with op.batch_alter_table("enterprise_year") as batch:
        batch.drop_column("employees")
