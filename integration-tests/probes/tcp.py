"""tcp.py SRC DST PORT [MESSAGE]: one TCP connection attempt, as the integration tests make them.

Prints 'open REPLY' (connected; REPLY is what came back for MESSAGE, or nothing), 'refused' (a
reset: nothing listens, or a reject), 'timeout' (no answer in 3 s: dropped on the way) or
'unreachable'. SRC is the source address to bind, or '-' for the default."""
import sys

from connect import connect

src, dst, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
message = sys.argv[4] if len(sys.argv) > 4 else ""
s = connect(src, dst, port, 3)
reply = ""
try:
    if message:
        s.sendall(message.encode())
        reply = s.recv(200).decode(errors="replace").strip()
except OSError:
    reply = "(no reply)"
print(("open " + reply).strip())
