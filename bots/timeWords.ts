/**
 * Prompt names that read a 24-hour time the way a phone menu says it: 14:05 is "fourteen oh five",
 * 09:30 "nine thirty", 12:00 "twelve hundred".
 */
export function timeWords(hours: number, minutes: number): string[] {
  const words = numberWords(hours);
  if (minutes === 0) words.push('hundred-hours');
  else if (minutes < 10) words.push('oh', `n${minutes}`);
  else words.push(...numberWords(minutes));
  return words;
}

/** Prompt names for 0 to 59. */
function numberWords(value: number): string[] {
  if (value < 20) return [`n${value}`];
  const tens = Math.floor(value / 10) * 10;
  const ones = value % 10;
  return ones === 0 ? [`n${tens}`] : [`n${tens}`, `n${ones}`];
}

/** Every prompt {@link timeWords} can name. */
export const TIME_WORD_PROMPTS: readonly string[] = [
  ...Array.from({ length: 20 }, (_, n) => `n${n}`),
  'n20',
  'n30',
  'n40',
  'n50',
  'oh',
  'hundred-hours',
];
