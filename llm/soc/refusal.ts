// Tells a refusal from other prose, so the repair prompt (and the logs) can say the model declined rather than rambled.

/** Phrases models open a refusal with; apostrophes may be straight or curly. */
const REFUSAL =
  /\bI(?:['’]m| am) (?:sorry,? but|unable to|not able to)\b|\bI (?:can(?:['’]t|not)|won['’]t|will not|must decline to) (?:help|assist|comply|provide|create|write|do that|fulfil)|\bI must (?:decline|refuse)\b|\bAs an AI\b/i;

/** How much of the answer is searched: a refusal says so at its start, and a long answer must not cost a long scan. */
const HEAD = 600;

/** Whether `text` (an answer with no file block or no JSON object) reads like a refusal. */
export function looksLikeRefusal(text: string): boolean {
  return REFUSAL.test(text.slice(0, HEAD));
}
