"""dns.py SERVER NAME: one DNS query for NAME's A record over UDP to SERVER:53 (RFC 1035 s4).
Prints the first address of the answer, 'no answer', or 'timeout' after 3 s."""
import socket
import struct
import sys

server, name = sys.argv[1], sys.argv[2]
query = struct.pack(">HHHHHH", 0x5ac1, 0x0100, 1, 0, 0, 0)
query += b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0" + struct.pack(">HH", 1, 1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
s.sendto(query, (server, 53))
try:
    reply, _ = s.recvfrom(512)
except socket.timeout:
    print("timeout")
    sys.exit(0)
# Answers follow the question; an A record ends with its 4-byte address.
if struct.unpack(">H", reply[6:8])[0] == 0:
    print("no answer")
else:
    print(socket.inet_ntoa(reply[-4:]))
