/** Seeded network impairment models for the bench harness: profiles, schedules, statistics. */

export { SeededRandom, deriveSeed } from './random.js';
export type { DelayDistribution } from './delayDistribution.js';
export { sampleDelayMs } from './delayDistribution.js';
export type { ImpairmentProfile, ImpairmentProfileName } from './profiles.js';
export {
  DEFAULT_BURST_SPACING_MS,
  DEFAULT_FRAME_MS,
  cleanProfile,
  congested4gProfile,
  impairmentProfiles,
  isImpairmentProfileName,
  lossyProfile,
  profileByName,
  satelliteProfile,
  stallsProfile,
  wifiProfile,
} from './profiles.js';
export { MAX_STALLS_PER_MINUTE, assertValidProfile, profileProblems } from './validateProfile.js';
export type { CompactSchedule, ImpairScheduleOptions, StallWindow } from './impairScheduleCompact.js';
export { WRITE_DUPLICATE, WRITE_REORDERED, impairScheduleCompact } from './impairScheduleCompact.js';
export type { Delivery, ImpairedSchedule } from './impairSchedule.js';
export { expandSchedule, impairSchedule } from './impairSchedule.js';
export type { ScheduleSummary, ScheduleSummaryOptions } from './summarizeSchedule.js';
export { summarizeSchedule } from './summarizeSchedule.js';
