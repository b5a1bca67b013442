"""Create customers and the demo data; used by `halab app add-user` and `halab app load-demo`."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from halab.errors import InvalidInput

from .extensions import db
from .forms import TEXT_MAX_CHARS
from .models import Customer, Item

log = logging.getLogger(__name__)

MIN_PASSWORD_CHARS = 8

# Three customers and items in the spirit of the original demo data; ids follow insertion order.
DEMO_CUSTOMERS: tuple[tuple[str, str, tuple[tuple[str, int, str], ...]], ...] = (
    ("Ana Demo", "demo1@example.test", (("Laranjas", 5, "Pingo Doce"), ("Peras", 3, "Pingo Doce"))),
    ("Bruno Demo", "demo2@example.test", (("Maçãs", 2, "Continente"),)),
    ("Carla Demo", "demo3@example.test", (("Pão", 1, "Padaria"), ("Leite", 6, "Lidl"))),
)


@dataclass
class DemoResult:
    """What `load_demo` did: the emails it created and those that already existed."""

    created: list[str]
    existing: list[str]


def find_customer(email: str) -> Customer | None:
    """Return the customer with this email, compared without case, or None."""
    query = db.select(Customer).where(db.func.lower(Customer.email) == email.strip().lower())
    return db.session.scalar(query)


def validate_account(name: str, email: str, password: str) -> None:
    """Check a new account's fields.

    :raise InvalidInput: with one problem per invalid field.
    """
    problems = []
    if not name.strip() or len(name.strip()) > TEXT_MAX_CHARS:
        problems.append(f"name {name!r}: expected 1 to {TEXT_MAX_CHARS} characters")
    if "@" not in email or len(email.strip()) > TEXT_MAX_CHARS:
        problems.append(f"email {email!r}: expected an address like name@example.test")
    if len(password) < MIN_PASSWORD_CHARS:
        problems.append(f"password: expected at least {MIN_PASSWORD_CHARS} characters")
    if problems:
        raise InvalidInput("invalid customer account", problems=problems)


def add_customer(name: str, email: str, password: str, *, update: bool = False) -> Customer:
    """Create a customer, or with `update` reset the name and password of an existing one.

    :raise InvalidInput: invalid fields, or the email exists and `update` is false.
    """
    validate_account(name, email, password)
    customer = find_customer(email)
    if customer is not None and not update:
        raise InvalidInput(
            f"customer {email!r} already exists",
            hint="pass --update to reset the name and password",
        )
    if customer is None:
        customer = Customer(nome=name.strip(), email=email.strip().lower())
        db.session.add(customer)
    customer.nome = name.strip()
    customer.set_password(password)
    db.session.commit()
    log.info("saved customer %s (%s)", customer.id_cliente, customer.email)
    return customer


def load_demo(password: str) -> DemoResult:
    """Create the demo customers that are missing, each with their items.

    Running it again changes nothing: existing customers keep their password and items.
    """
    result = DemoResult(created=[], existing=[])
    for name, email, items in DEMO_CUSTOMERS:
        if find_customer(email) is not None:
            result.existing.append(email)
            continue
        customer = add_customer(name, email, password)
        for tipo, quantidade, local in items:
            db.session.add(
                Item(id_cliente=customer.id_cliente, tipo=tipo, quantidade=quantidade, local=local)
            )
        db.session.commit()
        result.created.append(email)
    log.info(
        "demo data: %d customers created, %d existed", len(result.created), len(result.existing)
    )
    return result
