"""burst.py SRC DST PORT N: from SRC, keeps one HTTP/1.1 connection open to DST:PORT (a web port:
nginx keeps it alive), then opens and closes N more as fast as it can, then checks whether the
first still carries a request.
Prints 'before=STATUS', 'burst=K' (how many of the N connected) and 'after=STATUS' or 'after=cut'."""
import socket
import sys

src, dst, port, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])


def connect():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(3)
    s.bind((src, 0))
    s.connect((dst, port))
    return s


def request(s):
    """One GET on the kept connection; returns the status line once the whole response is read."""
    s.sendall(("GET / HTTP/1.1\r\nHost: %s\r\n\r\n" % dst).encode())
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(4096)
        if not chunk:
            return "cut"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = s.recv(4096)
        if not chunk:
            return "cut"
        body += chunk
    return head.split(b"\r\n")[0].decode()


kept = connect()
print("before=" + request(kept))
ok = 0
for _ in range(n):
    try:
        c = connect()
        ok += 1
        c.close()
    except OSError:
        pass
print("burst=%d" % ok)
try:
    print("after=" + request(kept))
except OSError:
    print("after=cut")
