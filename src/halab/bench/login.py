"""`python -m halab.bench.login`: log in to the app and print the session's Cookie header.

wrk sends one fixed set of headers and cannot follow a login form, so the throughput benchmark
logs in with this module inside the client namespace and passes the cookie to wrk with `-H`.
The password stays in its file, and the cookie goes to stdout only.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import requests

from halab.probe.client import find_csrf_token

TIMEOUT_S = 5.0


def session_cookie(url: str, email: str, password: str) -> str:
    """Log in at `url` and return the cookies as a Cookie header value.

    :raise RuntimeError: when the login page has no CSRF token or the login is not accepted.
    """
    session = requests.Session()
    page = session.get(url.rstrip("/") + "/login", timeout=TIMEOUT_S)
    token = find_csrf_token(page.text)
    if page.status_code != 200 or token is None:
        raise RuntimeError(f"GET /login returned status {page.status_code} with csrf_token "
                           f"{'present' if token else 'missing'}")
    answer = session.post(url.rstrip("/") + "/login", timeout=TIMEOUT_S, allow_redirects=False,
                          data={"csrf_token": token, "email": email, "password": password})
    if not answer.is_redirect or "/login" in answer.headers.get("Location", ""):
        raise RuntimeError(f"POST /login as {email} returned status {answer.status_code}, "
                           f"expected a redirect away from /login")
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in session.cookies)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m halab.bench.login", description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--email", required=True)
    parser.add_argument("--password-file", type=Path, required=True)
    args = parser.parse_args(argv)
    password = args.password_file.read_text(encoding="utf-8").splitlines()[0]
    try:
        print(session_cookie(args.url, args.email, password))
    except (RuntimeError, requests.RequestException) as exc:
        print(f"halab.bench.login: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
