/**
 * Preloaded by the bench (`node --expose-gc --import …/memory-probe.mjs`) into every server it
 * starts: the crowd scenario's, and Perihelion and the baseline in the idle and fan-out scenarios.
 * When the bench asks over the IPC channel it already holds to the child (`{type: 'bench:memory',
 * id}`), it runs two full garbage collections and answers with `process.memoryUsage()`, so memory
 * at different moments is compared without garbage in any of them. Nothing else changes in the
 * server: without a request it does nothing, and the channel stays unref'd (it never keeps the
 * server alive).
 */
import { getHeapSpaceStatistics } from 'node:v8';

const gc = globalThis.gc;
if (process.channel && typeof gc === 'function') {
  process.on('message', (msg) => {
    if (msg?.type !== 'bench:memory') return;
    gc();
    // A second collection after a turn of the loop: finalizers and weak callbacks of the first ran.
    setTimeout(() => {
      gc();
      // Compiled code lives in the heap too: code the JIT optimised under load is not data kept.
      const code = getHeapSpaceStatistics().find((s) => s.space_name === 'code_space');
      process.send?.({
        type: 'bench:memory',
        id: msg.id,
        ...process.memoryUsage(),
        codeSpaceUsed: code?.space_used_size,
      });
    }, 50);
  });
  // Listening for messages refs the channel; an explicit unref keeps it from holding the process.
  process.channel.unref();
}
