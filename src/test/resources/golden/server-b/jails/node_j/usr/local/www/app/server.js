// The seed's application in node_j (uirig renders this file from playbooks/templates/server.js).
// An HTTP server on node_j's end of the nginx_j <-> node_j epair: nginx_j proxies the public web
// ports here. Each request asks the peer server's PostgreSQL one question through the N2P spiped
// tunnel (node_j's N2P pipe listens on 192.168.56.31:5432 and ends at the peer's pg_j) and
// answers with the result. No npm package: the few messages of PostgreSQL's wire protocol that
// a trust-authenticated simple query needs are written out below.
'use strict';
const http = require('http');
const net = require('net');

const LISTEN = { host: '10.0.3.30', port: 3000 };
const DATABASE = { host: '192.168.56.31', port: 5432, user: 'postgres', database: 'postgres' };
const QUERY = "SELECT current_setting('cluster_name') AS cluster, inet_server_addr() AS address, version() AS version";

// One simple query on a new connection: StartupMessage, then Query; resolves with the rows.
function query(sql) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(DATABASE.port, DATABASE.host);
    const rows = [];
    let columns = [];
    let buffer = Buffer.alloc(0);
    socket.setTimeout(5000, () => socket.destroy(new Error('the database did not answer within 5 s')));
    socket.on('error', reject);
    // spiped closes the connection when it cannot reach the far end (the database is down):
    // answer at once instead of waiting for the idle timeout.
    socket.on('close', () => reject(new Error('the tunnel closed the connection before an answer')));
    socket.on('connect', () => {
      const params = Buffer.from(`user\0${DATABASE.user}\0database\0${DATABASE.database}\0\0`);
      const head = Buffer.alloc(8);
      head.writeInt32BE(8 + params.length, 0);
      head.writeInt32BE(196608, 4); // protocol 3.0
      socket.write(Buffer.concat([head, params]));
    });
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 5) {
        const type = String.fromCharCode(buffer[0]);
        const length = buffer.readInt32BE(1);
        if (buffer.length < 1 + length) return;
        const body = buffer.subarray(5, 1 + length);
        buffer = buffer.subarray(1 + length);
        if (type === 'R' && body.readInt32BE(0) !== 0) {
          return reject(new Error('the database asks for a password (pg_hba.conf)'));
        } else if (type === 'E') {
          const fields = body.toString().split('\0').filter((f) => f.startsWith('M'));
          return reject(new Error('the database refused: ' + (fields[0] || '?').slice(1)));
        } else if (type === 'Z' && columns.length === 0 && rows.length === 0 && !socket.queried) {
          socket.queried = true;
          const text = Buffer.from(sql + '\0');
          const q = Buffer.alloc(5);
          q.write('Q', 0);
          q.writeInt32BE(4 + text.length, 1);
          socket.write(Buffer.concat([q, text]));
        } else if (type === 'T') {
          columns = [];
          let at = 2;
          for (let i = 0; i < body.readInt16BE(0); i++) {
            const end = body.indexOf(0, at);
            columns.push(body.toString('utf8', at, end));
            at = end + 1 + 18;
          }
        } else if (type === 'D') {
          const row = {};
          let at = 2;
          for (let i = 0; i < body.readInt16BE(0); i++) {
            const size = body.readInt32BE(at);
            at += 4;
            row[columns[i]] = size < 0 ? null : body.toString('utf8', at, at + size);
            at += Math.max(size, 0);
          }
          rows.push(row);
        } else if (type === 'Z' && socket.queried) {
          socket.end(Buffer.from([0x58, 0, 0, 0, 4])); // Terminate
          return resolve(rows);
        }
      }
    });
  });
}

http.createServer(async (req, res) => {
  try {
    const [row] = await query(QUERY);
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(`node-b.uirig.com asked the peer's database through N2P: cluster ${row.cluster} at ${row.address} answered (${row.version.split(' on ')[0]})\n`);
  } catch (e) {
    res.writeHead(502, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(`node-b.uirig.com: the peer's database did not answer: ${e.message}\n`);
  }
}).listen(LISTEN.port, LISTEN.host);
