"""The lab's supervising process: parent of every daemon, keeper of their logs and pids.

`halab up` starts it detached (`python -m halab.lab.supervisor --state DIR`, new session) and
then sends it requests on the Unix socket `DIR/control.sock`, one JSON object per line. Each
reply is one JSON line with `ok` and, on failure, `error`:

    define   host, service, argv, env, cwd      register how a service starts
    start    host, service, extra_args?         spawn it (extra_args only for this start)
    stop     host, service, timeout_s?          SIGTERM, SIGKILL to its group after timeout_s
    kill | freeze | thaw   host, service        SIGKILL / SIGSTOP / SIGCONT to its group
    watch_fifo  host, path                      read Keepalived's notify fifo into events
    status                                      every service with pid, state, exit status
    shutdown timeout_s?                         stop every service, then exit
    ping

It is a child subreaper, so a daemon's own children that lose their parent are reaped here at
once instead of lingering as zombies under PID 1. Each child runs in a session of its own (its
pid is its process group id), and its stdout and stderr go line by line to
hosts/<host>/log/<service>.log, each line prefixed with time.monotonic() in seconds. All network
namespaces share CLOCK_MONOTONIC, so every daemon's log and the events file share one clock.

NOTE: the daemons' stdout and stderr are pipes read by the supervisor, so if the supervisor is
killed, each daemon dies of SIGPIPE at its next line of output. `halab down` cleans up either way.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import logging
import os
import signal
import socketserver
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from halab.lab import procs
from halab.lab.state import LabState, write_json_atomic

log = logging.getLogger(__name__)

PR_SET_CHILD_SUBREAPER = 36
DEFAULT_STOP_TIMEOUT_S = 10.0


@dataclass
class Service:
    host: str
    name: str
    argv: list[str]
    env: dict[str, str]
    cwd: str | None
    log_path: Path
    pid: int | None = None
    start_ticks: int | None = None
    started_mono: float | None = None
    exit_status: int | None = None
    frozen: bool = False
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def key(self) -> str:
        return f"{self.host}/{self.name}"

    def running(self) -> bool:
        return self.pid is not None and procs.is_alive(self.pid, self.start_ticks)

    def describe(self) -> dict[str, Any]:
        return {
            "host": self.host,
            "service": self.name,
            "pid": self.pid,
            "running": self.running(),
            "frozen": self.frozen,
            "exit_status": self.exit_status,
            "started_mono": self.started_mono,
            "log": str(self.log_path),
        }


class Supervisor:
    """Spawn, watch, signal and reap the lab's daemons; record them in the state directory."""

    def __init__(self, state: LabState):
        self.state = state
        self.services: dict[str, Service] = {}
        self.order: list[str] = []
        self.lock = threading.RLock()
        self.events_lock = threading.Lock()
        self.stopping = threading.Event()

    # Records -----------------------------------------------------------------------------------

    def write_processes(self) -> None:
        records = {}
        with self.lock:
            for key, service in self.services.items():
                if service.pid is None:
                    continue
                records[key] = {
                    "host": service.host,
                    "service": service.name,
                    "pid": service.pid,
                    "start_ticks": service.start_ticks,
                    "cmdline": service.argv,
                    "exit_status": service.exit_status,
                }
            write_json_atomic(self.state.processes_file, records)

    def append_event(self, event: dict[str, Any]) -> None:
        event = {"t_mono": time.monotonic(), **event}
        with self.events_lock, self.state.events_file.open("a") as events:
            events.write(json.dumps(event, sort_keys=True) + "\n")

    # Services ----------------------------------------------------------------------------------

    def define(self, host: str, service: str, argv: list[str], env: dict[str, str],
               cwd: str | None = None) -> None:
        key = f"{host}/{service}"
        with self.lock:
            existing = self.services.get(key)
            if existing and existing.running():
                raise ValueError(f"{key} is running; stop it before redefining it")
            self.services[key] = Service(host, service, argv, env, cwd,
                                         self.state.log_file(host, service))
            if key not in self.order:
                self.order.append(key)

    def get(self, host: str, service: str) -> Service:
        try:
            return self.services[f"{host}/{service}"]
        except KeyError:
            raise ValueError(f"unknown service {service!r} on host {host!r}") from None

    def start(self, host: str, service: str, extra_args: list[str] | None = None) -> int:
        svc = self.get(host, service)
        with self.lock:
            if svc.running():
                raise ValueError(f"{svc.key} is already running as pid {svc.pid}")
            svc.log_path.parent.mkdir(parents=True, exist_ok=True)
            env = {**os.environ, **svc.env}
            process = subprocess.Popen(
                [*svc.argv, *(extra_args or [])], cwd=svc.cwd, env=env,
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            svc.process, svc.pid = process, process.pid
            svc.start_ticks = procs.start_ticks(process.pid)
            svc.started_mono, svc.exit_status, svc.frozen = time.monotonic(), None, False
        self.write_processes()
        threading.Thread(target=self.pump_output, args=(svc, process), daemon=True).start()
        log.info("started %s as pid %d", svc.key, process.pid)
        self.append_event({"kind": "process", "host": host, "service": service,
                           "event": "start", "pid": process.pid})
        return process.pid

    def pump_output(self, svc: Service, process: subprocess.Popen[bytes]) -> None:
        assert process.stdout is not None
        with svc.log_path.open("ab", buffering=0) as out:
            for line in iter(process.stdout.readline, b""):
                out.write(f"{time.monotonic():.6f} ".encode() + line)
        process.stdout.close()

    def signal_group(self, svc: Service, signum: int) -> bool:
        """Send `signum` to the service's process group; return whether anything received it."""
        if svc.pid is None:
            return False
        try:
            os.killpg(svc.pid, signum)
        except ProcessLookupError:
            return False
        return True

    def stop(self, host: str, service: str, timeout_s: float = DEFAULT_STOP_TIMEOUT_S) -> None:
        svc = self.get(host, service)
        self.stop_many([svc], timeout_s)

    def stop_many(self, services: list[Service], timeout_s: float) -> None:
        """SIGTERM every running service at once, then SIGKILL the groups still there."""
        targets = [svc for svc in services if svc.running()]
        for svc in targets:
            log.info("stopping %s (pid %d)", svc.key, svc.pid)
            procs.signal_if_same(svc.pid, svc.start_ticks, signal.SIGTERM)
            if svc.frozen:
                self.signal_group(svc, signal.SIGCONT)
        deadline = time.monotonic() + timeout_s
        while any(svc.running() for svc in targets) and time.monotonic() < deadline:
            time.sleep(0.02)
        for svc in targets:
            if svc.running():
                log.warning("%s ignored SIGTERM for %.1f s; sending SIGKILL", svc.key, timeout_s)
            # The group may hold children left behind by the main process: kill them too.
            self.signal_group(svc, signal.SIGKILL)

    def kill(self, host: str, service: str) -> None:
        svc = self.get(host, service)
        if not self.signal_group(svc, signal.SIGKILL):
            raise ValueError(f"{svc.key} is not running")

    def freeze(self, host: str, service: str, frozen: bool) -> None:
        svc = self.get(host, service)
        if not svc.running():
            raise ValueError(f"{svc.key} is not running")
        self.signal_group(svc, signal.SIGSTOP if frozen else signal.SIGCONT)
        svc.frozen = frozen

    # Reaping -----------------------------------------------------------------------------------

    def reap_forever(self) -> None:
        """Reap every child and orphan; record the exit of the services among them."""
        while True:
            try:
                pid, status = os.waitpid(-1, 0)
            except ChildProcessError:
                time.sleep(0.05)
                continue
            self.record_exit(pid, os.waitstatus_to_exitcode(status))

    def record_exit(self, pid: int, exit_status: int) -> None:
        with self.lock:
            matches = [svc for svc in self.services.values() if svc.pid == pid]
            for svc in matches:
                svc.exit_status, svc.frozen = exit_status, False
                if svc.process is not None:
                    svc.process.returncode = exit_status
        for svc in matches:
            log.info("%s (pid %d) exited with status %d", svc.key, pid, exit_status)
            self.append_event({"kind": "process", "host": svc.host, "service": svc.name,
                               "event": "exit", "pid": pid, "exit_status": exit_status})
        if matches:
            self.write_processes()

    # Keepalived notify fifo --------------------------------------------------------------------

    def watch_fifo(self, host: str, path: str) -> None:
        fifo = Path(path)
        if not fifo.exists():
            os.mkfifo(fifo, 0o600)
        threading.Thread(target=self.read_fifo, args=(host, fifo), daemon=True).start()

    def read_fifo(self, host: str, fifo: Path) -> None:
        # O_RDWR keeps a writer open, so reads get no end-of-file between keepalived runs.
        fd = os.open(fifo, os.O_RDWR)
        with os.fdopen(fd, "r") as lines:
            for line in lines:
                self.append_event(parse_notify_line(host, line))

    # Shutdown ----------------------------------------------------------------------------------

    def shutdown(self, timeout_s: float) -> None:
        with self.lock:
            services = [self.services[key] for key in reversed(self.order)]
        self.stop_many(services, timeout_s)
        self.stopping.set()


def parse_notify_line(host: str, line: str) -> dict[str, Any]:
    """Turn a notify fifo line such as `INSTANCE "VI_WEB" MASTER 101` into an event."""
    parts = line.split()
    event: dict[str, Any] = {"kind": "keepalived", "host": host, "line": line.strip()}
    if len(parts) >= 3:
        event["type"] = parts[0]
        event["name"] = parts[1].strip('"')
        event["state"] = parts[2]
    if len(parts) >= 4 and parts[3].lstrip("-").isdigit():
        event["priority"] = int(parts[3])
    return event


class ControlHandler(socketserver.StreamRequestHandler):
    server: ControlServer

    def handle(self) -> None:
        for raw in self.rfile:
            try:
                reply = {"ok": True, **(self.dispatch(json.loads(raw)) or {})}
            except (ValueError, KeyError, OSError) as exc:
                log.info("request failed: %s", exc)
                reply = {"ok": False, "error": str(exc)}
            self.wfile.write((json.dumps(reply) + "\n").encode())
            if self.server.supervisor.stopping.is_set():
                threading.Thread(target=self.server.shutdown, daemon=True).start()
                return

    def dispatch(self, request: dict[str, Any]) -> dict[str, Any] | None:
        sup = self.server.supervisor
        op = request["op"]
        host, service = request.get("host", ""), request.get("service", "")
        if op == "ping":
            return {"pid": os.getpid()}
        if op == "define":
            sup.define(host, service, request["argv"], request.get("env", {}), request.get("cwd"))
            return None
        if op == "start":
            return {"pid": sup.start(host, service, request.get("extra_args"))}
        if op == "stop":
            sup.stop(host, service, request.get("timeout_s", DEFAULT_STOP_TIMEOUT_S))
            return None
        if op == "kill":
            sup.kill(host, service)
            return None
        if op in ("freeze", "thaw"):
            sup.freeze(host, service, op == "freeze")
            return None
        if op == "watch_fifo":
            sup.watch_fifo(host, request["path"])
            return None
        if op == "status":
            return {"services": [sup.services[key].describe() for key in sup.order]}
        if op == "shutdown":
            sup.shutdown(request.get("timeout_s", DEFAULT_STOP_TIMEOUT_S))
            return None
        raise ValueError(f"unknown request {op!r}")


class ControlServer(socketserver.ThreadingUnixStreamServer):
    daemon_threads = True

    def __init__(self, path: Path, supervisor: Supervisor):
        path.unlink(missing_ok=True)
        super().__init__(str(path), ControlHandler)
        os.chmod(path, 0o600)
        self.supervisor = supervisor


def become_subreaper() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        log.warning("prctl(PR_SET_CHILD_SUBREAPER) failed: errno %d", ctypes.get_errno())


def run(state: LabState) -> None:
    """Serve the control socket until a shutdown request or SIGTERM; then stop every service."""
    become_subreaper()
    supervisor = Supervisor(state)
    server = ControlServer(state.control_socket, supervisor)

    def on_sigterm(signum: int, frame: object) -> None:
        threading.Thread(target=lambda: (supervisor.shutdown(DEFAULT_STOP_TIMEOUT_S),
                                         server.shutdown()), daemon=True).start()

    signal.signal(signal.SIGTERM, on_sigterm)
    write_json_atomic(state.supervisor_file,
                      {"pid": os.getpid(), "start_ticks": procs.start_ticks(os.getpid())})
    threading.Thread(target=supervisor.reap_forever, daemon=True).start()
    log.info("supervisor of lab %s listening on %s", state.name, state.control_socket)
    server.serve_forever(poll_interval=0.2)
    state.control_socket.unlink(missing_ok=True)
    log.info("supervisor of lab %s stopped", state.name)


def main() -> None:
    parser = argparse.ArgumentParser(description="Supervise one halab lab's daemons.")
    parser.add_argument("--state", required=True, type=Path, help="the lab's state directory")
    parser.add_argument("--lab", required=True, help="the lab's name")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO,
                        format="%(created).6f %(name)s %(levelname)s: %(message)s")
    run(LabState(name=args.lab, root=args.state))


if __name__ == "__main__":
    main()
