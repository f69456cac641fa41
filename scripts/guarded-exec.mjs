/**
 * `node scripts/guarded-exec.mjs <command> [args…]`, started with an IPC channel: runs a program
 * that is not Node (HAProxy) so that it ends with its parent. SIGTERM/SIGINT are passed on; when
 * the parent dies without a word (the IPC channel closes), the program is killed at once and this
 * wrapper exits, so a crashed test or bench never leaves it running. Exits with the program's code.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: guarded-exec <command> [args…]');
  process.exit(2);
}
const child = spawn(command, args, { stdio: 'inherit' });
child.on('error', (err) => {
  console.error(`guarded-exec: cannot start ${command}: ${err.message}`);
  process.exit(127);
});
// A program ended by a signal: exit as a shell reports it (128 + the signal's number).
child.on('exit', (code, signal) =>
  process.exit(code ?? 128 + (signal ? (os.constants.signals[signal] ?? 0) : 0)),
);
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT']) process.on(signal, () => child.kill(signal));
// However this wrapper ends (short of SIGKILL), the program does not outlive it.
process.on('exit', () => {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});
if (process.channel) {
  process.channel.unref();
  process.once('disconnect', () => {
    child.kill('SIGKILL');
    process.exit(1);
  });
}
