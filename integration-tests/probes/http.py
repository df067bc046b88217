"""http.py SRC HOST PORT [PATH]: one HTTP/1.0 GET, as the integration tests make them.

Prints the response's status line and body ('timeout', 'refused' or 'unreachable' when no
connection is made). SRC is the source address to bind, or '-' for the default."""
import sys

from connect import connect

src, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
path = sys.argv[4] if len(sys.argv) > 4 else "/"
s = connect(src, host, port, 20)
s.sendall(("GET %s HTTP/1.0\r\nHost: %s\r\n\r\n" % (path, host)).encode())
data = b""
try:
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
except OSError:
    pass
head, _, body = data.decode(errors="replace").partition("\r\n\r\n")
print(head.split("\r\n")[0])
print(body.strip())
