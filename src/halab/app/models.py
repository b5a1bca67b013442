"""Tables `clientes` and `compras`, with the columns of the original shopping-list schema.

The names stay Portuguese so that a database created by the original SQL script keeps working:
`clientes(id_cliente, nome, email, password)` and
`compras(id_compras, id_cliente, tipo, quantidade, local)`. The `password` column stores a
Werkzeug password hash, never the password itself.
"""

from __future__ import annotations

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import db

TEXT_COLUMN_LENGTH = 255


class Customer(UserMixin, db.Model):
    """A customer who logs in with an email and a password."""

    __tablename__ = "clientes"

    id_cliente: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    nome: Mapped[str] = mapped_column(String(TEXT_COLUMN_LENGTH), nullable=False)
    email: Mapped[str] = mapped_column(String(TEXT_COLUMN_LENGTH), nullable=False, unique=True)
    password: Mapped[str] = mapped_column(String(TEXT_COLUMN_LENGTH), nullable=False)

    items: Mapped[list[Item]] = relationship(back_populates="customer")

    def get_id(self) -> str:
        """Return the id that Flask-Login stores in the session."""
        return str(self.id_cliente)

    def set_password(self, password: str) -> None:
        """Store a hash of the password."""
        self.password = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        """Return whether the password matches the stored hash."""
        try:
            return check_password_hash(self.password, password)
        except ValueError:
            # NOTE: a row from the original script contains a clear-text password, which is not a
            # hash, so that customer cannot log in until `halab app add-user --update` resets it.
            return False

    def __repr__(self) -> str:
        return f"<Customer {self.id_cliente} {self.email}>"


class Item(db.Model):
    """An item in a customer's shopping list."""

    __tablename__ = "compras"

    id_compras: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id_cliente: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("clientes.id_cliente"), nullable=True, index=True
    )
    tipo: Mapped[str] = mapped_column(String(TEXT_COLUMN_LENGTH), nullable=False)
    quantidade: Mapped[int] = mapped_column(Integer, nullable=False)
    local: Mapped[str] = mapped_column(String(TEXT_COLUMN_LENGTH), nullable=False)

    customer: Mapped[Customer | None] = relationship(back_populates="items")

    def __repr__(self) -> str:
        return f"<Item {self.id_compras} of customer {self.id_cliente}>"
