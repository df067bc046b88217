"""tcp.py SRC DST PORT [MESSAGE]: one TCP connection attempt, as the integration tests make them.

Prints 'open REPLY' (connected; REPLY is what came back for MESSAGE, or nothing), 'refused' (a
reset: nothing listens, or a reject), 'timeout' (no answer in 3 s: dropped on the way) or
'unreachable'. SRC is the source address to bind, or '-' for the default."""
import socket
import sys

src, dst, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
message = sys.argv[4] if len(sys.argv) > 4 else ""
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.settimeout(3)
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
reply = ""
try:
    if message:
        s.sendall(message.encode())
        reply = s.recv(200).decode(errors="replace").strip()
except OSError:
    reply = "(no reply)"
print(("open " + reply).strip())
