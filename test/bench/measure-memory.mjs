// Preloaded into the command-line tool's process by the benchmark (`node --import`): samples the
// heap every 20 ms while the run goes, and at exit writes to the file named by
// AFPR_BENCH_MEMORY_FILE the peaks — the resident set's from the kernel (`resourceUsage().maxRSS`,
// exact) and the heap's as sampled — and the heap still in use after a last garbage collection
// (with --expose-gc): what the run holds on to. The tool itself knows nothing of it.
import { writeFileSync } from 'node:fs';

const file = process.env.AFPR_BENCH_MEMORY_FILE;
if (file !== undefined) {
  let heapPeak = 0;
  const sample = () => {
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  };
  setInterval(sample, 20).unref();
  process.on('exit', () => {
    sample();
    globalThis.gc?.();
    const result = {
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      heapUsedPeakBytes: heapPeak,
      heapUsedAfterGcBytes: process.memoryUsage().heapUsed,
    };
    writeFileSync(file, JSON.stringify(result));
  });
}
