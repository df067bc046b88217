#!/usr/bin/env python3
"""A TCP proxy on loopback that adds network latency, for the benchmark: every byte arrives
ROUND_TRIP_MS/2 later than sent, in each direction, as over a long link (the bandwidth is
loopback's; only the delay is added). A new connection first waits one round trip, the TCP
handshake a real link costs before the client may send. Each LISTEN_PORT:TARGET_PORT pair
forwards 127.0.0.1:LISTEN_PORT to 127.0.0.1:TARGET_PORT; LISTEN_PORT 0 takes a free port.
usage: delay-proxy.py ROUND_TRIP_MS LISTEN_PORT:TARGET_PORT...
Prints 'ready' and the ports it listens on, in order, once every one listens; runs until killed."""
import asyncio
import sys


async def pump(reader, writer, delay):
    """Copies reader to writer, each chunk delayed by `delay` seconds from when it was read."""
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()

    async def deliver():
        while True:
            due, data = await queue.get()
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if data is None:
                if writer.can_write_eof():
                    writer.write_eof()
                return
            writer.write(data)
            await writer.drain()

    sender = asyncio.create_task(deliver())
    try:
        while True:
            data = await reader.read(65536)
            queue.put_nowait((loop.time() + delay, data or None))
            if not data:
                break
        await sender
    except (ConnectionError, asyncio.CancelledError):
        sender.cancel()
        raise


async def serve(listen, target, delay):
    async def handle(client_reader, client_writer):
        try:
            # The handshake's round trip: SYN there, SYN-ACK back.
            await asyncio.sleep(2 * delay)
            server_reader, server_writer = await asyncio.open_connection('127.0.0.1', target)
        except OSError:
            client_writer.close()
            return
        directions = [asyncio.create_task(pump(client_reader, server_writer, delay)),
                      asyncio.create_task(pump(server_reader, client_writer, delay))]
        try:
            await asyncio.gather(*directions)
        except (ConnectionError, OSError):
            pass
        finally:
            for d in directions:
                d.cancel()
            for w in (client_writer, server_writer):
                w.close()

    return await asyncio.start_server(handle, '127.0.0.1', listen)


async def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    delay = float(sys.argv[1]) / 2000.0
    servers = []
    for pair in sys.argv[2:]:
        listen, target = (int(p) for p in pair.split(':'))
        servers.append(await serve(listen, target, delay))
    ports = [s.sockets[0].getsockname()[1] for s in servers]
    print('ready', *ports, flush=True)
    await asyncio.gather(*(s.serve_forever() for s in servers))


if __name__ == '__main__':
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
