"""The probe's HTTP client: log in once, then send reads and writes from many threads.

A `requests.Session` is not thread-safe, so each worker thread gets its own session. The
sessions share the login: the app keeps it in a cookie signed with the key that every web
server shares, so one login works on any server. Each thread's session starts with a copy of
the login cookies and ignores any cookie a response sets, so the flash messages that writes
add to the session cookie never pile up in it.

Form fields, as the app defines them: `GET /login` has a hidden `csrf_token`. `POST /login`
takes `csrf_token`, `email` and `password` and redirects to the cart. `POST` to the cart page
takes `csrf_token`, `tipo`, `quantidade` and `local` and redirects back to it (303).
"""

from __future__ import annotations

import copy
import logging
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookiejar import Cookie, CookieJar, DefaultCookiePolicy
from urllib.parse import urljoin

import requests

from halab.errors import HalabError, InvalidInput

from .outcome import classify_exception, classify_status, describe_exception, is_login_redirect

log = logging.getLogger(__name__)

USER_AGENT = "halab-probe"


@dataclass(frozen=True)
class ClientSettings:
    """The target and options of the probe's requests."""

    url: str
    timeout_ms: float = 200.0
    login: bool = True
    email: str | None = None
    password: str | None = field(default=None, repr=False)
    cart_path: str = "/cart"
    anonymous_path: str = "/health"
    keep_alive: bool = False
    login_timeout_s: float = 10.0

    def validate(self) -> None:
        problems = []
        if not self.url.startswith(("http://", "https://")):
            problems.append(f"url {self.url!r}: expected http://HOST[:PORT]")
        if self.timeout_ms <= 0:
            problems.append(f"timeout_ms {self.timeout_ms}: expected a positive number")
        if self.login and not (self.email and self.password):
            problems.append("login needs an email and a password")
        if problems:
            raise InvalidInput("invalid probe settings", problems=problems)


@dataclass
class Reply:
    """The result of one request: outcome, HTTP status, X-Served-By and error detail."""

    outcome: str
    status: int | None = None
    served_by: str | None = None
    error: str | None = None


class _RejectAllCookies(DefaultCookiePolicy):
    def set_ok(self, cookie: Cookie, request: object) -> bool:
        return False


class _CsrfTokenParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.token: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "input" and values.get("name") == "csrf_token" and self.token is None:
            self.token = values.get("value")


def find_csrf_token(html: str) -> str | None:
    """Return the value of the first `<input name="csrf_token">` in a page, or None."""
    parser = _CsrfTokenParser()
    parser.feed(html)
    return parser.token


class ProbeClient:
    """Send the probe's reads and writes; `prepare()` logs in first when login is on."""

    def __init__(self, settings: ClientSettings):
        settings.validate()
        self.settings = settings
        self._timeout_s = settings.timeout_ms / 1000.0
        self._cookies: list[Cookie] = []
        self._csrf_token: str | None = None
        self._local = threading.local()

    def prepare(self) -> None:
        """Log in, retrying until `login_timeout_s` passes; no-op without login.

        :raise HalabError: the login kept failing; the message has the last reason.
        """
        if not self.settings.login:
            return
        deadline = time.monotonic() + self.settings.login_timeout_s
        while True:
            try:
                self._log_in()
                return
            except (requests.RequestException, LoginFailed) as exc:
                if time.monotonic() >= deadline:
                    raise HalabError(
                        f"probe login as {self.settings.email} at {self.settings.url} failed: "
                        f"{exc}",
                        hint="check that the VIP answers, the email and the password file; "
                        "create the customer with `halab app add-user`",
                    ) from exc
                log.info("login failed, retrying: %s", exc)
                time.sleep(0.5)

    def _log_in(self) -> None:
        session = requests.Session()
        session.headers["User-Agent"] = USER_AGENT
        timeout_s = max(1.0, self._timeout_s)
        login_url = self._url("/login")

        page = session.get(login_url, timeout=timeout_s)
        token = find_csrf_token(page.text)
        if page.status_code != 200 or token is None:
            raise LoginFailed(
                f"GET /login: status {page.status_code}, csrf_token found: {token is not None}"
            )
        form = {
            "csrf_token": token,
            "email": self.settings.email,
            "password": self.settings.password,
        }
        answer = session.post(login_url, data=form, timeout=timeout_s, allow_redirects=False)
        if not answer.is_redirect or is_login_redirect(answer):
            raise LoginFailed(f"POST /login: status {answer.status_code}, expected a redirect")

        cart = session.get(
            self._url(self.settings.cart_path), timeout=timeout_s, allow_redirects=False
        )
        cart_token = find_csrf_token(cart.text) if cart.status_code == 200 else None
        if cart_token is None:
            raise LoginFailed(
                f"GET {self.settings.cart_path} after login: status "
                f"{cart.status_code}, no csrf_token in the page"
            )
        self._csrf_token = cart_token
        self._cookies = list(session.cookies)
        log.info("logged in as %s at %s", self.settings.email, self.settings.url)

    def _url(self, path: str) -> str:
        return urljoin(self.settings.url.rstrip("/") + "/", path.lstrip("/"))

    def _session(self) -> requests.Session:
        """Return this thread's session, made on first use with a copy of the login cookies."""
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.headers["User-Agent"] = USER_AGENT
            if not self.settings.keep_alive:
                session.headers["Connection"] = "close"
            jar: CookieJar = session.cookies
            for cookie in self._cookies:
                jar.set_cookie(copy.copy(cookie))
            jar.set_policy(_RejectAllCookies())
            self._local.session = session
        return session

    def _send(self, method: str, path: str, data: dict | None = None) -> requests.Response:
        # NOTE: requests applies the timeout to the connect and to each socket read apart, so
        # a reply that trickles in can take longer than timeout_ms in total.
        return self._session().request(
            method,
            self._url(path),
            data=data,
            timeout=(self._timeout_s, self._timeout_s),
            allow_redirects=False,
        )

    def read(self) -> Reply:
        """GET the cart page (or, without login, the anonymous path)."""
        path = self.settings.cart_path if self.settings.login else self.settings.anonymous_path
        try:
            response = self._send("GET", path)
        except requests.RequestException as exc:
            return Reply(classify_exception(exc), error=describe_exception(exc))
        return self._judge_read(response)

    def write(self, write_id: str) -> Reply:
        """POST one item whose `tipo` is `write_id`; a redirect back to the cart acknowledges it."""
        form = {
            "csrf_token": self._csrf_token or "",
            "tipo": write_id,
            "quantidade": "1",
            "local": "halab-probe",
        }
        try:
            response = self._send("POST", self.settings.cart_path, form)
        except requests.RequestException as exc:
            return Reply(classify_exception(exc), error=describe_exception(exc))
        reply = self._reply(response)
        if classify_status(response.status_code) is not None:
            return reply
        if response.is_redirect and not is_login_redirect(response):
            return reply
        if response.status_code == 200 and write_id in response.text:
            return reply
        reply.outcome = "error"
        reply.error = _unexpected(response)
        return reply

    def _judge_read(self, response: requests.Response) -> Reply:
        reply = self._reply(response)
        if classify_status(response.status_code) is not None:
            return reply
        if response.status_code == 200:
            return reply
        # Without login a redirect (such as / to /login) is the web server's normal reply.
        if not self.settings.login and response.is_redirect:
            return reply
        reply.outcome = "error"
        reply.error = _unexpected(response)
        return reply

    @staticmethod
    def _reply(response: requests.Response) -> Reply:
        status = response.status_code
        return Reply(
            outcome=classify_status(status) or "ok",
            status=status,
            served_by=response.headers.get("X-Served-By"),
        )


class LoginFailed(Exception):
    """One login attempt failed; `prepare` retries until its deadline."""


def _unexpected(response: requests.Response) -> str:
    location = response.headers.get("Location")
    if location:
        return f"unexpected status {response.status_code} redirecting to {location}"
    return f"unexpected status {response.status_code}"
