/**
 * Preloaded into every child the bench starts (server and bot fleet). The bench holds an IPC
 * channel to each child; if the bench dies without stopping them (SIGKILL, a crash), the channel
 * closes and the child terminates itself instead of lingering as an orphan. It changes nothing
 * else: the channel is unref'd, so it never keeps the child alive on its own.
 */
if (process.channel) {
  process.channel.unref();
  process.once('disconnect', () => {
    process.kill(process.pid, 'SIGTERM');
  });
}
