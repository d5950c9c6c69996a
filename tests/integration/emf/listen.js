// SPDX-License-Identifier: MIT
// A stand-in for the CloudWatch agent's EMF listener: accepts one TCP connection on 127.0.0.1 (a
// free port, written to PORT_FILE once listening), writes what it receives to EVENTS_FILE, and
// exits when the sender closes the connection (or after 30 s, with status 1).
// Usage: node listen.js PORT_FILE EVENTS_FILE
'use strict';

const fs = require('fs');
const net = require('net');

const [portFile, eventsFile] = process.argv.slice(2);
const chunks = [];
const timer = setTimeout(() => {
  console.error('listen.js: nothing closed the connection within 30 s');
  process.exit(1);
}, 30000);
const server = net.createServer((socket) => {
  socket.on('data', (chunk) => chunks.push(chunk));
  socket.on('end', () => {
    fs.writeFileSync(eventsFile, Buffer.concat(chunks));
    clearTimeout(timer);
    server.close();
  });
});
server.listen(0, '127.0.0.1', () => fs.writeFileSync(portFile, String(server.address().port)));
