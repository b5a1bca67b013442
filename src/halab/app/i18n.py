"""Language choice: pt-PT by default, English from Accept-Language or `?lang=en`.

A `lang` query parameter (`pt_PT` or `en`) on any page stores the choice in the session, so it
follows the customer to every web server that shares the secret key.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, request, session
from flask_babel import Babel, get_locale
from flask_babel import lazy_gettext as _l

DEFAULT_LOCALE = "pt_PT"
SUPPORTED_LOCALES = ("pt_PT", "en")
# Accept-Language tags that select each supported locale.
_ACCEPT_LANGUAGE_TAGS = {"pt-PT": "pt_PT", "pt": "pt_PT", "en": "en"}
_QUERY_ALIASES = {"pt_PT": "pt_PT", "pt-PT": "pt_PT", "pt": "pt_PT", "en": "en"}

LOGIN_REQUIRED_MESSAGE = _l("Log in to see your shopping list.")


def select_locale() -> str:
    """Return the session's language, else the best Accept-Language match, else pt_PT."""
    chosen = session.get("lang")
    if chosen in SUPPORTED_LOCALES:
        return chosen
    best = request.accept_languages.best_match(list(_ACCEPT_LANGUAGE_TAGS))
    return _ACCEPT_LANGUAGE_TAGS.get(best or "", DEFAULT_LOCALE)


def store_requested_language() -> None:
    """Store a valid `lang` query parameter in the session; ignore any other value."""
    requested = request.args.get("lang")
    if requested in _QUERY_ALIASES:
        session["lang"] = _QUERY_ALIASES[requested]


def html_lang() -> str:
    """Return the current locale as an HTML lang attribute, e.g. `pt-PT`."""
    return str(get_locale()).replace("_", "-")


def language_url(locale: str) -> str:
    """Return the current path with `lang` set, keeping the other query parameters."""
    args = request.args.to_dict()
    args["lang"] = locale
    return f"{request.path}?{urlencode(args)}"


def init_app(app: Flask, babel: Babel) -> None:
    """Bind Flask-Babel to the app with the locale selector and the language switch."""
    babel.init_app(app, locale_selector=select_locale)
    app.before_request(store_requested_language)
    app.jinja_env.globals["html_lang"] = html_lang
    app.jinja_env.globals["language_url"] = language_url
