/** One stretch when this process's timers ran late. */
export interface Stall {
  /** Wall-clock length of the stretch, in ms. */
  readonly wallMs: number;
  /** CPU time the whole process used during it, in ms. */
  readonly cpuMs: number;
  /** When it ended (`performance.now()`). */
  readonly endAt: number;
}

/**
 * Watches this process's event loop with a short interval timer and records every stretch in which
 * the timer ran late, with the CPU time used meanwhile.
 *
 * @remarks It tells the machine's stalls from the code's: a stall during which the process used
 * little CPU was the operating system not running it (a loaded shared machine), and says nothing
 * about the engine; a stall that burned CPU was this process's own work (a blocking bot, a GC).
 * Timing assertions excuse the first kind, and of the second only the time the process was not
 * running ({@link StallMonitor.machineStalledMsWithin}).
 */
export class StallMonitor {
  readonly stalls: Stall[] = [];
  readonly #periodMs: number;
  readonly #thresholdMs: number;
  readonly #timer: NodeJS.Timeout;
  #lastAt = performance.now();
  #lastCpu = process.cpuUsage();

  constructor(periodMs = 5, thresholdMs = 40) {
    this.#periodMs = periodMs;
    this.#thresholdMs = thresholdMs;
    this.#timer = setInterval(() => this.#check(), periodMs);
  }

  /** Stalls in which the process got less than half the CPU time the wall clock allowed: the machine's, not ours. */
  machineStalls(): Stall[] {
    return this.stalls.filter((stall) => stall.cpuMs < stall.wallMs / 2);
  }

  /** The longest machine stall, in ms (0 when none). */
  longestMachineStallMs(): number {
    let longest = 0;
    for (const stall of this.machineStalls()) longest = Math.max(longest, stall.wallMs);
    return longest;
  }

  /**
   * Time the machine kept this process from running inside the window [`fromMs`, `toMs`]
   * (`performance.now()` times), in ms; stalls back to back add up. A machine stall counts whole;
   * of a stall in which the process also worked, the share it was not running (wall time less CPU
   * time): with other processes keeping every core busy, the process's own work takes longer in
   * wall time by just that much.
   */
  machineStalledMsWithin(fromMs: number, toMs: number): number {
    let total = 0;
    for (const stall of this.stalls) {
      const overlap = Math.max(0, Math.min(toMs, stall.endAt) - Math.max(fromMs, stall.endAt - stall.wallMs));
      const notRunning = stall.cpuMs < stall.wallMs / 2 ? 1 : Math.max(0, 1 - stall.cpuMs / stall.wallMs);
      total += overlap * notRunning;
    }
    return total;
  }

  /** 20 ms frames that stalls could have cost a call: each stall's length in frames, rounded up; only the machine's unless `all`. */
  framesAtRisk(all = false): number {
    let frames = 0;
    for (const stall of all ? this.stalls : this.machineStalls()) frames += Math.ceil(stall.wallMs / 20);
    return frames;
  }

  /** Wall time the stalls took, in ms: only the machine's unless `all`. */
  stalledMs(all = false): number {
    let total = 0;
    for (const stall of all ? this.stalls : this.machineStalls()) total += stall.wallMs;
    return total;
  }

  /** The stalls, one line each, for assertion messages. */
  describe(): string {
    return this.stalls.map((stall) => `${Math.round(stall.wallMs)} ms (cpu ${Math.round(stall.cpuMs)} ms)`).join(', ') || 'none';
  }

  /** Stops the timer. */
  stop(): void {
    clearInterval(this.#timer);
  }

  #check(): void {
    const now = performance.now();
    const cpu = process.cpuUsage();
    const wallMs = now - this.#lastAt;
    if (wallMs - this.#periodMs > this.#thresholdMs) {
      const cpuMs = (cpu.user - this.#lastCpu.user + cpu.system - this.#lastCpu.system) / 1000;
      this.stalls.push({ wallMs, cpuMs, endAt: now });
    }
    this.#lastAt = now;
    this.#lastCpu = cpu;
  }
}
