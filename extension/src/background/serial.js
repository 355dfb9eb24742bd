// Background storage work that must not interleave (a read-merge-write, a
// rules sync racing a storage change): each queue runs its jobs one after
// another. A job's own promise is returned; its failure does not stop the
// jobs queued after it.

/** @returns {<T>(job: () => Promise<T>) => Promise<T>} */
export function serialQueue() {
  /** @type {Promise<unknown>} */
  let tail = Promise.resolve();
  return (job) => {
    const run = tail.then(job);
    tail = run.catch(() => {});
    return run;
  };
}
