/**
 * Constant tables of ITU-T G.722, 64 kbit/s mode, with the names of its block descriptions. The
 * values are the standard's; index 0 of the interval-indexed tables is padding.
 */

/** QUANTL decision levels Q6 (interval `mil` = 1..29 ends at `Q6[mil] * DETL >> 12`). */
export const LOW_DECISION_LEVELS = Int32Array.of(
  0, 35, 72, 110, 150, 190, 233, 276, 323, 370, 422, 473, 530, 587, 650, 714, 786, 858, 940, 1023, 1121, 1219,
  1339, 1458, 1612, 1765, 1980, 2195, 2557, 2919,
);

/** Number of QUANTL intervals: `mil` runs 1..30, the last one open-ended. */
export const LOW_INTERVALS = 30;

/** QUANTL output code ILN for a negative difference, by interval `mil`. */
export const LOW_CODE_NEGATIVE = Uint8Array.of(
  0, 63, 62, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4,
);

/** QUANTL output code ILP for a non-negative difference, by interval `mil`. */
export const LOW_CODE_POSITIVE = Uint8Array.of(
  0, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47, 46, 45, 44, 43, 42, 41, 40, 39, 38, 37, 36, 35, 34,
  33, 32,
);

/**
 * INVQBL output levels QM6 for the full 6-bit code (decoder output path). Codes 0..3 are never
 * produced by an encoder; they map to the smallest negative level so any byte decodes.
 */
export const LOW_LEVELS_6BIT = Int32Array.of(
  -136, -136, -136, -136, -24808, -21904, -19008, -16704, -14984, -13512, -12280, -11192, -10232, -9360, -8576,
  -7856, -7192, -6576, -6000, -5456, -4944, -4464, -4008, -3576, -3168, -2776, -2400, -2032, -1688, -1360, -1040,
  -728, 24808, 21904, 19008, 16704, 14984, 13512, 12280, 11192, 10232, 9360, 8576, 7856, 7192, 6576, 6000, 5456,
  4944, 4464, 4008, 3576, 3168, 2776, 2400, 2032, 1688, 1360, 1040, 728, 432, 136, -432, -136,
);

/** INVQAL output levels QM4 for the code truncated to 4 bits (predictor and scale path). */
export const LOW_LEVELS_4BIT = Int32Array.of(
  0, -20456, -12896, -8968, -6288, -4240, -2584, -1200, 20456, 12896, 8968, 6288, 4240, 2584, 1200, 0,
);

/** LOGSCL: magnitude index RIL of each 4-bit code. */
export const LOW_MAGNITUDE_OF_4BIT = Uint8Array.of(0, 7, 6, 5, 4, 3, 2, 1, 7, 6, 5, 4, 3, 2, 1, 0);

/** LOGSCL log-scale-factor multipliers WL, by magnitude index. */
export const LOW_SCALE_STEPS = Int32Array.of(-60, -30, 58, 172, 334, 538, 1198, 3042);

/** LOGSCL upper limit of NBL. */
export const LOW_LOG_SCALE_MAX = 18432;

/** SCALEL: the `8` in `ILB >> (8 - (NBL >> 11))`. */
export const LOW_SCALE_SHIFT = 8;

/** QUANTH decision level (`564 * DETH >> 12`). */
export const HIGH_DECISION_LEVEL = 564;

/** QUANTH output code for a negative difference, by interval `mih` (1 inner, 2 outer). */
export const HIGH_CODE_NEGATIVE = Uint8Array.of(0, 1, 0);

/** QUANTH output code for a non-negative difference, by interval `mih`. */
export const HIGH_CODE_POSITIVE = Uint8Array.of(0, 3, 2);

/** INVQAH output levels QM2, by 2-bit code. */
export const HIGH_LEVELS = Int32Array.of(-7408, -1616, 7408, 1616);

/** LOGSCH log-scale-factor multipliers WH, by 2-bit code (outer codes 0 and 2 grow the scale). */
export const HIGH_SCALE_STEPS = Int32Array.of(798, -214, 798, -214);

/** LOGSCH upper limit of NBH. */
export const HIGH_LOG_SCALE_MAX = 22528;

/** SCALEH: the `10` in `ILB >> (10 - (NBH >> 11))`. */
export const HIGH_SCALE_SHIFT = 10;

/** SCALEL/SCALEH antilog table ILB: `2048 * 2^(i / 32)`, rounded. */
export const SCALE_ANTILOG = Int32Array.of(
  2048, 2093, 2139, 2186, 2233, 2282, 2332, 2383, 2435, 2489, 2543, 2599, 2656, 2714, 2774, 2834, 2896, 2960, 3025,
  3091, 3158, 3228, 3298, 3371, 3444, 3520, 3597, 3676, 3756, 3838, 3922, 4008,
);

/** Leakage factor of the log scale factor, Q15 (`NB * 32512 >> 15`). */
export const LOG_SCALE_LEAK = 32512;

/** Initial DETL after reset. */
export const LOW_INITIAL_SCALE = 32;

/** Initial DETH after reset. */
export const HIGH_INITIAL_SCALE = 8;
