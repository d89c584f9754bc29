/*
 * `setImmediate` for the browser builds (esbuild `inject`s it wherever the
 * shared code calls it): a macrotask, like Node's, so that messages and
 * events are handled between the slices it schedules. A MessageChannel
 * rather than `setTimeout(0)`, which browsers stretch to 4 ms when nested.
 */
const queue: Array<() => void> = [];
let channel: MessageChannel | undefined;

function run(): void {
  const task = queue.shift();
  task?.();
}

export function setImmediate<A extends unknown[]>(callback: (...args: A) => void, ...args: A): void {
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = run;
  }
  queue.push(() => callback(...args));
  channel.port2.postMessage(undefined);
}
