"""burst.py SRC DST PORT N: from SRC, keeps one connection open to DST:PORT, then opens and closes
N more as fast as it can, then checks whether the first still carries data.
Prints 'before=REPLY', 'burst=K' (how many of the N connected) and 'after=REPLY' or 'after=cut'."""
import socket
import sys

src, dst, port, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])


def connect():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(3)
    s.bind((src, 0))
    s.connect((dst, port))
    return s


kept = connect()
kept.sendall(b"before")
print("before=" + kept.recv(100).decode())
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
    kept.sendall(b"after")
    data = kept.recv(100).decode()
    print("after=" + (data or "cut"))
except OSError:
    print("after=cut")
