"""The Galera health agent: a small HTTP service that HAProxy's database checks ask.

`python -m halab.agent --listen ADDR:9200 --socket MARIADB_SOCKET [--credentials-file FILE]`
returns 200 to every GET only when the local node is Synced and in the Primary component,
and 503 otherwise, with a JSON body giving the reason. A plain MySQL check is not enough:
a node cut off from the Primary component still accepts connections but fails every query
with error 1047.

- `health`: the decision from `SHOW GLOBAL STATUS LIKE 'wsrep_%'` rows, pure.
- `status`: reads those rows from MariaDB over its Unix socket.
- `server`: the HTTP server and the command line.
"""

from .health import Health, assess

__all__ = ["Health", "assess"]
