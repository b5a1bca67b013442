"""Migrations: a fresh database gets both tables; one made by the original SQL keeps working."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import create_engine, inspect, text

from halab.app import schema
from halab.app.accounts import add_customer
from halab.app.extensions import db
from halab.app.models import Item

from .conftest import add_item, login, make_app

# The original script's shape: no unique email, a clear-text password column of 255 chars.
ORIGINAL_SCRIPT = (
    """create table clientes(
        id_cliente integer primary key autoincrement,
        nome varchar(255) not null,
        email varchar(255) not null,
        password varchar(255) not null)""",
    """create table compras(
        id_compras integer primary key autoincrement,
        id_cliente int,
        tipo varchar(255) not null,
        quantidade int not null,
        local varchar(255) not null,
        foreign key(id_cliente) references clientes(id_cliente))""",
    "insert into clientes(nome, email, password) values ('Rui', 'rui@example.test', 'plain')",
    "insert into compras(id_cliente, tipo, quantidade, local) values (1, 'Laranjas', 5, 'Lidl')",
)


def test_upgrade_creates_tables(app: Flask) -> None:
    with app.app_context():
        inspector = inspect(db.engine)
        columns = {c["name"] for c in inspector.get_columns("compras")}
        customer_columns = {c["name"] for c in inspector.get_columns("clientes")}

    assert columns == {"id_compras", "id_cliente", "tipo", "quantidade", "local"}
    assert customer_columns == {"id_cliente", "nome", "email", "password"}


def test_upgrade_twice_is_noop(app: Flask) -> None:
    schema.upgrade(app)

    with app.app_context():
        version = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert version == "0001"


def test_original_database_keeps_working(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'original.sqlite'}"
    engine = create_engine(url)
    with engine.begin() as connection:
        for statement in ORIGINAL_SCRIPT:
            connection.execute(text(statement))
    engine.dispose()
    app = make_app(url)

    schema.upgrade(app)
    with app.app_context():
        add_customer("Rui", "rui@example.test", "new-password-1", update=True)
    client = app.test_client()

    assert login(client, "rui@example.test", "new-password-1").status_code == 302
    assert "Laranjas" in client.get("/cart").get_data(as_text=True)
    assert add_item(client, "Peras", "2", "Lidl").status_code == 303
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Item.id_compras))) == 2


def test_clear_text_password_cannot_log_in(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'original.sqlite'}"
    engine = create_engine(url)
    with engine.begin() as connection:
        for statement in ORIGINAL_SCRIPT:
            connection.execute(text(statement))
    engine.dispose()
    app = make_app(url)
    schema.upgrade(app)

    response = login(app.test_client(), "rui@example.test", "plain")

    assert response.status_code == 401
