"""Services run as real processes by the integration, end-to-end and fault tests: started, waited for until
`/readyz` answers, killed or stopped with a signal, started again on the same port and log."""

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

# Cold start embeds the ESCO labels once (cached under .work/cache afterwards).
READY_TIMEOUT_S = 420


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


class ServiceProcess:
    """One service process (`python <args>`, by default `python -m jdi_<name>`) on `port`; its output goes to
    `log`, appended across restarts, and is shown when it fails."""

    def __init__(self, name: str, port: int, env: dict[str, str], log: Path, args: list[str] | None = None) -> None:
        self.name = name
        self.url = f"http://127.0.0.1:{port}"
        self.env = env
        self.log = log
        self.args = args or ["-m", f"jdi_{name}"]
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603 - this interpreter running a service
                [sys.executable, *self.args], env=self.env, stdout=out, stderr=subprocess.STDOUT
            )

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def wait_ready(self, timeout_s: float = READY_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if not self.running():
                code = self.process.returncode if self.process else None
                raise AssertionError(f"{self.name} exited with {code}:\n{self.log.read_text()[-4000:]}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise AssertionError(f"{self.name} not ready after {timeout_s}s:\n{self.log.read_text()[-4000:]}")

    def stop(self, sig: int = signal.SIGTERM, timeout_s: float = 30) -> int | None:
        """Send `sig` and wait for the exit (SIGKILL after `timeout_s`); the exit code."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode
