// Long-running commands resolve when the process is asked to stop. Only the app layer
// installs signal handlers (house style §5.1).

/** Resolves with the signal name on the first SIGINT or SIGTERM; the handlers are removed then. */
export function untilStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (sig: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(sig);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
