"""Forms of the app; each field name is part of the interface that the load probe drives."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, IntegerField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, StopValidation, ValidationError

TEXT_MAX_CHARS = 140
QUANTITY_MIN = 1
QUANTITY_MAX = 9999
# Login fields are not stored, so their bound only keeps absurd input out of the hash function.
LOGIN_FIELD_MAX_CHARS = 255


def strip_text(value: str | None) -> str | None:
    """Remove surrounding whitespace from a submitted text value."""
    return value.strip() if isinstance(value, str) else value


class LoginForm(FlaskForm):
    """Fields: `email`, `password` and the hidden `csrf_token`."""

    email = StringField(
        _l("Email"),
        filters=[strip_text],
        validators=[
            DataRequired(message=_l("Enter your email.")),
            Length(max=LOGIN_FIELD_MAX_CHARS, message=_l("This value is too long.")),
        ],
    )
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(message=_l("Enter your password.")),
            Length(max=LOGIN_FIELD_MAX_CHARS, message=_l("This value is too long.")),
        ],
    )


def _text_validators(required_message: str) -> list:
    return [
        DataRequired(message=required_message),
        Length(
            max=TEXT_MAX_CHARS,
            message=_l("Use at most %(max)d characters.", max=TEXT_MAX_CHARS),
        ),
    ]


def check_quantity(form: FlaskForm, field: Field) -> None:
    """Accept a whole number from QUANTITY_MIN to QUANTITY_MAX."""
    if field.data is None:
        # IntegerField already reported text that is not a whole number.
        if not field.errors:
            raise StopValidation(_l("Enter a whole number."))
        return
    if not QUANTITY_MIN <= field.data <= QUANTITY_MAX:
        raise ValidationError(
            _l(
                "Enter a whole number from %(min)d to %(max)d.",
                min=QUANTITY_MIN,
                max=QUANTITY_MAX,
            )
        )


class ItemForm(FlaskForm):
    """Fields: `tipo`, `quantidade`, `local` and the hidden `csrf_token`."""

    tipo = StringField(
        _l("Type"), filters=[strip_text], validators=_text_validators(_l("Enter the type."))
    )
    quantidade = IntegerField(_l("Quantity"), validators=[check_quantity])
    local = StringField(
        _l("Shop"), filters=[strip_text], validators=_text_validators(_l("Enter the shop."))
    )


class ConfirmForm(FlaskForm):
    """A form with only the hidden `csrf_token`, for deleting an item and logging out."""
