/**
 * Preloaded by the bench (`node --expose-gc --import …/memory-probe.mjs`) into the servers of the
 * idle and fan-out scenarios, Perihelion and the baseline alike. When the bench asks over the IPC
 * channel it already holds to the child (`{type: 'bench:memory', id}`), it runs two full garbage
 * collections and answers with `process.memoryUsage()`, so memory before and after the connections
 * is compared without start-up garbage in either. Nothing else changes in the server: without a
 * request it does nothing, and the channel stays unref'd (it never keeps the server alive).
 */
const gc = globalThis.gc;
if (process.channel && typeof gc === 'function') {
  process.on('message', (msg) => {
    if (msg?.type !== 'bench:memory') return;
    gc();
    // A second collection after a turn of the loop: finalizers and weak callbacks of the first ran.
    setTimeout(() => {
      gc();
      process.send?.({ type: 'bench:memory', id: msg.id, ...process.memoryUsage() });
    }, 50);
  });
  // Listening for messages refs the channel; an explicit unref keeps it from holding the process.
  process.channel.unref();
}
