"""One module per daemon the lab runs: its command line, its setup and its readiness check.

Every module works on a `LabContext` and starts daemons through the supervisor, so each daemon
is the supervisor's child, logs to hosts/<host>/log/<service>.log, and is recorded by pid.
Service names, as used by `halab stop HOST SERVICE`: mariadb, agent, garbd, app, haproxy,
keepalived, forwarder.
"""

SERVICES = ("mariadb", "agent", "garbd", "app", "haproxy", "keepalived", "forwarder")
