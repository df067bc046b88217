"""listen.py PORT PIDFILE: a TCP echo server on every address (the stand-in for a jail's sshd).

Writes its pid to PIDFILE once it listens; runs until killed."""
import os
import socket
import sys
import threading

srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("0.0.0.0", int(sys.argv[1])))
srv.listen(64)
with open(sys.argv[2], "w") as f:
    f.write("%d\n" % os.getpid())


def echo(conn):
    with conn:
        try:
            while True:
                data = conn.recv(65536)
                if not data:
                    break
                conn.sendall(data)
        except OSError:
            pass


while True:
    c, _ = srv.accept()
    threading.Thread(target=echo, args=(c,), daemon=True).start()
