/**
 * Samples the engine under attack once a second: its resident memory and open descriptors from
 * /proc, the bytes it has logged, and one `/healthz` probe (on a new connection, with a timeout)
 * on the public port and, when the engine has one, one on its admin listener.
 */
import { probeHealth, type HealthProbe } from './healthProbe.js';
import type { LogMeter } from './logMeter.js';
import { countOpenFds, readRssMb } from './procReadings.js';

/** How long a `/healthz` probe may take before it counts as failed. */
export const HEALTH_TIMEOUT_MS = 2_000;
const SAMPLE_INTERVAL_MS = 1_000;

/** One second's readings. */
export interface EngineSample {
  /** `performance.now()` when taken. */
  readonly at: number;
  /** Undefined once the process is gone. */
  readonly rssMb: number | undefined;
  readonly fds: number | undefined;
  /** Bytes logged since the engine started. */
  readonly logBytes: number;
  /** The probe started with this sample; undefined until it has finished. */
  healthz: HealthProbe | undefined;
  /** The same on the admin listener; undefined until finished, or without an admin listener. */
  adminHealthz?: HealthProbe | undefined;
}

/** See the module comment. */
export class EngineSampler {
  readonly samples: EngineSample[] = [];
  readonly #pid: number;
  readonly #port: number;
  readonly #adminPort: number | undefined;
  readonly #log: LogMeter;
  readonly #probes = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #nextAt = 0;

  constructor(pid: number, port: number, log: LogMeter, adminPort?: number) {
    this.#pid = pid;
    this.#port = port;
    this.#adminPort = adminPort;
    this.#log = log;
  }

  /** Takes a sample now and then every second (drift-corrected) until {@link stop}. */
  start(): void {
    this.#nextAt = performance.now();
    this.#tick();
  }

  /** The latest sample, or undefined before the first. */
  latest(): EngineSample | undefined {
    return this.samples.at(-1);
  }

  /** The latest sample whose `/healthz` probe has finished, or undefined. */
  latestAnswered(): EngineSample | undefined {
    for (let i = this.samples.length - 1; i >= 0; i--) if (this.samples[i]?.healthz !== undefined) return this.samples[i];
    return undefined;
  }

  /** Stops sampling and waits for the probes still out. */
  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await Promise.all(this.#probes);
  }

  /** One sample now, outside the schedule (e.g. exactly at the end of the recovery wait). */
  sampleNow(): EngineSample {
    const sample: EngineSample = {
      at: performance.now(),
      rssMb: readRssMb(this.#pid),
      fds: countOpenFds(this.#pid),
      logBytes: this.#log.totalBytes(),
      healthz: undefined,
    };
    this.samples.push(sample);
    const probe = probeHealth(this.#port, HEALTH_TIMEOUT_MS).then((result) => {
      sample.healthz = result;
      this.#probes.delete(probe);
    });
    this.#probes.add(probe);
    if (this.#adminPort !== undefined) {
      const adminProbe = probeHealth(this.#adminPort, HEALTH_TIMEOUT_MS).then((result) => {
        sample.adminHealthz = result;
        this.#probes.delete(adminProbe);
      });
      this.#probes.add(adminProbe);
    }
    return sample;
  }

  #tick = (): void => {
    this.sampleNow();
    this.#nextAt += SAMPLE_INTERVAL_MS;
    this.#timer = setTimeout(this.#tick, Math.max(0, this.#nextAt - performance.now()));
  };
}
