"""meetup series: a history revision, so the kept facilitator rotation needs no scan of the history

Revision ID: 3ec32e42f408
Revises: b885d22f3b71
Create Date: 2026-12-06 16:10:09.178381

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "3ec32e42f408"
down_revision = "b885d22f3b71"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("meetup_series", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("history_revision", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("meetup_series", schema=None) as batch_op:
        batch_op.drop_column("history_revision")
