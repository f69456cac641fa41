import { type ChildMessage, parseRunnerMessage, type RunnerMessage } from './dev-protocol.js';

/**
 * The server process's end of the IPC channel to the dev runner. The orphan guard unrefs the
 * channel (it must never keep a server alive), so while a process only waits for the runner's
 * word nothing would keep it alive: holdChannel(true) refs it for that time.
 */
export function holdChannel(hold: boolean): void {
  if (hold) process.channel?.ref();
  else process.channel?.unref();
}

export function sendToRunner(message: ChildMessage): void {
  // With a callback a closed channel is not an 'error' event; the orphan guard handles a gone runner.
  process.send?.(message, undefined, undefined, () => {});
}

/**
 * Resolves when the runner sends `type`. A runner that goes away first will never send it: the
 * process then ends (the orphan guard does the same when it is loaded).
 */
export function waitForRunner(type: RunnerMessage['type']): Promise<void> {
  return new Promise((resolve) => {
    const onDisconnect = () => process.exit(1);
    const onMessage = (raw: unknown) => {
      if (parseRunnerMessage(raw)?.type !== type) return;
      process.off('message', onMessage);
      process.off('disconnect', onDisconnect);
      resolve();
    };
    process.on('message', onMessage);
    process.once('disconnect', onDisconnect);
  });
}
