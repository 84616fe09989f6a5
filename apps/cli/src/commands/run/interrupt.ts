/**
 * Ctrl-C during a run: the first asks for a clean stop (the run is stopped on the master and the summary still printed),
 * a second one exits at once. Returns a function that removes the handler.
 */
export function onInterrupt(first: () => void, second: () => void, signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM']): () => void {
  let count = 0;
  const handler = () => {
    count += 1;
    if (count === 1) first();
    else second();
  };
  for (const signal of signals) process.on(signal, handler);
  return () => {
    for (const signal of signals) process.off(signal, handler);
  };
}
