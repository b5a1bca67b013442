"""Create clientes and compras, unless a database made by the original script has them.

Revision ID: 0001
Revises:
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

MYSQL_OPTIONS = {"mysql_engine": "InnoDB", "mysql_charset": "utf8mb4"}


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    if not inspector.has_table("clientes"):
        op.create_table(
            "clientes",
            sa.Column("id_cliente", sa.Integer(), primary_key=True, autoincrement=True),
            sa.Column("nome", sa.String(255), nullable=False),
            sa.Column("email", sa.String(255), nullable=False),
            sa.Column("password", sa.String(255), nullable=False),
            sa.UniqueConstraint("email", name="uq_clientes_email"),
            **MYSQL_OPTIONS,
        )
    if not inspector.has_table("compras"):
        op.create_table(
            "compras",
            sa.Column("id_compras", sa.Integer(), primary_key=True, autoincrement=True),
            sa.Column(
                "id_cliente",
                sa.Integer(),
                sa.ForeignKey("clientes.id_cliente", name="fk_compras_clientes"),
                nullable=True,
            ),
            sa.Column("tipo", sa.String(255), nullable=False),
            sa.Column("quantidade", sa.Integer(), nullable=False),
            sa.Column("local", sa.String(255), nullable=False),
            sa.Index("ix_compras_id_cliente", "id_cliente"),
            **MYSQL_OPTIONS,
        )


def downgrade() -> None:
    op.drop_table("compras")
    op.drop_table("clientes")
