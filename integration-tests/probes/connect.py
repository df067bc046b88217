"""The connection attempt the probes share: what tcp.py and http.py print when none is made."""
import socket
import sys


def connect(src, dst, port, timeout):
    """A connected socket from SRC ('-': the default source), or exits after printing 'timeout'
    (no answer: dropped on the way), 'refused' (a reset: nothing listens, or a reject) or
    'unreachable'."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    if src != "-":
        s.bind((src, 0))
    try:
        s.connect((dst, port))
    except socket.timeout:
        print("timeout")
        sys.exit(0)
    except ConnectionRefusedError:
        print("refused")
        sys.exit(0)
    except OSError:
        print("unreachable")
        sys.exit(0)
    return s
