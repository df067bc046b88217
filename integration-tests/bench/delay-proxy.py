#!/usr/bin/env python3
"""A TCP proxy on loopback that adds network latency, for the benchmark: every byte arrives
ROUND_TRIP_MS/2 later than sent, in each direction, as over a long link (the bandwidth is
loopback's; only the delay is added). A new connection reaches the server one and a half round
trips after the client connected, as over TCP (SYN there, SYN-ACK back, the ACK there), so that
what either side sends first arrives when it would: the client's bytes at 1.5 round trips, the
server's (its banner) at 2. Each LISTEN_PORT:TARGET_PORT pair
forwards 127.0.0.1:LISTEN_PORT to 127.0.0.1:TARGET_PORT; LISTEN_PORT 0 takes a free port.
usage: delay-proxy.py ROUND_TRIP_MS LISTEN_PORT:TARGET_PORT...
Prints 'ready' and the ports it listens on, in order, once every one listens; runs until killed."""
import asyncio
import resource
import sys


async def pump(reader, writer_of, delay, not_before=0.0):
    """Copies reader to the writer that writer_of() gives, each chunk due `delay` seconds after it
    was read, or after `not_before` when it was read earlier."""
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()

    async def deliver():
        writer = await writer_of()
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
            queue.put_nowait((max(loop.time(), not_before) + delay, data or None))
            if not data:
                break
        await sender
    except (ConnectionError, asyncio.CancelledError):
        sender.cancel()
        raise


async def serve(listen, target, delay):
    async def handle(client_reader, client_writer):
        loop = asyncio.get_running_loop()
        accepted = loop.time()

        async def connect():
            # The handshake: SYN there, SYN-ACK back, ACK there (delay is half a round trip).
            await asyncio.sleep(3 * delay)
            return await asyncio.open_connection('127.0.0.1', target)

        upstream = asyncio.create_task(connect())

        async def server_writer():
            return (await upstream)[1]

        async def client():
            return client_writer

        # The client could send only once its connect returned, one round trip after it began.
        directions = [asyncio.create_task(pump(client_reader, server_writer, delay, accepted + 2 * delay))]
        try:
            server_reader, server_writer_ = await upstream
        except OSError:
            directions[0].cancel()
            client_writer.close()
            return
        directions.append(asyncio.create_task(pump(server_reader, client, delay)))
        try:
            await asyncio.gather(*directions)
        except (ConnectionError, OSError):
            pass
        finally:
            for d in directions:
                d.cancel()
            for w in (client_writer, server_writer_):
                w.close()

    return await asyncio.start_server(handle, '127.0.0.1', listen)


async def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    # Two descriptors per connection and one per port: a thousand light hosts need more than the
    # usual soft limit of 1024.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
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
