// SPDX-License-Identifier: MIT
// Asks Etsy statsd's management port (TCP) one command and prints the answer as JSON:
//   node mgmt.js PORT gauges   -> {"name": value, ...}  (the dump is a JS object literal, read with vm)
//   node mgmt.js PORT stats    -> {"messages.bad_lines_seen": 0, ...}
'use strict';
const net = require('net');
const vm = require('vm');
const [port, command] = process.argv.slice(2);
const socket = net.connect({host: '127.0.0.1', port: Number(port)}, () => socket.write(command + '\n'));
let text = '';
socket.setTimeout(5000, () => { console.error('mgmt.js: no answer'); process.exit(1); });
socket.on('data', (chunk) => {
    text += chunk;
    const end = text.indexOf('\nEND');
    if (end < 0) return;
    socket.end();
    const body = text.slice(0, end);
    let result;
    if (command === 'stats') {
        result = {};
        for (const line of body.split('\n')) {
            const colon = line.indexOf(': ');
            if (colon > 0) result[line.slice(0, colon)] = Number(line.slice(colon + 2));
        }
    } else {
        result = vm.runInNewContext('(' + body + ')');
    }
    process.stdout.write(JSON.stringify(result) + '\n');
});
