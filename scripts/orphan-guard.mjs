/**
 * Preloaded (`node --import …/orphan-guard.mjs`) into every server or bot process that a test or
 * the bench starts, which hold an IPC channel to it. If the parent dies without stopping the
 * child (SIGKILL, a crashed test worker, a hook that timed out), the channel closes and the child
 * ends itself at once instead of lingering as an orphan. It changes nothing else: the channel is
 * unref'd, so it never keeps the child alive on its own.
 *
 * SIGKILL, not the graceful SIGTERM: the parent held the other end of our stdout, so every log line
 * of a graceful shutdown would meet a broken pipe, and pino's synchronous flush at exit retries a
 * broken pipe forever (seen: an orphan spinning at 100 % CPU). An orphan has no one to report to.
 */
if (process.channel) {
  process.channel.unref();
  process.once('disconnect', () => {
    process.kill(process.pid, 'SIGKILL');
  });
}
