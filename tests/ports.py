"""Ports for tests that start servers: each group of tests has its own range, so suites run at
once on one machine do not take each other's (tests/workers: 18300-18399, tests/faults:
18900-18949, tests/multihost: 19100-19149, tests/browser/test_static_in_production.py:
19150-19174, tests/api/contract/test_private_files.py: 19175-19199)."""

import socket


def free_port(ports: range) -> int:
    """The first port of `ports` nothing listens on (127.0.0.1)."""
    for port in ports:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise AssertionError(f"no free port in {ports.start}-{ports.stop - 1}")
