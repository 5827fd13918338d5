// Joins its stdin and stdout to a TCP connection: `node stdio-tcp-bridge.mjs HOST PORT`. A
// PipeInterface's command in tests, so the peer on the far side of the pipe is a TCP socket.
import net from 'node:net';
import process from 'node:process';

const [host, port] = process.argv.slice(2);
const socket = net.connect(Number(port), host, () => {
  process.stdin.pipe(socket);
  socket.pipe(process.stdout);
});
socket.on('close', () => process.exit(0));
socket.on('error', () => process.exit(1));
process.stdin.on('end', () => socket.end());
