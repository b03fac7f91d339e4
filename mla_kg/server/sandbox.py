"""The network sandbox of a query worker: after it, the process cannot open a network socket.

pyoxigraph carries out ``SERVICE`` with its own HTTP client. A text check in front of it must
agree with oxigraph's lexer on every edge case (a comment ended by a bare CR, an escape in a
prefixed name, ...) and has already disagreed once. The boundary is therefore the kernel: each
worker installs a seccomp filter (through ``pyseccomp``, ctypes over the system's libseccomp2)
right after it starts, before it reads data or a query. From then on ``socket()`` fails with
``EPERM`` for the families that reach other hosts or the network configuration (IPv4, IPv6,
netlink, raw packets), and io_uring, which could create sockets without the ``socket`` system
call, is refused too. The pipe to the server was opened before and keeps working.

The filter is one-way: a process cannot remove it, and its children inherit it.

>>> REFUSED_FAMILIES[:2] == (socket.AF_INET, socket.AF_INET6)
True
"""

from __future__ import annotations

import errno
import socket
import subprocess
import sys

#: Address families whose ``socket()`` the filter refuses.
REFUSED_FAMILIES: tuple[int, ...] = tuple(
    family
    for family in (
        socket.AF_INET,
        socket.AF_INET6,
        getattr(socket, "AF_NETLINK", None),
        getattr(socket, "AF_PACKET", None),
    )
    if family is not None
)
#: System calls refused outright: io_uring can open sockets without calling ``socket()``.
REFUSED_CALLS = ("io_uring_setup", "io_uring_enter", "io_uring_register")
_PROBE = "from mla_kg.server.sandbox import _probe_main; _probe_main()"


class SandboxUnavailable(RuntimeError):
    """The network sandbox cannot be installed on this system (no Linux seccomp, no libseccomp2)."""


def install() -> None:
    """Forbid this process (and its children) to open network sockets, then check it holds.

    :raises SandboxUnavailable: when the filter cannot be installed, or does not hold.
    """
    try:
        import pyseccomp as seccomp
    except (ImportError, OSError) as error:  # not Linux, or libseccomp2 missing
        raise SandboxUnavailable(f"pyseccomp cannot be loaded ({error})") from None
    try:
        rules = seccomp.SyscallFilter(seccomp.ALLOW)
        for family in REFUSED_FAMILIES:
            rules.add_rule(seccomp.ERRNO(errno.EPERM), "socket", seccomp.Arg(0, seccomp.EQ, family))
        for call in REFUSED_CALLS:
            rules.add_rule(seccomp.ERRNO(errno.EPERM), call)
        rules.load()
    except (OSError, RuntimeError, ValueError, AttributeError) as error:
        raise SandboxUnavailable(f"the seccomp filter cannot be loaded ({error})") from None
    verify()


def verify() -> None:
    """Check that this process cannot open an IPv4 or IPv6 socket.

    :raises SandboxUnavailable: if it can.
    """
    for family in (socket.AF_INET, socket.AF_INET6):
        try:
            opened = socket.socket(family, socket.SOCK_STREAM)
        except PermissionError:
            continue
        except OSError as error:
            if error.errno in (errno.EPERM, errno.EACCES):
                continue
            if error.errno == errno.EAFNOSUPPORT:  # no IPv6 in this kernel: nothing to reach
                continue
            raise SandboxUnavailable(f"unexpected error from socket(): {error}") from None
        opened.close()
        raise SandboxUnavailable(f"a {family.name} socket could still be opened")


def _probe_main() -> None:
    """Entry point of :func:`probe`'s child: install, check, report on stdout."""
    try:
        install()
        left, right = socket.socketpair()  # the worker's channel kind must still work
        left.close()
        right.close()
    except (SandboxUnavailable, OSError) as error:
        print(error)
        sys.exit(1)


def probe() -> None:
    """Check, in a throw-away child process, that a worker will be able to install the sandbox.

    ``mla-kg serve`` calls it before it starts, so that a missing sandbox is one clear line
    instead of failing workers.

    :raises SandboxUnavailable: with the reason.
    """
    try:
        done = subprocess.run(
            [sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=60
        )
    except (OSError, subprocess.SubprocessError) as error:
        raise SandboxUnavailable(f"cannot run the sandbox check ({error})") from None
    if done.returncode != 0:
        reason = (done.stdout.strip() or done.stderr.strip() or "unknown").splitlines()[-1]
        raise SandboxUnavailable(reason)
